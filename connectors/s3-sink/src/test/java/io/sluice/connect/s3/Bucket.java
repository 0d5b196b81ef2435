package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;

/** The {@code orders} objects of one bucket, read back with parquet-avro, and the exactly-once check on them. */
record Bucket(S3Client client, String name) {

    /** Offsets found in the bucket's objects, per partition, with how many times each appears. */
    Map<Integer, Map<Long, Integer>> offsets() {
        Map<Integer, Map<Long, Integer>> seen = new TreeMap<>();
        ParquetObjects.read(client, name, "topics/orders/").values().forEach(rows -> rows.forEach(r ->
                seen.computeIfAbsent((Integer) r.get("_kafka_partition"), p -> new TreeMap<>())
                        .merge((Long) r.get("_kafka_offset"), 1, Integer::sum)));
        return seen;
    }

    void assertExactlyOnce(Map<Integer, Long> ends) {
        Map<Integer, Map<Long, Integer>> seen = offsets();
        for (Map.Entry<Integer, Long> e : ends.entrySet()) {
            Map<Long, Integer> counts = seen.getOrDefault(e.getKey(), Map.of());
            List<Long> duplicated = counts.entrySet().stream().filter(c -> c.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            List<Long> missing = new ArrayList<>();
            for (long o = 0; o < e.getValue(); o++) {
                if (!counts.containsKey(o)) {
                    missing.add(o);
                }
            }
            assertThat(duplicated).as("offsets of partition %s written twice", e.getKey()).isEmpty();
            assertThat(missing).as("offsets of partition %s never written", e.getKey()).isEmpty();
            assertThat(counts).hasSize(e.getValue().intValue());
        }
    }
}
