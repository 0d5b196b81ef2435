package io.sluice.connect.smt.dlq;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.common.fault.BurstLog;
import io.sluice.connect.common.metrics.Gauges;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a bad record goes, per the router's mode, and the bookkeeping that comes with it: headers, log, metrics. */
public final class DeadLetters<R extends ConnectRecord<R>> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** The router's modes. */
    public enum Mode {
        ROUTE, PRODUCE, FAIL
    }

    private final Mode mode;
    private final String topicTemplate;
    private final boolean headers;
    private final int stacktraceMaxChars;
    private final DeadLetterProducer producer;
    private final Map<String, LongAdder> byRule = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byException = new ConcurrentHashMap<>();
    private PluginMetrics metrics;
    /** A burst of bad records logs ten lines a minute and a summary, not a line per record. */
    private final BurstLog burst = new BurstLog(log, 10, 60_000, "bad records");

    /**
     * @param produceConfig everything under {@code produce.} for {@link Mode#PRODUCE}, else null
     */
    public DeadLetters(Mode mode, String topicTemplate, boolean headers, int stacktraceMaxChars, Map<String, Object> produceConfig,
                       long produceTimeoutMs) {
        this.mode = mode;
        this.topicTemplate = topicTemplate;
        this.headers = headers;
        this.stacktraceMaxChars = stacktraceMaxChars;
        this.producer = mode == Mode.PRODUCE ? new DeadLetterProducer(produceConfig, produceTimeoutMs) : null;
    }

    /**
     * Handles a bad record as configured.
     *
     * @param original    the record as it came into the router
     * @param failedClass the transform that threw, or the router for a violation
     * @param error       what a wrapped transform threw, or null for a violation
     * @param violation   the failed rule, or null for an error
     * @return the dead letter to pass on (route), or null to drop the record from the pipeline (produce)
     * @throws InvalidRecordException or the wrapped error's DataException in fail mode
     */
    public R deadLetter(R original, String failedClass, RuntimeException error, Violation violation) {
        count(violation, error);
        String reason = violation != null ? "rule '" + violation.rule() + "' failed: " + violation.message()
                : failedClass + " threw " + error.getClass().getName();
        String kind = violation != null ? "rule " + violation.rule() : error.getClass().getName();
        if (mode == Mode.FAIL) {
            burst.warn(kind, "Failing record {}: {}", RecordLocator.of(original), reason);
            throw violation != null ? new InvalidRecordException(reason) : error instanceof org.apache.kafka.connect.errors.DataException d
                    ? d : new org.apache.kafka.connect.errors.DataException(reason, error);
        }
        String topic = topicFor(original);
        Headers h = original.headers().duplicate();
        if (headers) {
            ErrorHeaders.write(h, original, failedClass, error, violation, stacktraceMaxChars);
        }
        // A source record's partition is the worker producer's choice (the DLQ may have fewer partitions); a sink
        // record must keep one.
        Integer partition = original instanceof SinkRecord ? original.kafkaPartition() : null;
        R letter = original.newRecord(topic, partition, original.keySchema(), original.key(), original.valueSchema(),
                original.value(), original.timestamp(), h);
        // No record content in the log: topic, partition, offset and the reason only.
        burst.warn(kind, "Dead-lettering record {} to {}: {}", RecordLocator.of(original), topic, reason);
        if (mode == Mode.PRODUCE) {
            producer.send(topic, letter);
            return null;
        }
        return letter;
    }

    /** The template with {@code ${topic}} as the record's topic, or as its original topic if it was a dead letter. */
    String topicFor(ConnectRecord<?> record) {
        String original = ErrorHeaders.originalTopic(record);
        return topicTemplate.replace("${topic}", original != null ? original : record.topic());
    }

    private void count(Violation violation, RuntimeException error) {
        if (violation != null) {
            counter(byRule, violation.rule(), "rule").increment();
        } else {
            counter(byException, error.getClass().getName(), "exception").increment();
        }
    }

    private LongAdder counter(Map<String, LongAdder> counters, String key, String tag) {
        LongAdder c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> new LongAdder());
            register(tag, key, c);
        }
        return c;
    }

    /** Kafka 4.1+: {@code dead-lettered-total} tagged by rule or by exception class. */
    public void withMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        byRule.forEach((k, c) -> register("rule", k, c));
        byException.forEach((k, c) -> register("exception", k, c));
    }

    private void register(String tag, String key, LongAdder counter) {
        if (metrics == null) {
            return;
        }
        try {
            Gauges.add(metrics, "dead-lettered-total", "Records dead-lettered since the task started.",
                    Map.of(tag, key), counter::sum);
        } catch (IllegalArgumentException alreadyThere) {
            // registered when the metrics arrived
        }
    }

    @Override
    public void close() {
        burst.flush();
        if (producer != null) {
            producer.close();
        }
    }
}
