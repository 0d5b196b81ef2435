package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.Prerequisite;
import io.sluice.connect.testkit.S3Server;
import io.sluice.connect.testkit.TcpProxy;
import io.sluice.connect.testkit.Wait;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations pack (the zip's etc/monitoring) on a real worker: the JMX exporter agent with the pack's rules, a
 * JDBC → PiiMask/DeadLetterRouter → S3 pipeline, an outbox pipeline, one JDBC connector whose database went away
 * (retrying) and one that gave up (FAILED). Every documented metric is scraped with its labels; a real Prometheus
 * evaluates every dashboard query and the alert rules, and the task-failed alert fires; promtool checks the rules
 * and runs their unit tests.
 */
class MonitoringIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path PACK = Bundle.dir().resolve("etc/monitoring");

    private static ConnectCluster cluster;
    private static S3Server s3;
    private static TcpProxy database;
    private static int exporterPort;

    @BeforeAll
    static void startPipelines() throws Exception {
        s3 = new S3Server();
        database = new TcpProxy(5432);
        exporterPort = freePort();
        cluster = ConnectCluster.builder().name("monitoring").kafkaVersion(System.getProperty("sluice.kafka.version"))
                .workers(1).pluginPath(Bundle.pluginPath())
                .workerProperty("plugin.discovery", "service_load")
                .workerJvmOptions(List.of("-javaagent:" + System.getProperty("sluice.jmx.exporter.agent") + "=127.0.0.1:"
                        + exporterPort + ":" + PACK.resolve("jmx-exporter.yaml")))
                .start();
        try (java.sql.Connection db = BundleOnWorkersIT.postgres(); java.sql.Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS sluice_mon CASCADE");
            st.execute("CREATE SCHEMA sluice_mon");
            st.execute("CREATE TABLE sluice_mon.orders (id bigserial PRIMARY KEY, email text, notes text, "
                    + "amount numeric(10,2), updated_at timestamp(6) NOT NULL DEFAULT now())");
            st.execute("INSERT INTO sluice_mon.orders (email, notes, amount) SELECT 'c' || g || '@x.io', "
                    + "'call c' || g || '@x.io', g - 5 FROM generate_series(1, 50) g");
            st.execute("CREATE TABLE sluice_mon.outbox (seq bigserial PRIMARY KEY, id text NOT NULL, "
                    + "aggregatetype text NOT NULL, aggregateid text NOT NULL, type text NOT NULL, payload text)");
            st.execute("INSERT INTO sluice_mon.outbox (id, aggregatetype, aggregateid, type, payload) SELECT 'e' || g, "
                    + "'Order', 'o' || g, 'OrderCreated', '{\"n\":' || g || '}' FROM generate_series(1, 10) g");
        }
        Map<String, String> orders = jdbc(BundleOnWorkersIT.postgresUrl(), "timestamp+incrementing", "sluice_mon.orders");
        orders.put("timestamp.column.name", "updated_at");
        orders.put("incrementing.column.name", "id");
        orders.put("transforms", "mask,dlq");
        orders.put("transforms.mask.type", "io.sluice.connect.smt.PiiMask$Value");
        orders.put("transforms.mask.rules", "email=hash, notes=detect");
        orders.put("transforms.mask.hash.key", "monitoring");
        orders.put("transforms.dlq.type", "io.sluice.connect.smt.DeadLetterRouter");
        orders.put("transforms.dlq.rules", "amount=range(0,)");
        Map<String, String> outbox = jdbc(BundleOnWorkersIT.postgresUrl(), "incrementing", "sluice_mon.outbox");
        outbox.put("incrementing.column.name", "seq");
        outbox.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        outbox.put("value.converter.schemas.enable", "false");
        outbox.put("transforms", "outbox");
        outbox.put("transforms.outbox.type", "io.sluice.connect.smt.OutboxRouter");
        outbox.put("transforms.outbox.route.topic.replacement", "mon-events-${routedByValue}");
        s3.createBucket("mon");
        Map<String, String> lake = new HashMap<>(s3.sinkProps("mon"));
        lake.put("connector.class", "io.sluice.connect.s3.S3ParquetSinkConnector");
        lake.put("topics", "mon-orders");
        lake.put("tasks.max", "1");
        lake.put("rotate.schedule.interval.ms", "1000");
        String throughProxy = "jdbc:postgresql://127.0.0.1:" + database.port() + "/test?user=postgres";
        Map<String, String> stalled = jdbc(throughProxy, "incrementing", "sluice_mon.outbox"); // every default
        stalled.put("incrementing.column.name", "seq");
        stalled.put("topic.prefix", "mon-stalled-");
        Map<String, String> broken = new HashMap<>(stalled);
        broken.put("topic.prefix", "mon-broken-");
        broken.put("connection.attempts", "1");
        broken.put("connection.retry.timeout.ms", "0");
        broken.put("connection.timeout.ms", "1000");
        for (var c : Map.of("mon-orders", orders, "mon-outbox", outbox, "mon-lake", lake, "mon-stalled", stalled,
                "mon-broken", broken).entrySet()) {
            cluster.rest().createConnector(c.getKey(), c.getValue());
            cluster.rest().awaitState(c.getKey(), "RUNNING", 1, TIMEOUT);
        }
        cluster.consume("mon-orders", 46, TIMEOUT);
        cluster.consume("mon-stalled-outbox", 10, TIMEOUT);
        cluster.consume("mon-broken-outbox", 10, TIMEOUT);
        database.down(); // both proxied connectors lose their database: one retries, one gives up
        Wait.until("mon-broken's task FAILED", TIMEOUT,
                () -> "FAILED".equals(cluster.rest().status("mon-broken").at("/tasks/0/state").asText()));
    }

    private static Map<String, String> jdbc(String url, String mode, String table) {
        Map<String, String> config = BundleOnWorkersIT.jdbcSource(url, mode);
        config.put("table.whitelist", table);
        config.put("topic.prefix", "mon-");
        return config;
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        database.close();
        s3.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    /** Metric name to the label sets of its samples, from the exporter's text format. */
    private static Map<String, List<Map<String, String>>> scrape() throws Exception {
        Map<String, List<Map<String, String>>> out = new HashMap<>();
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        String body = get("http://127.0.0.1:" + exporterPort + "/metrics");
        Files.writeString(Path.of(System.getProperty("sluice.testkit.dir"), "monitoring-scrape.txt"), body);
        for (String line : body.split("\n")) {
            Matcher m = sample.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = label.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            labels.put("__value__", m.group(3));
            out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
        return out;
    }

    /** The metrics the pack's README documents, with the labels it lists besides connector and task. */
    private static Map<String, Set<String>> documented() throws IOException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Pattern name = Pattern.compile("`((?:sluice|kafka_connect)_[a-z0-9_]+)`");
        for (String line : Files.readAllLines(PACK.resolve("README.md"), StandardCharsets.UTF_8)) {
            String[] cells = line.split("\\|");
            if (cells.length < 4 || !cells[1].contains("`sluice_") && !cells[1].contains("`kafka_connect_")) {
                continue;
            }
            Set<String> labels = new TreeSet<>(List.of("connector"));
            if (!cells[1].contains("kafka_connect_connector_status")) {
                labels.add("task");
            }
            Matcher l = Pattern.compile("`([a-z]+)`").matcher(cells[3]);
            while (l.find()) {
                labels.add(l.group(1));
            }
            labels.remove("exception"); // "rule or exception": rule here
            Matcher n = name.matcher(cells[1]);
            while (n.find()) {
                out.put(n.group(1), labels);
            }
        }
        return out;
    }

    @Test
    void everyDocumentedMetricIsScrapedWithItsLabelsAndPlausibleValues() throws Exception {
        Map<String, Set<String>> documented = documented();
        assertThat(documented).hasSizeGreaterThan(30);
        Map<String, List<Map<String, String>>>[] scraped = new Map[1];
        Set<String> missing = new TreeSet<>();
        try {
            Wait.until("every documented metric scraped", TIMEOUT, () -> {
                scraped[0] = scrape();
                missing.clear();
                missing.addAll(documented.keySet());
                missing.removeAll(scraped[0].keySet());
                return missing.isEmpty();
            });
        } finally {
            assertThat(missing).as("documented metrics not scraped").isEmpty();
        }
        documented.forEach((metric, labels) -> {
            for (Map<String, String> sample : scraped[0].get(metric)) {
                if (metric.equals("kafka_connect_connector_status")) {
                    assertThat(sample.keySet()).as(metric).contains("connector", "status");
                    continue;
                }
                assertThat(sample.keySet()).as(metric + " labels").containsAll(labels);
                assertThat(Double.parseDouble(sample.get("__value__"))).as(metric).isGreaterThanOrEqualTo(0);
            }
        });
        assertThat(value(scraped[0], "sluice_rows_read_total", "mon-orders")).isEqualTo(50);
        assertThat(value(scraped[0], "sluice_fields_masked_total", "mon-orders")).isGreaterThanOrEqualTo(50);
        assertThat(value(scraped[0], "sluice_dead_lettered_total", "mon-orders")).isEqualTo(4);
        assertThat(value(scraped[0], "sluice_events_routed_total", "mon-outbox")).isEqualTo(10);
        assertThat(value(scraped[0], "sluice_retrying_since_ms", "mon-stalled")).isPositive();
        assertThat(scraped[0].get("kafka_connect_task_status")).anySatisfy(s -> assertThat(s)
                .containsEntry("connector", "mon-broken").containsEntry("status", "failed"));
    }

    private static double value(Map<String, List<Map<String, String>>> scraped, String metric, String connector) {
        return scraped.get(metric).stream().filter(s -> connector.equals(s.get("connector")))
                .mapToDouble(s -> Double.parseDouble(s.get("__value__"))).sum();
    }

    /** A program of Debian's prometheus package, which .ci/run installs with apt-get. */
    private static Path prometheusPackage(String program) {
        Path path = Path.of("/usr/bin", program);
        if (!Files.isExecutable(path)) {
            Prerequisite.missing("Debian's prometheus package (" + program + ") is not installed (.ci/run installs "
                    + "it with apt-get): this test needs the real " + program);
        }
        return path;
    }

    @Test
    void prometheusEvaluatesEveryDashboardQueryAndTheAlertRulesAndTheFailedTaskAlertFires() throws Exception {
        Path prometheus = prometheusPackage("prometheus");
        Path dir = Files.createTempDirectory("sluice-prometheus");
        Files.copy(PACK.resolve("sluice-alerts.yaml"), dir.resolve("sluice-alerts.yaml"));
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                "rule_files: [sluice-alerts.yaml]",
                "scrape_configs:", "  - job_name: connect",
                "    static_configs: [{targets: ['127.0.0.1:" + exporterPort + "']}]", ""));
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port;
            Wait.until("Prometheus ready", TIMEOUT, () -> {
                try {
                    return HTTP.send(HttpRequest.newBuilder(URI.create(api + "/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            JsonNode dashboard = MAPPER.readTree(PACK.resolve("grafana-dashboard.json").toFile());
            List<String> queries = new ArrayList<>();
            dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
            assertThat(queries).hasSizeGreaterThan(20);
            for (String q : queries) {
                String expr = q.replace("$connector", ".+").replace("$__rate_interval", "30s");
                Wait.until("a result for " + expr, TIMEOUT, () -> query(api, expr).size() > 0);
            }
            Wait.until("every alert rule evaluated without error", TIMEOUT, () -> {
                JsonNode groups = MAPPER.readTree(get(api + "/api/v1/rules")).at("/data/groups");
                int rules = 0;
                for (JsonNode g : groups) {
                    for (JsonNode r : g.get("rules")) {
                        if (!"ok".equals(r.path("health").asText())) {
                            return false;
                        }
                        rules++;
                    }
                }
                return rules == 9;
            });
            Wait.until("SluiceTaskFailed firing for mon-broken", TIMEOUT, () -> {
                for (JsonNode a : MAPPER.readTree(get(api + "/api/v1/alerts")).at("/data/alerts")) {
                    if (a.at("/labels/alertname").asText().equals("SluiceTaskFailed")
                            && a.at("/labels/connector").asText().equals("mon-broken")
                            && a.path("state").asText().equals("firing")) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode query(String api, String expr) throws Exception {
        JsonNode answer = MAPPER.readTree(get(api + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
        assertThat(answer.path("status").asText()).as(expr + ": " + answer).isEqualTo("success");
        return answer.at("/data/result");
    }

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        Path promtool = prometheusPackage("promtool");
        Path dir = Files.createTempDirectory("sluice-promtool");
        Files.copy(PACK.resolve("sluice-alerts.yaml"), dir.resolve("sluice-alerts.yaml"));
        try (var test = MonitoringIT.class.getResourceAsStream("/monitoring/sluice-alerts-test.yaml")) {
            Files.copy(test, dir.resolve("sluice-alerts-test.yaml"));
        }
        for (List<String> command : List.of(List.of(promtool.toString(), "check", "rules", "sluice-alerts.yaml"),
                List.of(promtool.toString(), "test", "rules", "sluice-alerts-test.yaml"))) {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
            assertThat(output).contains("SUCCESS");
        }
    }
}
