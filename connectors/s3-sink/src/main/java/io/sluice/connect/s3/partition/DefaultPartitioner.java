package io.sluice.connect.s3.partition;

import java.util.Arrays;
import org.apache.kafka.connect.sink.SinkRecord;

/** One directory per Kafka partition: {@code partition=<n>}. */
public final class DefaultPartitioner implements Partitioner {

    /** The path of each partition seen, built once: every record asks for one. */
    private String[] paths = new String[16];

    @Override
    public String path(SinkRecord record) {
        int partition = record.kafkaPartition();
        if (partition >= paths.length) {
            paths = Arrays.copyOf(paths, Math.max(partition + 1, paths.length * 2));
        }
        String path = paths[partition];
        if (path == null) {
            path = "partition=" + partition;
            paths[partition] = path;
        }
        return path;
    }
}
