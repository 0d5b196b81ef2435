package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.ConnectWorker;
import io.sluice.connect.testkit.DuckDb;
import io.sluice.connect.testkit.S3Server;
import io.sluice.connect.testkit.S3ServerExtension;
import io.sluice.connect.testkit.TcpProxy;
import io.sluice.connect.testkit.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Parquet S3 sink from the zip on two real workers, writing to a real S3 API server, read back by DuckDB with
 * Hive partitioning: a worker is killed with SIGKILL while it writes, and the objects still hold every Kafka offset
 * exactly once, with the values and logical types the records carried.
 */
class S3SinkBundleIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_795_000_000_000L - 1_795_000_000_000L % HOUR;
    private static final String SCHEMA = """
            {"type":"struct","name":"shop.Order","fields":[
              {"field":"id","type":"int64"},
              {"field":"amount","type":"bytes","name":"org.apache.kafka.connect.data.Decimal",
               "parameters":{"scale":"2","connect.decimal.precision":"10"}},
              {"field":"created","type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},
              {"field":"customer","type":"struct","fields":[{"field":"email","type":"string"}]},
              {"field":"lines","type":"array","items":{"type":"struct","fields":[
                {"field":"sku","type":"string"},{"field":"qty","type":"int32"}]}}]}""";

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b
            .kafkaVersion(System.getProperty("sluice.kafka.version")).workers(2).pluginPath(Bundle.pluginPath())
            .workerProperty("plugin.discovery", "service_load")
            .workerProperty("offset.flush.interval.ms", "1000").jmx());

    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();

    /** Order {@code id}: three hours interleave, so several files per partition are open when the worker dies. */
    static Map.Entry<String, String> order(long id) {
        long created = BASE + (id % 3) * HOUR + id;
        String payload = String.format("{\"id\":%d,\"amount\":%d.%02d,\"created\":%d,\"customer\":{\"email\":\"c%d@x.io\"},"
                + "\"lines\":[{\"sku\":\"s%d\",\"qty\":%d}]}", id, id / 100, id % 100, created, id % 10, id, id % 4);
        return Map.entry("k" + id, "{\"schema\":" + SCHEMA + ",\"payload\":" + payload + "}");
    }

    static List<Map.Entry<String, String>> orders(long from, long to) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (long id = from; id < to; id++) {
            out.add(order(id));
        }
        return out;
    }

    private static Map<String, String> sink(String bucket, String topic) {
        Map<String, String> config = new HashMap<>(STORE.server().sinkProps(bucket));
        config.put("connector.class", "io.sluice.connect.s3.S3ParquetSinkConnector");
        config.put("topics", topic);
        config.put("tasks.max", "2");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "true");
        config.put("partitioner.class", "io.confluent.connect.storage.partitioner.HourlyPartitioner");
        config.put("timestamp.extractor", "RecordField");
        config.put("timestamp.field", "created");
        config.put("timezone", "UTC");
        config.put("flush.size", "100");
        config.put("rotate.schedule.interval.ms", "2000");
        config.put("kafka.metadata.fields", "partition,offset");
        return config;
    }

    /** An empty bucket and a topic of {@code partitions} partitions for one test. */
    private static void prepare(ConnectCluster cluster, String bucket, String topic, int partitions) {
        STORE.server().createBucket(bucket);
        cluster.createTopic(topic, partitions);
    }

    /** The bucket's objects of {@code topic}, copied to a fresh directory, as a DuckDB table expression. */
    private static String table(String bucket, String topic) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sluice-s3-" + bucket);
        deleteTree(dir);
        STORE.server().download(bucket, "topics/" + topic + "/", dir);
        if (!Files.isDirectory(dir.resolve("topics/" + topic))) {
            return null;
        }
        return "read_parquet(" + DuckDb.literal(dir + "/topics/" + topic + "/**/*.parquet")
                + ", hive_partitioning = true, union_by_name = true)";
    }

    private static long count(String bucket, String topic) {
        String table = table(bucket, topic);
        return table == null ? 0 : DuckDb.query("SELECT count(*) AS n FROM " + table).get(0).get("n").asLong();
    }

    /**
     * Waits until the objects hold {@code rows} rows, then asserts with DuckDB that they hold exactly that many
     * distinct Kafka offsets: every offset once. Returns the table expression for further queries.
     */
    private static String assertEveryOffsetOnce(String bucket, String topic, long rows) {
        Wait.until("all " + rows + " rows in objects", TIMEOUT, () -> count(bucket, topic) >= rows);
        String table = table(bucket, topic);
        JsonNode totals = DuckDb.query("SELECT count(*) AS n, count(DISTINCT (_kafka_partition, _kafka_offset)) "
                + "AS distinct_offsets FROM " + table).get(0);
        assertThat(totals.get("n").asLong()).as("rows").isEqualTo(rows);
        assertThat(totals.get("distinct_offsets").asLong()).as("offsets, none twice").isEqualTo(rows);
        return table;
    }

    @Test
    void everyOffsetOnceAcrossAWorkerKillReadBackByDuckDb() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        String bucket = "orders-eos";
        String topic = "orders";
        prepare(cluster, bucket, topic, 4);
        cluster.produce(topic, orders(0, 3000));
        cluster.rest().run("s3-orders", sink(bucket, topic), 2, TIMEOUT);
        try {
            Wait.until("the first objects", TIMEOUT, () -> count(bucket, topic) > 0);
            String victimId = cluster.rest().status("s3-orders").at("/tasks/0/worker_id").asText();
            ConnectWorker victim = cluster.workers().stream().filter(w -> w.workerId().equals(victimId)).findFirst()
                    .orElseThrow();
            victim.kill();
            cluster.produce(topic, orders(3000, 6000));
            String table = assertEveryOffsetOnce(bucket, topic, 6000);
            assertThat(DuckDb.query("SELECT count(DISTINCT id) AS ids FROM " + table).get(0).get("ids").asLong())
                    .as("orders").isEqualTo(6000);

            Map<String, String> types = new HashMap<>();
            DuckDb.query("DESCRIBE SELECT * FROM " + table).forEach(c ->
                    types.put(c.get("column_name").asText(), c.get("column_type").asText()));
            assertThat(types).containsEntry("amount", "DECIMAL(10,2)")
                    .containsEntry("created", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("customer", "STRUCT(email VARCHAR)")
                    .containsEntry("lines", "STRUCT(sku VARCHAR, qty INTEGER)[]")
                    .containsKeys("year", "month", "day", "hour");

            JsonNode row = DuckDb.query("SELECT amount::VARCHAR AS amount, epoch_ms(created) AS created, "
                    + "customer.email AS email, lines[1].sku AS sku, hour::VARCHAR AS hour FROM " + table
                    + " WHERE id = 4321").get(0);
            assertThat(row.get("amount").asText()).isEqualTo("43.21");
            assertThat(row.get("created").asLong()).isEqualTo(BASE + (4321 % 3) * HOUR + 4321);
            assertThat(row.get("email").asText()).isEqualTo("c1@x.io");
            assertThat(row.get("sku").asText()).isEqualTo("s4321");
            assertThat(Integer.parseInt(row.get("hour").asText())).isEqualTo(java.time.Instant
                    .ofEpochMilli(BASE + (4321 % 3) * HOUR).atZone(java.time.ZoneOffset.UTC).getHour());
        } finally {
            cluster.rest().deleteConnector("s3-orders");
        }
    }

    /**
     * A backfill over 100 hourly paths with a one-mebibyte budget spills rows to disk; the worker holding a task is
     * killed with SIGKILL mid-backfill. Its spilled rows were a buffer only: the objects still hold every offset
     * once, and the dead task's spill area is gone once the next task has started, the others' when they stop.
     */
    @Test
    void aBackfillThatSpillsKeepsEveryOffsetOnceAcrossAWorkerKill() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        for (ConnectWorker w : cluster.workers()) {
            if (!w.isAlive()) {
                w.restart(TIMEOUT); // another test killed it
            }
        }
        String bucket = "backfill-eos";
        String topic = "backfill";
        prepare(cluster, bucket, topic, 4);
        Path spillRoot = Files.createTempDirectory("sluice-spill-it");
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (long id = 0; id < 60_000; id++) {
            String payload = String.format("{\"id\":%d,\"amount\":%d.%02d,\"created\":%d,\"customer\":"
                    + "{\"email\":\"c%d@x.io\"},\"lines\":[]}", id, id / 100, id % 100, BASE + (id % 100) * HOUR + id,
                    id % 10);
            records.add(Map.entry("k" + id, "{\"schema\":" + SCHEMA + ",\"payload\":" + payload + "}"));
        }
        cluster.produce(topic, records.subList(0, 40_000));
        Map<String, String> config = sink(bucket, topic);
        config.put("flush.size", "1000");
        config.put("rotate.schedule.interval.ms", "10000");
        config.put("memory.buffer.max.bytes", Integer.toString(1 << 20));
        config.put("spill.dir", spillRoot.toString());
        cluster.rest().run("s3-backfill", config, 2, TIMEOUT);
        ConnectWorker victim = null;
        try {
            Wait.until("rows spilled", TIMEOUT, () -> metric(cluster, "s3-backfill", "spilled-bytes-total") > 0);
            String victimId = cluster.rest().status("s3-backfill").at("/tasks/0/worker_id").asText();
            victim = cluster.workers().stream().filter(w -> w.workerId().equals(victimId)).findFirst().orElseThrow();
            victim.kill();
            cluster.produce(topic, records.subList(40_000, 60_000));
            assertEveryOffsetOnce(bucket, topic, 60_000);
            // No task lost its area to another's sweep (a live area looks dead to another worker once this worker
            // drops its lock), which would show as a spill that takes nothing.
            assertThat(cluster.logTails(100_000)).doesNotContain("the spill takes no more");
        } finally {
            cluster.rest().deleteConnector("s3-backfill");
        }
        victim.restart(TIMEOUT);
        Wait.until("no spill area left", TIMEOUT, () -> {
            try (Stream<Path> left = Files.list(spillRoot)) {
                return left.findAny().isEmpty();
            }
        });
        deleteTree(spillRoot);
    }

    @Test
    void everyOffsetOnceWhileTasksAreRescaledUnderLoad() {
        ConnectCluster cluster = CLUSTER.cluster();
        String bucket = "orders-rescale";
        String topic = "orders-rescale";
        prepare(cluster, bucket, topic, 4);
        Map<String, String> config = sink(bucket, topic);
        config.put("tasks.max", "1");
        cluster.produce(topic, orders(0, 2000));
        cluster.rest().run("s3-rescale", config, 1, TIMEOUT);
        try {
            Wait.until("the first objects", TIMEOUT, () -> count(bucket, topic) > 0);
            config.put("tasks.max", "2");
            cluster.rest().putConnectorConfig("s3-rescale", config);
            cluster.produce(topic, orders(2000, 4000));
            cluster.rest().awaitState("s3-rescale", "RUNNING", 2, TIMEOUT);
            config.put("tasks.max", "1");
            cluster.rest().putConnectorConfig("s3-rescale", config);
            cluster.produce(topic, orders(4000, 6000));
            assertEveryOffsetOnce(bucket, topic, 6000);
        } finally {
            cluster.rest().deleteConnector("s3-rescale");
        }
    }

    @Test
    void schemalessJsonWithTombstonesLateRecordsAndTheAutumnHourReadBackByDuckDb() {
        ConnectCluster cluster = CLUSTER.cluster();
        String bucket = "events";
        String topic = "events";
        prepare(cluster, bucket, topic, 2);
        // 2026-10-25 in Paris: 02:00-03:00 happens twice (CEST, then CET from 01:00Z). Times run over 00:00Z-02:59Z,
        // shuffled so records arrive late and out of order; every tenth record is a tombstone; some carry an extra field.
        long start = java.time.Instant.parse("2026-10-25T00:00:00Z").toEpochMilli();
        List<Map.Entry<String, String>> records = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        int tombstones = 0;
        for (int i = 0; i < 3000; i++) {
            if (i % 10 == 9) {
                records.add(new java.util.AbstractMap.SimpleEntry<>("k" + i, null));
                tombstones++;
                continue;
            }
            long at = start + (long) (random.nextDouble() * 3 * HOUR);
            String iso = java.time.Instant.ofEpochMilli(at).atZone(java.time.ZoneId.of("Europe/Paris"))
                    .toOffsetDateTime().toString();
            records.add(Map.entry("k" + i, "{\"id\":" + i + ",\"at\":\"" + iso + "\",\"amount\":" + (i % 7)
                    + (i % 5 == 0 ? ",\"extra\":{\"n\":" + i + "}" : "") + "}"));
        }
        cluster.produce(topic, records);
        Map<String, String> config = sink(bucket, topic);
        config.put("value.converter.schemas.enable", "false");
        config.put("timezone", "Europe/Paris");
        config.put("timestamp.field", "at");
        config.put("behavior.on.null.values", "ignore");
        int rows = 3000 - tombstones;
        cluster.rest().run("s3-events", config, 2, TIMEOUT);
        try {
            String table = assertEveryOffsetOnce(bucket, topic, rows);
            assertThat(DuckDb.query("SELECT count(extra) AS n FROM " + table).get(0).get("n").asLong()).isEqualTo(java.util.stream.IntStream.range(0, 3000)
                    .filter(i -> i % 10 != 9 && i % 5 == 0).count());
            // Each row's directory is the local hour of its time: both 02:xx hours share hour=02, none is misfiled.
            JsonNode misfiled = DuckDb.query("SELECT count(*) AS n FROM " + table + " WHERE \"hour\"::INT <> "
                    + "hour(timezone('Europe/Paris', \"at\"::TIMESTAMPTZ)) OR \"day\"::INT <> 25").get(0);
            assertThat(misfiled.get("n").asLong()).isZero();
            JsonNode hours = DuckDb.query("SELECT \"hour\"::INT AS h, count(*) AS n FROM " + table
                    + " GROUP BY ALL ORDER BY h");
            List<Integer> seen = new ArrayList<>();
            hours.forEach(h -> seen.add(h.get("h").asInt()));
            assertThat(seen).containsExactly(2, 3);
        } finally {
            cluster.rest().deleteConnector("s3-events");
        }
    }

    @Test
    void throttlingAndServerErrorsFromS3AreRiddenOutWhileTheTasksStayRunning() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        String bucket = "orders-outage";
        String topic = "orders-outage";
        prepare(cluster, bucket, topic, 4);
        int port = Integer.parseInt(STORE.server().url().substring(STORE.server().url().lastIndexOf(':') + 1));
        try (TcpProxy proxy = new TcpProxy(port)) {
            Map<String, String> config = sink(bucket, topic);
            config.put("store.url", "http://127.0.0.1:" + proxy.port());
            config.put("s3.part.retries", "2");
            config.put("s3.retry.backoff.ms", "50");
            cluster.produce(topic, orders(0, 2000));
            cluster.rest().run("s3-outage", config, 2, TIMEOUT);
            try {
                Wait.until("the first objects", TIMEOUT, () -> count(bucket, topic) > 0);
                proxy.failHttp(503);
                cluster.produce(topic, orders(2000, 4000));
                Wait.until("S3 refused some requests", TIMEOUT, () -> proxy.refused() > 20);
                proxy.failHttp(500);
                Wait.until("S3 refused more requests", TIMEOUT, () -> proxy.refused() > 40);
                JsonNode status = cluster.rest().status("s3-outage");
                assertThat(status.at("/tasks/0/state").asText()).isEqualTo("RUNNING");
                assertThat(status.at("/tasks/1/state").asText()).isEqualTo("RUNNING");
                proxy.up();
                cluster.produce(topic, orders(4000, 6000));
                assertEveryOffsetOnce(bucket, topic, 6000);
                assertThat(metric(cluster, "s3-outage", "s3-retries-total")).as("retries counted").isPositive();
                assertThat(metric(cluster, "s3-outage", "records-written-total")).isGreaterThanOrEqualTo(6000);
                assertThat(metric(cluster, "s3-outage", "files-committed-total")).isPositive();
            } finally {
                cluster.rest().deleteConnector("s3-outage");
            }
        }
    }

    private static Map<String, String> validating(String bucket) {
        Map<String, String> config = sink(bucket, "orders");
        config.put("name", "s3-validated");
        return config;
    }

    /** Errors per key of a {@code config/validate} answer. */
    private static Map<String, List<String>> errors(JsonNode validation) {
        Map<String, List<String>> out = new HashMap<>();
        validation.get("configs").forEach(c -> c.at("/value/errors").forEach(e ->
                out.computeIfAbsent(c.at("/value/name").asText(), k -> new ArrayList<>()).add(e.asText())));
        return out;
    }

    @Test
    void validateNamesTheKeyAndTheFixAndNeverTheSecret() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        String connector = "io.sluice.connect.s3.S3ParquetSinkConnector";
        STORE.server().createBucket("validated");
        Map<String, String> good = validating("validated");
        assertThat(errors(cluster.rest().validate(connector, good))).isEmpty();

        Map<String, String> missing = validating("no-such-bucket");
        assertThat(errors(cluster.rest().validate(connector, missing)).get("s3.bucket.name"))
                .anySatisfy(m -> assertThat(m).contains("no-such-bucket").contains("does not exist"));

        Map<String, String> badSecret = validating("validated");
        badSecret.put("aws.secret.access.key", "wrong-secret-7f3a");
        JsonNode denied = cluster.rest().validate(connector, badSecret);
        assertThat(errors(denied).get("s3.bucket.name")).anySatisfy(m -> assertThat(m).contains("denied"));
        assertThat(denied.toString()).doesNotContain("wrong-secret-7f3a");

        Map<String, String> time = validating("validated");
        time.put("partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner");
        assertThat(errors(cluster.rest().validate(connector, time)).get("partitioner.class"))
                .anySatisfy(m -> assertThat(m).contains("path.format"));

        Map<String, String> codec = validating("validated");
        codec.put("parquet.codec", "brotli");
        assertThat(errors(cluster.rest().validate(connector, codec))).containsKey("parquet.codec");

        assertThat(cluster.logTails(100_000)).doesNotContain("wrong-secret-7f3a")
                .doesNotContain(S3Server.SECRET_KEY);
    }

    @Test
    void interleavedSchemaVersionsShareFilesUnderBackwardCompatibility() {
        ConnectCluster cluster = CLUSTER.cluster();
        String bucket = "orders-evolution";
        String topic = "orders-evolution";
        prepare(cluster, bucket, topic, 2);
        String v1 = "{\"type\":\"struct\",\"name\":\"shop.Order\",\"version\":1,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\"}]}";
        String v2 = "{\"type\":\"struct\",\"name\":\"shop.Order\",\"version\":2,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"note\",\"type\":\"string\",\"optional\":true,\"default\":\"none\"}]}";
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(Map.entry("k" + i, i % 2 == 0
                    ? "{\"schema\":" + v2 + ",\"payload\":{\"id\":" + i + ",\"note\":\"n" + i + "\"}}"
                    : "{\"schema\":" + v1 + ",\"payload\":{\"id\":" + i + "}}"));
        }
        cluster.produce(topic, records);
        Map<String, String> config = sink(bucket, topic);
        config.put("partitioner.class", "default");
        config.put("schema.compatibility", "backward");
        config.put("flush.size", "100000");
        config.put("rotate.schedule.interval.ms", "10000");
        cluster.rest().run("s3-evolution", config, 2, TIMEOUT);
        try {
            String table = assertEveryOffsetOnce(bucket, topic, 2000);
            // A v1 record is projected to v2 (note = its default) once the file holds v2; only v1 records that come
            // before a partition's first v2 record are in a v1 file, without the column.
            JsonNode notes = DuckDb.query("SELECT count(*) FILTER (WHERE id % 2 = 1 AND note = 'none') AS projected, "
                    + "count(*) FILTER (WHERE id % 2 = 1 AND note IS NULL) AS v1, "
                    + "count(*) FILTER (WHERE id % 2 = 0 AND note = 'n' || id) AS v2 FROM " + table).get(0);
            assertThat(notes.get("projected").asLong() + notes.get("v1").asLong()).isEqualTo(1000);
            assertThat(notes.get("projected").asLong()).as("v1 rows projected with the default").isGreaterThan(990);
            assertThat(notes.get("v2").asLong()).as("v2 rows as written").isEqualTo(1000);
            JsonNode files = DuckDb.query("SELECT count(DISTINCT filename) AS n FROM read_parquet("
                    + table.substring(table.indexOf('(') + 1, table.indexOf(',')) + ", filename = true)").get(0);
            assertThat(files.get("n").asLong()).as("not a file per schema change").isLessThanOrEqualTo(8);
        } finally {
            cluster.rest().deleteConnector("s3-evolution");
        }
    }

    /** A plugin metric of the S3 sink's tasks, summed over the workers' MBeans. */
    private static long metric(ConnectCluster cluster, String connector, String name) {
        long sum = 0;
        for (ConnectWorker w : cluster.workers()) {
            if (!w.isAlive()) {
                continue;
            }
            for (Map.Entry<String, Map<String, Object>> e : w.metrics("kafka.connect:type=plugins,*").entrySet()) {
                Object v = e.getValue().get(name);
                if (e.getKey().contains("connector=" + connector) && v instanceof Number n) {
                    sum += n.longValue();
                }
            }
        }
        return sum;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
