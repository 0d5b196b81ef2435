package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.connect.sizing.ClusterSizer;
import io.sluice.connect.sizing.SizingFormat;
import io.sluice.connect.sizing.SizingResult;
import io.sluice.connect.sizing.Workload;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.ConnectRestClient;
import io.sluice.connect.testkit.ConnectWorker;
import io.sluice.connect.testkit.Prerequisite;
import io.sluice.connect.testkit.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The zip installed on two real distributed workers with {@code plugin.discovery=service_load} and the sizing REST
 * extension enabled. Subclasses pick the Kafka version of the workers.
 */
abstract class BundleOnWorkersIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static ConnectClusterExtension clusterOn(String kafkaVersion, java.nio.file.Path pluginPath) {
        return new ConnectClusterExtension(b -> b.kafkaVersion(kafkaVersion).workers(2).jmx()
                .pluginPath(pluginPath)
                .workerProperty("plugin.discovery", "service_load")
                .workerProperty("rest.extension.classes", "io.sluice.connect.sizing.SizingRestExtension"));
    }

    abstract ConnectCluster cluster();

    /** Kafka's file source, one task, string values: a source pipeline any worker has. */
    static Map<String, String> fileSource(Path file, String topic) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("tasks.max", "1");
        config.put("file", file.toString());
        config.put("topic", topic);
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        return config;
    }

    /** Sluice's JDBC source on {@code url}, polling every 200 ms. */
    static Map<String, String> jdbcSource(String url, String mode) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.sluice.connect.jdbc.JdbcSourceConnector");
        config.put("tasks.max", "1");
        config.put("connection.url", url);
        config.put("mode", mode);
        config.put("poll.interval.ms", "200");
        return config;
    }

    /** Kafka's file sink, one task, string keys and schemaless JSON values. */
    static Map<String, String> fileSink(String topics, Path file) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topics);
        config.put("file", file.toString());
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        return config;
    }

    @Test
    void everyWorkerListsEveryBundlePluginWithTheBundleVersion() {
        Map<String, Set<String>> manifests = Bundle.serviceEntries();
        assertThat(manifests).isNotEmpty();
        for (ConnectWorker worker : cluster().workers()) {
            Map<String, String> listed = new HashMap<>();
            for (JsonNode p : worker.rest().plugins(false)) {
                listed.put(p.get("class").asText(), p.path("version").asText());
            }
            manifests.forEach((type, classes) -> {
                if (Bundle.LISTED_TYPES.contains(type)) {
                    for (String cls : classes) {
                        assertThat(listed).as(worker.workerId() + " lists " + cls).containsEntry(cls, Bundle.VERSION);
                    }
                }
            });
            // REST extensions are not listed: an active extension shows by answering, with its version.
            if (manifests.containsKey("org.apache.kafka.connect.rest.ConnectRestExtension")) {
                ConnectRestClient.Response r = worker.rest().post("/sizing", Map.of("write.throughput.avg", "1MB/s")).expect(200);
                assertThat(r.json().get("version").asText()).isEqualTo(Bundle.VERSION);
            }
        }
    }

    @Test
    void theRestExtensionAnswersWhatTheLibraryComputes() throws Exception {
        String workload = Files.readString(Bundle.dir().resolve("etc/sizing/orders-platform.yaml"), StandardCharsets.UTF_8);
        Map<String, Object> asJson = SizingFormat.readWorkload(workload);
        SizingResult expected = ClusterSizer.size(Workload.of(asJson));
        for (ConnectWorker worker : cluster().workers()) {
            JsonNode answer = worker.rest().post("/sizing", asJson).expect(200).json();
            JsonNode figures = answer.get("figures");
            assertThat(figures.size()).isEqualTo(expected.figures().size());
            int i = 0;
            for (var f : expected.figures().values()) {
                assertThat(figures.get(i).get("name").asText()).isEqualTo(f.name());
                assertThat(figures.get(i).get("value").asDouble()).as(f.name()).isEqualTo(f.value());
                i++;
            }
            List<String> warnings = new ArrayList<>();
            answer.get("warnings").forEach(w -> warnings.add(w.asText()));
            assertThat(warnings).isEqualTo(expected.warnings());
        }
    }

    @Test
    void badWorkloadIsA400NamingTheField() {
        ConnectRestClient.Response r = cluster().rest().post("/sizing",
                Map.of("write.throughput.avg", "100MB/s", "min.insync.replicas", 4)).expect(400);
        assertThat(r.json().get("field").asText()).isEqualTo("min.insync.replicas");
        assertThat(r.json().get("message").asText()).contains("cannot exceed replication.factor");
        assertThat(cluster().rest().post("/sizing", "{not json").status()).isEqualTo(400);
    }

    @Test
    void sizesTheLiveConnectCluster() throws Exception {
        ConnectCluster cluster = cluster();
        Path sinkFile = cluster.dir().resolve("sizing-sink.txt");
        cluster.createTopic("sizing-lines", 2);
        try (var connector = cluster.rest().run("sizing-probe", Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max", "2", "topics", "sizing-lines", "file", sinkFile.toString()), 2, TIMEOUT)) {
            JsonNode status = connector.status();
            Set<String> workersInUse = new HashSet<>();
            workersInUse.add(status.at("/connector/worker_id").asText());
            status.get("tasks").forEach(t -> workersInUse.add(t.get("worker_id").asText()));

            for (ConnectWorker worker : cluster.workers()) {
                JsonNode live = worker.rest().get("/sizing/connect-cluster?connect.task.throughput=5MB/s&connect.throughput=20MB/s")
                        .expect(200).json();
                assertThat(live.get("version").asText()).isEqualTo(Bundle.VERSION);
                assertThat(live.get("tasks").asInt()).isEqualTo(2);
                assertThat(live.get("workers").asInt()).isEqualTo(workersInUse.size());
                assertThat(live.get("connectors").toString()).contains("sizing-probe").contains("sink");
                // 20 MB/s at 5 MB/s per task = 4 tasks -> 1 worker of 4 cores x 2; plus one spare = 2.
                assertThat(live.at("/recommendedWorkers/value").asInt()).isEqualTo(2);
            }
            assertThat(cluster.rest().get("/sizing/connect-cluster?connect.worker.cpu.cores=many").status()).isEqualTo(400);
        }
    }

    // --- PiiMask

    private boolean supportsPluginMetrics() {
        return io.sluice.connect.testkit.PluginDirectory.hasPluginMetrics(cluster().kafkaVersion());
    }

    /** A metric summed over the plugin MBeans of every worker. */
    private long sumOf(String metric) {
        long sum = 0;
        for (ConnectWorker w : cluster().workers()) {
            for (Map<String, Object> attributes : w.metrics("kafka.connect:type=plugins,*").values()) {
                Object v = attributes.get(metric);
                sum += v == null ? 0 : ((Number) v).longValue();
            }
        }
        return sum;
    }

    private static final java.util.regex.Pattern PLAINTEXT_PII = java.util.regex.Pattern.compile(
            "ann@example\\.com|bob@example\\.org|4111 1111 1111 1111|4111111111111111|123-45-6789|078-05-1120");

    @Test
    void piiMaskKeepsPlaintextPiiOutOfASourceTopic() throws Exception {
        ConnectCluster cluster = cluster();
        Path input = cluster.dir().resolve("pii-source.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add("{\"id\":" + i + ",\"note\":\"ticket " + i + ": mail ann@example.com, card 4111 1111 1111 1111, "
                    + "ssn 123-45-6789, from 10.0.0." + i + "\"}");
        }
        Files.write(input, lines, StandardCharsets.UTF_8);
        Map<String, String> config = fileSource(input, "pii-source-masked");
        config.put("transforms", "mask");
        config.put("transforms.mask.type", "io.sluice.connect.smt.PiiMask$Value");
        config.put("transforms.mask.rules", "$=detect");
        try (var connector = cluster.rest().run("pii-source", config, 1, TIMEOUT)) {
            var records = cluster.consume("pii-source-masked", lines.size(), TIMEOUT);
            assertThat(records).hasSize(lines.size());
            for (var r : records) {
                String raw = new String(r.value(), StandardCharsets.UTF_8);
                assertThat(PLAINTEXT_PII.matcher(raw).find()).as(raw).isFalse();
                assertThat(raw).contains("[EMAIL]", "[CARD]", "[SSN]", "[IP]").startsWith("{\"id\":");
            }
        }
    }

    @Test
    void piiMaskAppliesSeveralStrategiesInASinkPipelineAndHashesEqualInputsEqually() throws Exception {
        ConnectCluster cluster = cluster();
        cluster.createTopic("pii-in", 1);
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String email = i % 2 == 0 ? "ann@example.com" : "bob@example.org";
            records.add(Map.entry("k" + i, "{\"id\":" + i + ",\"email\":\"" + email + "\",\"ssn\":\"078-05-1120\","
                    + "\"card\":\"4111111111111111\",\"born\":\"1990-07-23\",\"notes\":\"reach me at " + email + "\"}"));
        }
        cluster.produce("pii-in", records);
        Path output = cluster.dir().resolve("pii-sink.txt");
        Map<String, String> config = fileSink("pii-in", output);
        config.put("transforms", "mask");
        config.put("transforms.mask.type", "io.sluice.connect.smt.PiiMask$Value");
        config.put("transforms.mask.rules", "email=hash, ssn=redact, card=partial(last=4), born=truncate(year), notes=detect");
        config.put("transforms.mask.hash.key", "e2e-secret");
        try (var connector = cluster.rest().run("pii-sink", config, 1, TIMEOUT)) {
            Wait.until("30 masked records in " + output, TIMEOUT,
                    () -> Files.exists(output) && Files.readAllLines(output, StandardCharsets.UTF_8).size() >= 30);
            String raw = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(PLAINTEXT_PII.matcher(raw).find()).as(raw).isFalse();
            Map<String, String> pseudonymOf = new HashMap<>();
            // FileStreamSink writes Map.toString(): {id=0, email=..., ...} in no fixed order.
            var id = java.util.regex.Pattern.compile("\\bid=(\\d+)");
            var email = java.util.regex.Pattern.compile("\\bemail=([0-9a-f]{64})[,}]");
            for (String l : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                assertThat(l).containsPattern("\\bssn=[,}]")
                        .contains("card=************1111", "born=1990-01-01", "notes=reach me at [EMAIL]");
                var i = id.matcher(l);
                var e = email.matcher(l);
                assertThat(i.find() && e.find()).as(l).isTrue();
                String owner = Integer.parseInt(i.group(1)) % 2 == 0 ? "ann" : "bob";
                assertThat(pseudonymOf.computeIfAbsent(owner, o -> e.group(1))).as(l).isEqualTo(e.group(1));
            }
            assertThat(pseudonymOf).hasSize(2);
            assertThat(pseudonymOf.get("ann")).isNotEqualTo(pseudonymOf.get("bob"));
            if (supportsPluginMetrics()) {
                // Five fields of 30 records, and one e-mail found in each note.
                Wait.until("PiiMask metrics over JMX", TIMEOUT, () -> sumOf("fields-masked-total") == 150
                        && sumOf("detector-hits-total") == 30);
            }
        }
    }

    // --- DeadLetterRouter

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void deadLetterRouterGivesASourcePipelineADeadLetterTopicAndLosesNothing() throws Exception {
        ConnectCluster cluster = cluster();
        Path input = cluster.dir().resolve("dlq-source.txt");
        List<String> lines = List.of("10", "20", "x", "500", "40", "y", "99");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Map<String, String> config = fileSource(input, "dlq-src");
        config.put("transforms", "dlq");
        config.put("transforms.dlq.type", "io.sluice.connect.smt.DeadLetterRouter");
        config.put("transforms.dlq.wrap", "cast");
        config.put("transforms.dlq.wrap.cast.type", "org.apache.kafka.connect.transforms.Cast$Value");
        config.put("transforms.dlq.wrap.cast.spec", "int32");
        config.put("transforms.dlq.rules", "$=range(0,100)");
        try (var connector = cluster.rest().run("dlq-source", config, 1, TIMEOUT)) {
            var valid = cluster.consume("dlq-src", 4, TIMEOUT);
            var dead = cluster.consume("dlq-src.dlq", 3, TIMEOUT);
            assertThat(valid).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("10", "20", "40", "99");
            assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("x", "500", "y");
            assertThat(valid.size() + dead.size()).isEqualTo(lines.size());
            for (var r : dead) {
                assertThat(header(r, "__connect.errors.topic")).isEqualTo("dlq-src");
                assertThat(header(r, "__connect.errors.stage")).isEqualTo("TRANSFORMATION");
                if (new String(r.value(), StandardCharsets.UTF_8).equals("500")) {
                    assertThat(header(r, "__sluice.errors.rule")).isEqualTo("$=range(0,100)");
                } else {
                    assertThat(header(r, "__connect.errors.class.name")).isEqualTo("org.apache.kafka.connect.transforms.Cast$Value");
                    assertThat(header(r, "__connect.errors.exception.class.name")).isEqualTo("org.apache.kafka.connect.errors.DataException");
                }
            }
            if (supportsPluginMetrics()) {
                Wait.until("DeadLetterRouter metrics over JMX", TIMEOUT, () -> sumOf("dead-lettered-total") == 3);
            }
        }
    }

    /** A burst of bad records writes a bounded number of log lines, while every one is dead-lettered and counted. */
    @Test
    void aBurstOfTenThousandDeadLettersLogsAFewLinesNotTenThousand() throws Exception {
        ConnectCluster cluster = cluster();
        String topic = "dlq-burst-" + cluster.kafkaVersion().replace('.', '_');
        Path input = cluster.dir().resolve(topic + ".txt");
        Files.write(input, java.util.Collections.nCopies(10_000, "not-a-number"), StandardCharsets.UTF_8);
        Map<String, String> config = fileSource(input, topic);
        config.put("transforms", "dlq");
        config.put("transforms.dlq.type", "io.sluice.connect.smt.DeadLetterRouter");
        config.put("transforms.dlq.wrap", "cast");
        config.put("transforms.dlq.wrap.cast.type", "org.apache.kafka.connect.transforms.Cast$Value");
        config.put("transforms.dlq.wrap.cast.spec", "int32");
        try (var connector = cluster.rest().run(topic, config, 1, TIMEOUT)) {
            assertThat(cluster.consume(topic + ".dlq", 10_000, TIMEOUT)).hasSize(10_000);
            long lines = 0;
            for (ConnectWorker w : cluster.workers()) {
                lines += Files.readAllLines(w.log(), StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains("Dead-lettering record " + topic + " (source record)")).count();
            }
            assertThat(lines).as("ten lines a minute at most, the rest summed up").isBetween(1L, 30L);
        }
    }

    private static List<Map.Entry<String, String>> ordersWithThreeBad() {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String json = i == 3 ? "{\"amount\":5}" : i == 6 ? "{\"id\":6,\"amount\":-1}" : i == 8 ? "{\"id\":null,\"amount\":1}"
                    : "{\"id\":" + i + ",\"amount\":" + (i * 10) + "}";
            records.add(Map.entry("k" + i, json));
        }
        return records;
    }

    private Map<String, String> sinkThroughRouter(String topic, Path file) {
        Map<String, String> config = fileSink(topic, file);
        config.put("transforms", "dlq");
        config.put("transforms.dlq.type", "io.sluice.connect.smt.DeadLetterRouter");
        config.put("transforms.dlq.rules", "id=required, amount=range(0,)");
        return config;
    }

    @Test
    void deadLetterRouterFailModeFeedsConnectsOwnSinkDeadLetterQueue() throws Exception {
        ConnectCluster cluster = cluster();
        cluster.createTopic("dlq-sink-fail-in", 1);
        cluster.produce("dlq-sink-fail-in", ordersWithThreeBad());
        Path file = cluster.dir().resolve("dlq-sink-fail.txt");
        Map<String, String> config = sinkThroughRouter("dlq-sink-fail-in", file);
        config.put("transforms.dlq.mode", "fail");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "dlq-sink-builtin");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        try (var connector = cluster.rest().run("dlq-sink-fail", config, 1, TIMEOUT)) {
            Wait.until("7 valid records in " + file, TIMEOUT, () -> Files.exists(file) && Files.readAllLines(file).size() >= 7);
            var dead = cluster.consume("dlq-sink-builtin", 3, TIMEOUT);
            assertThat(Files.readAllLines(file)).hasSize(7);
            assertThat(dead).hasSize(3);
            var original = ordersWithThreeBad();
            for (var r : dead) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                String expected = original.stream().filter(e -> e.getKey().equals(key)).findFirst().orElseThrow().getValue();
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).as("Connect's DLQ keeps the original bytes").isEqualTo(expected);
                assertThat(header(r, "__connect.errors.exception.class.name")).isEqualTo("io.sluice.connect.smt.dlq.InvalidRecordException");
            }
        }
    }

    @Test
    void deadLetterRouterProduceModeSendsDeadLettersWithItsOwnProducer() throws Exception {
        ConnectCluster cluster = cluster();
        cluster.createTopic("dlq-sink-produce-in", 1);
        cluster.produce("dlq-sink-produce-in", ordersWithThreeBad());
        Path file = cluster.dir().resolve("dlq-sink-produce.txt");
        Map<String, String> config = sinkThroughRouter("dlq-sink-produce-in", file);
        config.put("transforms.dlq.mode", "produce");
        config.put("transforms.dlq.topic", "dlq-sink-produced");
        config.put("transforms.dlq.produce.bootstrap.servers", cluster.bootstrapServers());
        config.put("transforms.dlq.produce.key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("transforms.dlq.produce.value.converter.schemas.enable", "false");
        try (var connector = cluster.rest().run("dlq-sink-produce", config, 1, TIMEOUT)) {
            Wait.until("7 valid records in " + file, TIMEOUT, () -> Files.exists(file) && Files.readAllLines(file).size() >= 7);
            var dead = cluster.consume("dlq-sink-produced", 3, TIMEOUT);
            assertThat(Files.readAllLines(file)).hasSize(7);
            assertThat(dead).hasSize(3);
            assertThat(dead).extracting(r -> header(r, "__sluice.errors.rule"))
                    .containsExactlyInAnyOrder("id=required", "amount=range(0,)", "id=required");
            // Partition and offset as UTF-8 text, the way Kafka's own dead-letter reporter writes them
            assertThat(dead).extracting(r -> header(r, "__connect.errors.offset")).containsExactlyInAnyOrder("3", "6", "8");
            assertThat(dead).extracting(r -> header(r, "__connect.errors.partition")).containsOnly("0");
            assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("k3", "k6", "k8");
        }
    }

    // --- JDBC source

    @Test
    void jdbcSourceCopiesPostgresqlAndMariaDbTablesAndResumesAfterARestart() throws Exception {
        ConnectCluster cluster = cluster();
        String tag = cluster.kafkaVersion().replace('.', '_');
        String schema = "sluice_jdbc_" + tag;
        try (java.sql.Connection db = postgres(); java.sql.Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
            st.execute("CREATE TABLE " + schema + ".orders (id bigserial PRIMARY KEY, updated_at timestamp(6) NOT NULL "
                    + "DEFAULT now(), customer text NOT NULL, total numeric(10,2), tags text[])");
            st.execute("INSERT INTO " + schema + ".orders (customer, total, tags) SELECT 'c' || g, g * 1.25, "
                    + "ARRAY['t' || g] FROM generate_series(1, 50) g");
        }
        String mariaUrl = System.getProperty("sluice.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test?sslMode=disable");
        String items = "jdbc_items_" + tag;
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(mariaUrl, "root", "");
             java.sql.Statement st = db.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + items);
            st.execute("CREATE TABLE " + items + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, "
                    + "flag TINYINT(1) NOT NULL)");
            st.execute("INSERT INTO " + items + " (name, flag) SELECT CONCAT('i', seq), seq % 2 FROM seq_1_to_20");
        } catch (java.sql.SQLException e) {
            Prerequisite.missing("MariaDB is not reachable at " + mariaUrl + " (" + e.getMessage()
                    + "); this end-to-end test needs it (set -Dsluice.mariadb.url)");
        }

        Map<String, String> pg = jdbcSource(postgresUrl(), "timestamp+incrementing");
        pg.put("timestamp.column.name", "updated_at");
        pg.put("incrementing.column.name", "id");
        pg.put("table.whitelist", schema + ".orders");
        pg.put("topic.prefix", "jdbc-" + tag + "-");
        Map<String, String> maria = jdbcSource(mariaUrl, "incrementing");
        maria.put("connection.user", "root");
        maria.put("incrementing.column.name", "id");
        maria.put("table.whitelist", items);
        maria.put("topic.prefix", "jdbc-" + tag + "-");
        maria.put("table.chunks", "2"); // one table, two id ranges, one per task
        maria.put("tasks.max", "2");
        try (var pgConnector = cluster.rest().run("jdbc-pg-" + tag, pg, 1, TIMEOUT);
             var mariaConnector = cluster.rest().run("jdbc-maria-" + tag, maria, 2, TIMEOUT)) {
            var orders = cluster.consume("jdbc-" + tag + "-orders", 50, TIMEOUT);
            assertThat(orders).hasSize(50);
            JsonNode first = MAPPER.readTree(orders.get(0).value());
            assertThat(first.at("/schema/name").asText()).isEqualTo("orders");
            assertThat(first.at("/payload/customer").asText()).isEqualTo("c1");
            assertThat(first.at("/payload/tags/0").asText()).isEqualTo("t1");
            var itemRecords = cluster.consume("jdbc-" + tag + "-" + items, 20, TIMEOUT);
            assertThat(itemRecords).hasSize(20);
            assertThat(MAPPER.readTree(itemRecords.get(0).value()).at("/payload/flag").asBoolean()).isTrue();
            if (supportsPluginMetrics()) {
                Wait.until("JDBC source metrics over JMX", TIMEOUT, () -> sumOf("rows-read-total") == 70
                        && sumOf("lag-ms") > 0);
            }

            // Updates and inserts around a restart of connector and tasks: each change arrives once.
            try (java.sql.Connection db = postgres(); java.sql.Statement st = db.createStatement()) {
                st.execute("UPDATE " + schema + ".orders SET total = total + 1, updated_at = now() WHERE id <= 5");
                cluster.rest().restart("jdbc-pg-" + tag, true, false).expect(202);
                cluster.rest().awaitState("jdbc-pg-" + tag, "RUNNING", 1, TIMEOUT);
                st.execute("INSERT INTO " + schema + ".orders (customer) SELECT 'late' || g FROM generate_series(1, 10) g");
            }
            var all = cluster.consume("jdbc-" + tag + "-orders", 65, TIMEOUT);
            Set<String> changes = new HashSet<>();
            for (var r : all) {
                JsonNode p = MAPPER.readTree(r.value()).get("payload");
                changes.add(p.get("id").asText() + "@" + p.get("updated_at").asText());
            }
            assertThat(all).hasSize(65);
            assertThat(changes).as("65 distinct row versions, none twice").hasSize(65);

            // The chunked table across a restart: the connector keeps the stored ranges, every new row arrives once.
            cluster.rest().restart("jdbc-maria-" + tag, true, false).expect(202);
            cluster.rest().awaitState("jdbc-maria-" + tag, "RUNNING", 2, TIMEOUT);
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(mariaUrl, "root", "");
                 java.sql.Statement st = db.createStatement()) {
                st.execute("INSERT INTO " + items + " (name, flag) SELECT CONCAT('n', seq), 0 FROM seq_1_to_10");
            }
            List<String> ids = new ArrayList<>();
            for (var r : cluster.consume("jdbc-" + tag + "-" + items, 30, TIMEOUT)) {
                ids.add(MAPPER.readTree(r.value()).at("/payload/id").asText());
            }
            assertThat(ids).hasSize(30).doesNotHaveDuplicates();
        }
    }

    /**
     * A user switching from Confluent's JDBC source (offsets PATCHed exactly as Confluent's connector writes them on
     * PostgreSQL: schema.table), and one upgrading from an earlier Sluice build (database.schema.table): both resume
     * right after the stored id, and the offsets Sluice leaves are in the form Confluent's connector reads.
     */
    @Test
    void jdbcSourceResumesFromConfluentsOffsetsAndLeavesOffsetsConfluentReads() throws Exception {
        ConnectCluster cluster = cluster();
        String tag = cluster.kafkaVersion().replace('.', '_');
        String schema = "sluice_offsets_" + tag;
        try (java.sql.Connection db = postgres(); java.sql.Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
            for (String t : List.of("from_confluent", "from_sluice")) {
                st.execute("CREATE TABLE " + schema + "." + t + " (id bigint PRIMARY KEY, v text)");
                st.execute("INSERT INTO " + schema + "." + t + " SELECT g, 'r' || g FROM generate_series(1, 100) g");
            }
        }
        Map<String, String> storedUnder = Map.of("from_confluent", schema + ".from_confluent",
                "from_sluice", "test." + schema + ".from_sluice");
        for (var table : storedUnder.entrySet()) {
            String name = "offsets-" + table.getKey() + "-" + tag;
            String topic = "offsets-" + tag + "-" + table.getKey();
            // A password in the URL (trust auth ignores it) must never reach a log line
            Map<String, String> config = jdbcSource(postgresUrl() + "&password=url-secret-" + tag, "incrementing");
            config.put("incrementing.column.name", "id");
            config.put("table.whitelist", schema + "." + table.getKey());
            config.put("topic.prefix", "offsets-" + tag + "-");
            cluster.rest().post("/connectors", Map.of("name", name, "config", config, "initial_state", "STOPPED"))
                    .expect(201);
            cluster.rest().awaitState(name, "STOPPED", 0, TIMEOUT);
            cluster.rest().patch("/connectors/" + name + "/offsets", Map.of("offsets", List.of(Map.of(
                    "partition", Map.of("protocol", "1", "table", table.getValue()),
                    "offset", Map.of("incrementing", 60))))).expect(200);
            cluster.rest().resume(name);
            cluster.rest().awaitState(name, "RUNNING", 1, TIMEOUT);
            try (java.sql.Connection db = postgres(); java.sql.Statement st = db.createStatement()) {
                st.execute("INSERT INTO " + schema + "." + table.getKey() + " SELECT g, 'n' || g "
                        + "FROM generate_series(101, 105) g");
            }
            List<Long> ids = new ArrayList<>();
            for (var r : cluster.consume(topic, 45, TIMEOUT)) {
                ids.add(MAPPER.readTree(r.value()).at("/payload/id").asLong());
            }
            assertThat(ids).as(table.getKey() + ": every id after the stored 60 once, none before")
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(61, 105).boxed().toList());

            // Sluice's own offset, read with the worker's offsets API: Confluent's partition, Confluent's value.
            cluster.rest().stop(name);
            cluster.rest().awaitState(name, "STOPPED", 0, TIMEOUT);
            Map<String, Object> confluentPartition = Map.of("protocol", "1", "table", schema + "." + table.getKey());
            JsonNode[] offsets = new JsonNode[1];
            Wait.until(name + " offset at id 105", TIMEOUT, () -> {
                offsets[0] = cluster.rest().get("/connectors/" + name + "/offsets").expect(200).json();
                for (JsonNode o : offsets[0].get("offsets")) {
                    if (MAPPER.convertValue(o.get("partition"), Map.class).equals(confluentPartition)) {
                        return o.at("/offset/incrementing").asLong() == 105;
                    }
                }
                return false;
            });
            cluster.rest().deleteConnector(name);
            // A normal stop logs no warning (the connection pool used to report "Interrupted during closing"),
            // and the config dump shows the URL's password masked
            for (ConnectWorker w : cluster.workers()) {
                List<String> log = Files.readAllLines(w.log(), StandardCharsets.UTF_8);
                assertThat(log).filteredOn(l -> l.contains(" WARN ") && l.contains("sluice-jdbc-" + name)).isEmpty();
                assertThat(log).noneMatch(l -> l.contains("url-secret-" + tag));
            }
        }
    }

    // --- OutboxRouter

    /** PostgreSQL on this machine (trust auth), or the reason the outbox test cannot run here. */
    static String postgresUrl() {
        return System.getProperty("sluice.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    static java.sql.Connection postgres() {
        String url = postgresUrl();
        try {
            return java.sql.DriverManager.getConnection(url);
        } catch (java.sql.SQLException e) {
            Prerequisite.missing("PostgreSQL is not reachable at " + url + " (" + e.getMessage()
                    + "); this end-to-end test needs it (set -Dsluice.postgres.url)");
            return null;
        }
    }

    @Test
    void outboxRouterRoutesRowsWrittenWithTheirBusinessRowsInOneTransaction() throws Exception {
        ConnectCluster cluster = cluster();
        String schema = "sluice_outbox_" + cluster.kafkaVersion().replace('.', '_');
        List<String> exported = new ArrayList<>();
        Map<String, String> eventIds = new HashMap<>();
        try (java.sql.Connection db = postgres(); java.sql.Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
            st.execute("CREATE TABLE " + schema + ".orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2))");
            st.execute("CREATE TABLE " + schema + ".outbox (seq bigserial, id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
                    + "aggregatetype text NOT NULL, aggregateid text NOT NULL, type text NOT NULL, payload text, "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
            db.setAutoCommit(false);
            String[][] business = {{"ann", "19.90", "commit"}, {"bob", "5.00", "rollback"}, {"cid", "42.00", "commit"}};
            for (String[] order : business) {
                try (java.sql.PreparedStatement ins = db.prepareStatement("INSERT INTO " + schema + ".orders (customer, total) "
                        + "VALUES (?, ?::numeric) RETURNING id")) {
                    ins.setString(1, order[0]);
                    ins.setString(2, order[1]);
                    var rs = ins.executeQuery();
                    rs.next();
                    int orderId = rs.getInt(1);
                    try (java.sql.PreparedStatement ev = db.prepareStatement("INSERT INTO " + schema + ".outbox "
                            + "(aggregatetype, aggregateid, type, payload) VALUES (?, ?, ?, ?)")) {
                        ev.setString(1, "Order");
                        ev.setString(2, Integer.toString(orderId));
                        ev.setString(3, "OrderCreated");
                        ev.setString(4, "{\"orderId\":" + orderId + ",\"customer\":\"" + order[0] + "\",\"total\":" + order[1]
                                + ",\"lines\":[]}");
                        ev.executeUpdate();
                        ev.setString(1, "Customer");
                        ev.setString(2, order[0]);
                        ev.setString(3, "CustomerOrdered");
                        ev.setString(4, "{\"customer\":\"" + order[0] + "\",\"orders\":[{\"id\":" + orderId + "}]}");
                        ev.executeUpdate();
                    }
                }
                if (order[2].equals("commit")) {
                    db.commit();
                } else {
                    db.rollback(); // neither the order nor its events exist
                }
            }
            db.setAutoCommit(true);
            try (var rs = st.executeQuery("SELECT id::text, aggregatetype, aggregateid, row_to_json(o)::text FROM " + schema
                    + ".outbox o ORDER BY seq")) {
                while (rs.next()) {
                    eventIds.put(rs.getString(2) + "/" + rs.getString(3), rs.getString(1));
                    exported.add(rs.getString(4));
                }
            }
        }
        assertThat(exported).as("two committed orders, two events each").hasSize(4);

        // Sluice's JDBC source reads the outbox table as it is: no export step in between.
        Map<String, String> config = jdbcSource(postgresUrl(), "incrementing");
        config.put("incrementing.column.name", "seq");
        config.put("table.whitelist", schema + ".outbox");
        config.put("topic.prefix", schema + ".");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("transforms", "outbox");
        config.put("transforms.outbox.type", "io.sluice.connect.smt.OutboxRouter");
        config.put("transforms.outbox.table.expand.json.payload", "true");
        config.put("transforms.outbox.route.topic.replacement", schema + ".${routedByValue}");
        try (var connector = cluster.rest().run("outbox-" + schema, config, 1, TIMEOUT)) {
            var orders = cluster.consume(schema + ".Order", 2, TIMEOUT);
            var customers = cluster.consume(schema + ".Customer", 2, TIMEOUT);
            assertThat(orders).hasSize(2);
            assertThat(customers).hasSize(2);
            for (var r : orders) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                JsonNode value = MAPPER.readTree(r.value());
                assertThat(value.get("orderId").asText()).isEqualTo(key);
                assertThat(value.get("customer").asText()).isIn("ann", "cid");
                assertThat(value.get("lines").isArray()).isTrue();
                assertThat(new String(r.headers().lastHeader("id").value(), StandardCharsets.UTF_8))
                        .isEqualTo(eventIds.get("Order/" + key));
            }
            assertThat(customers).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("ann", "cid");
            for (var r : customers) {
                assertThat(MAPPER.readTree(r.value()).at("/orders/0/id").isNumber()).as("expanded, not an escaped string").isTrue();
            }
        }
    }
}
