package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** table.format=iceberg at validate: each problem is reported on the key that fixes it, before S3 is reached. */
class IcebergConfigTest {

    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put("s3.bucket.name", "lake");
        p.put("store.url", "http://127.0.0.1:1"); // nothing answers: validate must stop before reaching it
        p.put("topics", "orders");
        p.put("table.format", "iceberg");
        p.put("iceberg.tables", "db.orders");
        p.put("iceberg.tables.auto-create-enabled", "true");
        p.put("iceberg.catalog.type", "jdbc");
        p.put("iceberg.catalog.uri", "jdbc:postgresql://127.0.0.1:1/none"); // nothing answers here either
        return p;
    }

    @Test
    void keysOfIcebergsSinkForWhatSluiceDoesNotDoAreRefusedNamingTheWayOut() {
        Map<String, String> p = base();
        p.put("iceberg.tables.upsert-mode-enabled", "true");
        p.put("iceberg.tables.default-id-columns", "id");
        p.put("iceberg.control.commit.interval-ms", "10000");
        Map<String, List<String>> e = Validate.errors(p);
        assertThat(e).containsOnlyKeys("iceberg.tables.upsert-mode-enabled", "iceberg.tables.default-id-columns");
        assertThat(e.get("iceberg.tables.default-id-columns").get(0)).contains("appends");
        assertThat(S3SinkConfig.peerWarnings(p)).containsOnlyKeys("iceberg.control.commit.interval-ms");
    }

    @Test
    void wallClockTimeHasNoColumnToPartitionBy() {
        Map<String, String> p = base();
        p.put("partitioner.class", "hourly");
        Map<String, List<String>> e = Validate.errors(p);
        assertThat(e).containsOnlyKeys("iceberg.tables.default-partition-by");
        assertThat(e.get("iceberg.tables.default-partition-by").get(0)).contains("timestamp.extractor=RecordField");
    }

    @Test
    void thePartitionerMapsToIcebergTransforms() {
        Map<String, String> p = base();
        p.put("partitioner.class", "io.confluent.connect.storage.partitioner.DailyPartitioner");
        p.put("timestamp.extractor", "RecordField");
        p.put("timestamp.field", "created");
        p.put("partition.field.name", "region");
        assertThat(new S3SinkConfig(p).icebergPartitionBy()).containsExactly("region", "day(created)");
        p.put("timestamp.extractor", "Record");
        p.put("kafka.metadata.fields", "offset,timestamp");
        assertThat(new S3SinkConfig(p).icebergPartitionBy()).containsExactly("region", "day(_kafka_timestamp)");
        p.put("iceberg.tables.default-partition-by", "bucket(id, 8)");
        assertThat(new S3SinkConfig(p).icebergPartitionBy()).containsExactly("bucket(id, 8)");
    }

    @Test
    void aTableMissingAndAnUnreachableCatalogAreReportedOnTheirKeys() {
        Map<String, String> p = base();
        p.put("iceberg.tables", "");
        assertThat(Validate.errors(p)).containsOnlyKeys("iceberg.tables");
        Map<String, List<String>> e = Validate.errors(base());
        assertThat(e).containsOnlyKeys("iceberg.catalog");
        assertThat(e.get("iceberg.catalog").get(0)).contains("Cannot use the Iceberg catalog");
        p = base();
        p.remove("iceberg.catalog.type");
        e = Validate.errors(p);
        assertThat(e).containsOnlyKeys("iceberg.catalog");
        assertThat(e.get("iceberg.catalog").get(0)).contains("iceberg.catalog.type to rest, jdbc or glue");
    }

    @Test
    void routingNeedsItsFieldAndRegexesThatCompileEachReportedOnItsKey() {
        Map<String, String> p = base();
        p.put("iceberg.tables", "");
        p.put("iceberg.tables.dynamic-enabled", "true");
        Map<String, List<String>> e = Validate.errors(p);
        assertThat(e).containsOnlyKeys("iceberg.tables.route-field");
        assertThat(e.get("iceberg.tables.route-field").get(0)).contains("set iceberg.tables.route-field");
        p = base();
        p.put("iceberg.tables", "db.eu,db.us");
        p.put("iceberg.tables.route-field", "region");
        p.put("iceberg.table.db.eu.route-regex", "eu-(");
        e = Validate.errors(p);
        assertThat(e).containsOnlyKeys("iceberg.tables");
        assertThat(e.get("iceberg.tables").get(0)).contains("iceberg.table.db.eu.route-regex")
                .contains("Not a regular expression");
        // Valid routing reaches the catalog, which does not answer here.
        p.put("iceberg.table.db.eu.route-regex", "eu-.*");
        assertThat(Validate.errors(p)).containsOnlyKeys("iceberg.catalog");
        assertThat(new S3SinkConfig(p).tableRouter().single()).isFalse();
    }
}
