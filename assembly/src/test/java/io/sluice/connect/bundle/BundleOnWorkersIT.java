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
import io.sluice.connect.testkit.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
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

    static ConnectClusterExtension clusterOn(String kafkaVersion) {
        return new ConnectClusterExtension(b -> b.kafkaVersion(kafkaVersion).workers(2)
                .pluginPath(Bundle.pluginPath())
                .workerProperty("plugin.discovery", "service_load")
                .workerProperty("rest.extension.classes", "io.sluice.connect.sizing.SizingRestExtension"));
    }

    abstract ConnectCluster cluster();

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
            assertThat(MAPPER.convertValue(answer.get("warnings"), java.util.List.class)).isEqualTo(expected.warnings());
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
        cluster.rest().createConnector("sizing-probe", Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max", "2", "topics", "sizing-lines", "file", sinkFile.toString()));
        try {
            JsonNode status = cluster.rest().awaitState("sizing-probe", "RUNNING", 2, TIMEOUT);
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
        } finally {
            cluster.rest().deleteConnector("sizing-probe");
            Wait.until("sizing-probe deleted", TIMEOUT, () -> cluster.rest().get("/connectors/sizing-probe").status() == 404);
        }
    }
}
