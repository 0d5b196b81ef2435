package io.sluice.connect.smt.dlq;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The error context a dead letter carries, with the names Kafka Connect's own dead-letter queue uses
 * ({@code __connect.errors.*}), plus the failed rule and field. Every value is a string, partition and offset too,
 * as Kafka's own reporter writes them, so a tool reading Connect's dead letters reads ours the same way. Headers
 * already on the record under these names are replaced, never repeated.
 */
final class ErrorHeaders {

    static final String PREFIX = "__connect.errors.";
    static final String TOPIC = PREFIX + "topic";
    static final String PARTITION = PREFIX + "partition";
    static final String OFFSET = PREFIX + "offset";
    static final String STAGE = PREFIX + "stage";
    static final String CLASS_NAME = PREFIX + "class.name";
    static final String EXCEPTION_CLASS = PREFIX + "exception.class.name";
    static final String EXCEPTION_MESSAGE = PREFIX + "exception.message";
    static final String EXCEPTION_STACKTRACE = PREFIX + "exception.stacktrace";
    static final String RULE = "__sluice.errors.rule";
    static final String FIELD = "__sluice.errors.field";

    private ErrorHeaders() {
    }

    /** Writes the context of {@code original}'s failure onto {@code headers}. */
    static void write(Headers headers, ConnectRecord<?> original, String failedClass, Throwable error, Violation violation,
                      int stacktraceMaxChars) {
        for (String name : new String[] {TOPIC, PARTITION, OFFSET, STAGE, CLASS_NAME, EXCEPTION_CLASS, EXCEPTION_MESSAGE,
                EXCEPTION_STACKTRACE, RULE, FIELD}) {
            headers.remove(name);
        }
        headers.addString(TOPIC, original.topic());
        if (original.kafkaPartition() != null) {
            headers.addString(PARTITION, String.valueOf(original.kafkaPartition()));
        }
        if (original instanceof SinkRecord sink) {
            headers.addString(OFFSET, String.valueOf(sink.kafkaOffset()));
        }
        headers.addString(STAGE, "TRANSFORMATION");
        headers.addString(CLASS_NAME, failedClass);
        if (error != null) {
            headers.addString(EXCEPTION_CLASS, error.getClass().getName());
            if (error.getMessage() != null) {
                headers.addString(EXCEPTION_MESSAGE, error.getMessage());
            }
            if (stacktraceMaxChars > 0) {
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                String t = trace.toString();
                headers.addString(EXCEPTION_STACKTRACE, t.length() > stacktraceMaxChars ? t.substring(0, stacktraceMaxChars) : t);
            }
        } else {
            headers.addString(EXCEPTION_CLASS, InvalidRecordException.class.getName());
            headers.addString(EXCEPTION_MESSAGE, violation.message());
        }
        if (violation != null) {
            headers.addString(RULE, violation.rule());
            headers.addString(FIELD, violation.field());
        }
    }

    /** The topic the record was dead-lettered from, if it was dead-lettered before. */
    static String originalTopic(ConnectRecord<?> record) {
        var topic = record.headers().lastWithName(TOPIC);
        return topic != null && record.headers().lastWithName(EXCEPTION_CLASS) != null ? String.valueOf(topic.value()) : null;
    }
}
