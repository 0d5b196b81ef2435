package io.sluice.connect.sizing.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.health.ConnectClusterDetails;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.ConnectorState;
import org.apache.kafka.connect.health.ConnectorType;
import org.apache.kafka.connect.health.TaskState;
import org.junit.jupiter.api.Test;

/** The endpoints' logic over a fake cluster state; the real-worker test lives in the assembly module. */
class SizingServiceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Two connectors: one with three tasks all on worker a, one with one task on worker b. */
    private static final ConnectClusterState STATE = new ConnectClusterState() {
        @Override
        public Collection<String> connectors() {
            return List.of("orders", "audit");
        }

        @Override
        public ConnectorHealth connectorHealth(String name) {
            Map<Integer, TaskState> tasks = new LinkedHashMap<>();
            if (name.equals("orders")) {
                for (int i = 0; i < 3; i++) {
                    tasks.put(i, new TaskState(i, i == 2 ? "FAILED" : "RUNNING", "a:8083", null));
                }
            } else {
                tasks.put(0, new TaskState(0, "RUNNING", "b:8083", null));
            }
            return new ConnectorHealth(name, new ConnectorState("RUNNING", "a:8083", null), tasks, ConnectorType.SOURCE);
        }

        @Override
        public Map<String, String> connectorConfig(String connName) {
            return Map.of();
        }

        @Override
        public ConnectClusterDetails clusterDetails() {
            return () -> "cluster";
        }
    };

    private final SizingService service = new SizingService(STATE);

    @Test
    void sizesAJsonWorkload() throws Exception {
        SizingService.Reply reply = service.size("{\"write.throughput.avg\": \"100MB/s\", \"retention.time\": \"1h\"}");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode json = MAPPER.readTree(reply.json());
        assertThat(json.get("version").asText()).isEqualTo(System.getProperty("sluice.version"));
        assertThat(json.at("/figures/0/name").asText()).isEqualTo("brokers");
        // RF 3 needs 3 brokers; one spare makes 4, rounded up to the 3 zones: 6.
        assertThat(json.at("/figures/0/value").asInt()).isEqualTo(6);
    }

    @Test
    void badWorkloadIsA400NamingTheField() throws Exception {
        SizingService.Reply reply = service.size("{\"write.throughput.avg\": \"100MB/s\", \"replication.factor\": 0}");
        assertThat(reply.status()).isEqualTo(400);
        JsonNode json = MAPPER.readTree(reply.json());
        assertThat(json.get("field").asText()).isEqualTo("replication.factor");
        assertThat(json.get("message").asText()).startsWith("replication.factor: ");
        assertThat(json.get("error_code").asInt()).isEqualTo(400);
        assertThat(service.size("not: [json").status()).isEqualTo(400);
    }

    @Test
    void sizesTheLiveConnectCluster() throws Exception {
        SizingService.Reply reply = service.connectCluster(Map.of("connect.worker.cpu.cores", "1", "connect.tasks.per.core", "1"));
        assertThat(reply.status()).isEqualTo(200);
        JsonNode json = MAPPER.readTree(reply.json());
        assertThat(json.get("tasks").asInt()).isEqualTo(4);
        assertThat(json.get("workers").asInt()).isEqualTo(2);
        assertThat(json.at("/tasksByWorker/a:8083").asInt()).isEqualTo(3);
        assertThat(json.at("/tasksByState/FAILED").asInt()).isEqualTo(1);
        // 4 tasks at 1 task per worker = 4, plus one spare = 5.
        assertThat(json.at("/recommendedWorkers/value").asInt()).isEqualTo(5);
        assertThat(json.get("warnings").toString()).contains("recommended").contains("unevenly").contains("FAILED");
        assertThat(json.at("/connectors/0/type").asText()).isEqualTo("source");
    }

    @Test
    void liveSizingRejectsBadQueryParameters() {
        assertThat(service.connectCluster(Map.of("connect.task.throughput", "lots")).status()).isEqualTo(400);
    }
}
