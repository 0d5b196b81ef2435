package io.sluice.connect.s3.partition;

import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Chooses the directory of a record's file under {@code topics.dir/<topic>/}: {@code partition=3},
 * {@code region=eu/year=2026/month=11/day=30/hour=17}. A {@link org.apache.kafka.connect.errors.DataException} means
 * the record cannot be placed (a missing field), and the record is handled as a bad record.
 */
public interface Partitioner {

    /** The path of the record's file, relative to the topic directory, without leading or trailing delimiter. */
    String path(SinkRecord record);

    /** Whether the same record always gets the same path; exactly-once recovery relies on it when true. */
    default boolean deterministic() {
        return true;
    }
}
