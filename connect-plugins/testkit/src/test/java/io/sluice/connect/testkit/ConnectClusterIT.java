package io.sluice.connect.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test kit against itself: a KRaft broker and two Connect workers of the build's Kafka version, driven through
 * Kafka's own FileStreamSink connector: create, validate, pause, resume, lose a worker to kill -9, restart it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b.workers(2));

    private static Path sinkFile;

    private static Map<String, String> sinkConfig(Path file) {
        return Map.of("connector.class", SINK, "tasks.max", "2", "topics", "lines", "file", file.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter");
    }

    private static List<Map.Entry<String, String>> lines(int from, int to) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        IntStream.range(from, to).forEach(i -> out.add(Map.entry("k" + i, "line-" + i)));
        return out;
    }

    private static List<String> sunk() throws Exception {
        return Files.exists(sinkFile) ? Files.readAllLines(sinkFile, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    @Order(1)
    void workersFormOneGroupOnTheRequestedKafkaVersion() {
        ConnectCluster cluster = CLUSTER.cluster();
        assertThat(cluster.workers()).hasSize(2);
        for (ConnectWorker w : cluster.workers()) {
            JsonNode root = w.rest().get("/").expect(200).json();
            assertThat(root.get("version").asText()).isEqualTo(cluster.kafkaVersion());
            assertThat(w.rest().get("/connectors").expect(200).json().isArray()).isTrue();
        }
        assertThat(cluster.worker(0).rest().get("/").json().get("kafka_cluster_id").asText())
                .isEqualTo(cluster.worker(1).rest().get("/").json().get("kafka_cluster_id").asText());
    }

    @Test
    @Order(2)
    void validationNamesTheBadKey() {
        JsonNode result = CLUSTER.cluster().rest().validate(SINK, Map.of("tasks.max", "two", "topics", "lines"));
        assertThat(result.get("error_count").asInt()).isPositive();
        boolean tasksMaxFlagged = false;
        for (JsonNode c : result.get("configs")) {
            if (c.at("/value/name").asText().equals("tasks.max")) {
                tasksMaxFlagged = c.at("/value/errors").size() > 0;
            }
        }
        assertThat(tasksMaxFlagged).isTrue();
    }

    @Test
    @Order(3)
    void connectorMovesRecordsAndSurvivesPauseResume() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        sinkFile = cluster.dir().resolve("sink.txt");
        cluster.createTopic("lines", 2);
        cluster.produce("lines", lines(0, 50));
        cluster.rest().createConnector("file-sink", sinkConfig(sinkFile));
        cluster.rest().awaitState("file-sink", "RUNNING", 2, TIMEOUT);
        Wait.until("50 lines in " + sinkFile, TIMEOUT, () -> sunk().size() >= 50);

        cluster.rest().pause("file-sink");
        cluster.rest().awaitState("file-sink", "PAUSED", 2, TIMEOUT);
        cluster.rest().resume("file-sink");
        cluster.rest().awaitState("file-sink", "RUNNING", 2, TIMEOUT);
        assertThat(cluster.consume("lines", 50, TIMEOUT)).hasSize(50);
    }

    @Test
    @Order(4)
    void aKilledWorkersTasksMoveAndItRejoinsAfterRestart() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        ConnectWorker survivor = cluster.worker(0);
        ConnectWorker victim = cluster.worker(1);
        victim.kill();
        assertThat(victim.isAlive()).isFalse();

        // After scheduled.rebalance.max.delay.ms the survivor runs both tasks, and records keep flowing.
        Wait.until("both tasks on " + survivor.workerId(), TIMEOUT, () -> {
            JsonNode status = survivor.rest().status("file-sink");
            int onSurvivor = 0;
            for (JsonNode t : status.get("tasks")) {
                if (t.get("state").asText().equals("RUNNING") && t.get("worker_id").asText().equals(survivor.workerId())) {
                    onSurvivor++;
                }
            }
            return onSurvivor == 2;
        });
        cluster.produce("lines", lines(50, 100));
        Wait.until("100 lines in " + sinkFile, TIMEOUT, () -> sunk().size() >= 100);
        assertThat(sunk()).contains("line-0", "line-99");

        victim.restart(ConnectCluster.START_TIMEOUT);
        assertThat(victim.rest().get("/connectors").expect(200).json().toString()).contains("file-sink");
        cluster.rest().restart("file-sink", true, false);
        cluster.rest().awaitState("file-sink", "RUNNING", 2, TIMEOUT);

        cluster.rest().deleteConnector("file-sink");
        Wait.until("file-sink deleted", TIMEOUT, () -> cluster.rest().get("/connectors/file-sink/status").status() == 404);
    }
}
