package io.sluice.connect.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.connect.testkit.Wait;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's first command does what it says: the quickstart runs the zip on a real broker and worker against a
 * PostgreSQL (an embedded one, then this machine's) and an S3 server, reports what each plugin did with records read back from Kafka and rows read
 * back from Parquet, and leaves no process behind, on a normal exit and on Ctrl-C.
 */
class QuickstartIT {

    private static final String ZIP = System.getProperty("sluice.bundle.zip");
    private static final String EXAMPLES = System.getProperty("sluice.examples.dir");

    @Test
    void reportsWhatEveryPluginDid() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Quickstart quickstart = new Quickstart(Options.parse("--zip", ZIP, "--examples", EXAMPLES, "--work",
                "target/quickstart-it", "--timeout", "180", "--embedded-postgres"), new Console(new PrintStream(printed, true, StandardCharsets.UTF_8)));
        Report.Findings found;
        List<ProcessHandle> started;
        try {
            found = quickstart.run();
            started = ProcessHandle.current().descendants().toList();
        } finally {
            quickstart.close();
        }
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(found.snapshot().complete()).as(report).isTrue();
        // Every seeded order was read; each invalid one was dead-lettered once, for the rule it breaks.
        assertThat(found.snapshot().rowsRead()).isGreaterThanOrEqualTo(Shop.VALID_SEEDED + Shop.INVALID_SEEDED);
        assertThat(found.deadLetters()).hasSize(Shop.INVALID_SEEDED);
        Map<String, Long> byRule = found.deadLetters().stream()
                .collect(Collectors.groupingBy(Report.DeadLetter::rule, Collectors.counting()));
        assertThat(byRule).containsOnly(Map.entry("amount=range(0,)", 3L),
                Map.entry("status=in(NEW|PAID|SHIPPED)", 3L));
        assertThat(found.deadLetters()).allSatisfy(d -> assertThat(d.reason()).isNotBlank().isNotEqualTo("-"));
        // Masked before Kafka: a keyed hash instead of the address, the card's last four digits only.
        assertThat(found.snapshot().fieldsMasked()).isPositive();
        assertThat(found.maskedOrder().path("email").asText()).matches("[0-9a-f]{64}");
        assertThat(found.maskedOrder().path("card").asText()).matches("\\*{12}[0-9]{4}");
        // Outbox rows became events per aggregate type, with the event id and type as headers.
        assertThat(found.snapshot().events()).containsKeys("events.order", "events.customer");
        assertThat(found.eventHeaders()).containsKeys("id", "eventType");
        assertThat(found.eventHeaders().get("id")).matches("[0-9a-f-]{36}");
        // Parquet objects in hourly Hive paths, read back by DuckDB with the masked values.
        assertThat(found.snapshot().parquetObjects()).isNotEmpty().allSatisfy(k -> assertThat(k)
                .matches("lake/pg\\.orders/year=\\d{4}/month=\\d{2}/day=\\d{2}/hour=\\d{2}/pg\\.orders\\+\\d+\\+\\d{10}\\.zstd\\.parquet"));
        assertThat(found.parquetRowCount()).isPositive();
        assertThat(found.icebergRows()).as("rows in the Iceberg table through its catalog").isPositive();
        assertThat(found.parquetRows()).isNotEmpty();
        for (JsonNode row : found.parquetRows()) {
            assertThat(row.path("email").asText()).matches("[0-9a-f]{64}");
            assertThat(row.path("card").asText()).matches("\\*{12}[0-9]{4}");
            assertThat(row.path("hour").asText()).matches("\\d{1,2}");
        }
        // The sizing helper answered through the worker's REST extension.
        assertThat(found.sizing().path("figures").findValuesAsText("name")).contains("brokers", "connect.workers");
        assertThat(report).contains("(embedded PostgreSQL, data under", "s3://lake/lake/pg.orders/year=", "DeadLetterRouter", "OutboxRouter",
                "PiiMask$Value", "Sizing helper");
        // close() stopped the broker and the worker it had started.
        assertThat(started).as("the broker and worker JVMs").hasSizeGreaterThanOrEqualTo(2);
        Wait.until("every process the quickstart started to exit", Duration.ofSeconds(60),
                () -> started.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void keepsRunningUntilInterruptedThenStopsEverything() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC"));
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("sluice.") || k.startsWith("maven."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Quickstart.class.getName(), "--zip", ZIP,
                "--examples", EXAMPLES, "--work", "target/quickstart-keep-it", "--timeout", "180", "--keep-running"));
        Process quickstart = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(quickstart.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("(output closed: " + e + ")");
            }
        }, "quickstart-output");
        reader.start();
        List<ProcessHandle> started;
        try {
            Wait.until("the quickstart to report and keep running", Duration.ofSeconds(240), () -> {
                assertThat(quickstart.isAlive()).as(String.join("\n", lines)).isTrue();
                return lines.stream().anyMatch(l -> l.startsWith("Still running"));
            });
            started = quickstart.descendants().toList();
            assertThat(started).as("the broker and worker JVMs").hasSizeGreaterThanOrEqualTo(2);
            // Ctrl-C: SIGINT to the quickstart's JVM, whose shutdown hook stops what it started.
            new ProcessBuilder("kill", "-INT", Long.toString(quickstart.pid())).start().waitFor();
            assertThat(quickstart.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
        } finally {
            quickstart.descendants().forEach(ProcessHandle::destroyForcibly);
            quickstart.destroyForcibly();
        }
        reader.join(10_000);
        String output = String.join("\n", lines);
        assertThat(output).contains("on the server at " + Options.DEFAULT_POSTGRES_URL, "Connect REST   http://127.0.0.1:",
                "stopping");
        Wait.until("every process the quickstart started to exit", Duration.ofSeconds(60),
                () -> started.stream().noneMatch(ProcessHandle::isAlive));
    }
}
