package io.sluice.connect.common;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where a record is, for error messages and logs, never its content: {@code orders-3@1234} (topic-partition@offset,
 * as Kafka prints a partition) for a record read from Kafka, {@code orders-3 (source record)} for one a source
 * produces, which has no offset yet. A sink record is named as consumed, before any transform renamed its topic: the
 * place an operator can look it up, and the one the worker's dead-letter headers carry.
 */
public final class RecordLocator {

    private RecordLocator() {
    }

    public static String of(ConnectRecord<?> record) {
        if (record instanceof SinkRecord sink) {
            return of(sink.originalTopic(), sink.originalKafkaPartition(), sink.originalKafkaOffset());
        }
        Integer partition = record.kafkaPartition();
        return (partition == null ? record.topic() : record.topic() + "-" + partition) + " (source record)";
    }

    public static String of(TopicPartition partition, long offset) {
        return of(partition.topic(), partition.partition(), offset);
    }

    private static String of(String topic, Integer partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
