package io.sluice.connect.sizing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SizingCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SizingCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void flagsGiveATableWithTheBindingConstraint() {
        assertThat(run("--write.throughput.avg", "100MB/s", "--retention-time=7d")).isZero();
        assertThat(out()).contains("brokers").contains("54 brokers").contains("storage")
                .contains("Broker bound").contains("tiered storage");
    }

    @Test
    void fileWithFlagOverridesAsJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.yaml");
        Files.writeString(file, "write.throughput.avg: 100MB/s\nretention.time: 7d\nconsumer.parallelism: 4\n");
        assertThat(run("--file", file.toString(), "--retention.time", "1h", "--json")).isZero();
        JsonNode json = new ObjectMapper().readTree(out());
        assertThat(json.at("/workload/retention.time").asText()).isEqualTo("1h");
        JsonNode partitions = null;
        for (JsonNode f : json.get("figures")) {
            if (f.get("name").asText().equals("partitions.per.topic")) {
                partitions = f;
            }
        }
        assertThat(partitions).isNotNull();
        assertThat(partitions.get("value").asInt()).isEqualTo(20);
        assertThat(json.get("brokerBounds").size()).isEqualTo(8);
    }

    @Test
    void explainShowsFormulasWithNumbers() {
        assertThat(run("--write.throughput.avg", "100MB/s", "--explain")).isZero();
        assertThat(out()).contains("= roundUp(max(bounds) + failures tolerated, zones)")
                .contains("ceil(100 MB/s x 3 / (1.25 GB/s x 0.6))");
    }

    @Test
    void badInputExitsOneNamingTheField() {
        assertThat(run("--write.throughput.avg", "100MB/s", "--replication.factor", "three")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: replication.factor: 'three' is not a whole number");
        assertThat(out()).isEmpty();
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("--write.throughput.avg")).isEqualTo(2);
        assertThat(run("stray")).isEqualTo(2);
    }

    @Test
    void helpListsEveryField() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("--write.throughput.avg").contains("--connect.task.throughput").contains("[10Gbit/s]");
    }
}
