package io.sluice.connect.s3.partition;

import org.apache.kafka.connect.sink.SinkRecord;

/** One directory per Kafka partition: {@code partition=<n>}. */
public final class DefaultPartitioner implements Partitioner {

    @Override
    public String path(SinkRecord record) {
        return "partition=" + record.kafkaPartition();
    }
}
