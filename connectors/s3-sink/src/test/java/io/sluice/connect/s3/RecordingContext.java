package io.sluice.connect.s3;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A sink task context that records what the task asks of the worker: rewinds, pauses, errant records. */
final class RecordingContext implements SinkTaskContext {

    final Map<TopicPartition, Long> rewinds = new HashMap<>();
    final Set<TopicPartition> paused = new HashSet<>();
    final List<SinkRecord> errant = new java.util.ArrayList<>();
    private final Set<TopicPartition> assignment;
    private final boolean withReporter;
    private final Metrics metrics = new Metrics();

    RecordingContext(Set<TopicPartition> assignment, boolean withReporter) {
        this.assignment = assignment;
        this.withReporter = withReporter;
    }

    /** A task started with {@code props} and opened on this context's partitions. */
    S3ParquetSinkTask start(Map<String, String> props) {
        S3ParquetSinkTask task = new S3ParquetSinkTask();
        task.initialize(this);
        task.start(props);
        task.open(assignment);
        return task;
    }

    /**
     * Feeds {@code task} empty batches, as a worker does between records (scheduled rotation commits then), until
     * every partition it reports is committed up to {@code end}, waiting at most {@code timeout}.
     */
    static void awaitCommitted(S3ParquetSinkTask task, long end, java.time.Duration timeout) {
        io.sluice.connect.testkit.Wait.until("every offset committed up to " + end, timeout, () -> {
            task.put(List.of());
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = task.preCommit(Map.of());
            return !offsets.isEmpty() && offsets.values().stream().allMatch(o -> o.offset() == end);
        });
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        rewinds.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        rewinds.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(List.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        List.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withReporter) {
            return null;
        }
        return (record, error) -> {
            errant.add(record);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return new PluginMetricsImpl(metrics, Map.of("connector", "test", "task", "0"));
    }

    /** The value of the task's plugin metric {@code name}. */
    long metric(String name) {
        for (Map.Entry<MetricName, ? extends org.apache.kafka.common.Metric> e : metrics.metrics().entrySet()) {
            if (e.getKey().name().equals(name)) {
                return ((Number) e.getValue().metricValue()).longValue();
            }
        }
        throw new AssertionError("no metric " + name + " in " + metrics.metrics().keySet());
    }
}
