package io.sluice.connect.jdbc;

import io.sluice.connect.jdbc.source.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Runs a {@link JdbcSourceTask} the way a worker does: start with stored offsets, poll, "deliver" records and commit
 * the offset of each delivered record. A restart is a new task over the same committed offsets.
 */
final class TaskHarness implements AutoCloseable {

    private final Map<String, String> props;
    /** Committed offsets by partition, as a worker's offset store holds them. */
    final Map<Map<String, Object>, Map<String, Object>> committed;
    final List<SourceRecord> delivered = new ArrayList<>();
    private JdbcSourceTask task;
    private Metrics metrics;

    /** A task reading {@code tables} (unchunked), or the configured query when there are none. */
    TaskHarness(Map<String, String> props, TableId... tables) {
        this(props, tables.length == 0 ? List.of(new JdbcSourceTask.Assignment(null, 0, null))
                : java.util.Arrays.stream(tables).map(t -> new JdbcSourceTask.Assignment(t, 0, null)).toList());
    }

    TaskHarness(Map<String, String> props, List<JdbcSourceTask.Assignment> assigned) {
        this(withAssignment(props, assigned), new HashMap<>());
    }

    /**
     * A task from a connector's task config ({@code taskConfig}), committing into {@code store}, which the other
     * tasks and the connector of a test may share, as a worker's offset store.
     */
    TaskHarness(Map<String, String> taskConfig, Map<Map<String, Object>, Map<String, Object>> store) {
        this.props = new HashMap<>(taskConfig);
        this.committed = store;
    }

    private static Map<String, String> withAssignment(Map<String, String> props,
                                                      List<JdbcSourceTask.Assignment> assigned) {
        Map<String, String> p = new HashMap<>(props);
        p.put(JdbcSourceTask.Assignment.KEY, JdbcSourceTask.Assignment.encode(assigned));
        return p;
    }

    TaskHarness start() {
        metrics = new Metrics();
        task = new JdbcSourceTask();
        task.initialize(new Context());
        task.start(props);
        return this;
    }

    /**
     * One poll; its records are delivered and their offsets committed. Every value is validated against its schema
     * first, as Struct.put would have: rows are filled without it (StructValues).
     */
    List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> records = task.poll();
        if (records == null) {
            return List.of();
        }
        for (SourceRecord r : records) {
            if (r.value() instanceof org.apache.kafka.connect.data.Struct row) {
                row.validate();
                org.apache.kafka.connect.data.ConnectSchema.validateValue(r.valueSchema(), row);
            }
            delivered.add(r);
            if (r.sourceOffset() != null) {
                committed.put(new HashMap<>(r.sourcePartition()), new HashMap<>(r.sourceOffset()));
            }
        }
        return records;
    }

    /** Polls until {@code done} holds for the delivered records, for at most {@code timeout}. */
    List<SourceRecord> pollUntil(Predicate<List<SourceRecord>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(delivered)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + "; delivered " + delivered.size()
                        + " records: " + values("id"));
            }
            poll();
        }
        return delivered;
    }

    List<SourceRecord> pollUntilCount(int n) throws InterruptedException {
        return pollUntil(d -> d.size() >= n, Duration.ofSeconds(30));
    }

    /** Stops the task, keeping the committed offsets, and starts a new one on them. */
    TaskHarness restart() {
        task.stop();
        return start();
    }

    JdbcSourceTask task() {
        return task;
    }

    /** The value of {@code field} of every delivered record, in order. */
    List<Object> values(String field) {
        List<Object> out = new ArrayList<>();
        for (SourceRecord r : delivered) {
            out.add(((Struct) r.value()).get(field));
        }
        return out;
    }

    /** The value of the task's plugin metric {@code name} with the given extra tags. */
    double metric(String name, Map<String, String> tags) {
        for (Map.Entry<MetricName, ? extends org.apache.kafka.common.Metric> e : metrics.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals(name) && n.tags().entrySet().containsAll(tags.entrySet())) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no metric " + name + " " + tags + " in " + metrics.metrics().keySet());
    }

    /** The {@code id} of every delivered record, in order. */
    List<Long> ids() {
        return values("id").stream().map(o -> ((Number) o).longValue()).toList();
    }

    @Override
    public void close() {
        if (task != null) {
            task.stop();
        }
    }

    /** Reads offsets from {@code store} as a worker's offset store would. */
    static OffsetStorageReader reader(Map<Map<String, Object>, Map<String, Object>> store) {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return store.get(new HashMap<String, Object>(partition));
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
                for (Map<String, T> p : partitions) {
                    Map<String, Object> o = offset(p);
                    if (o != null) {
                        out.put(p, o);
                    }
                }
                return out;
            }
        };
    }

    private final class Context implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return props;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return reader(committed);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return new PluginMetricsImpl(metrics, Map.of("connector", "test", "task", "0"));
        }
    }
}
