package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectRestClient;
import io.sluice.connect.testkit.Prerequisite;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The Connect image of {@code docker/}: its worker config runs a real worker with the zip on this machine, and where a
 * Docker engine exists, the image built from the Dockerfile serves every Sluice plugin next to a broker container.
 */
class DockerImageIT {

    private static final Path DOCKER = Path.of("../docker");
    private static final String KAFKA_VERSION = System.getProperty("sluice.kafka.version");

    /** What the image's workers must see in {@code GET /connector-plugins?connectorsOnly=false}. */
    private static Set<String> sluicePlugins() {
        Set<String> expected = new TreeSet<>();
        Bundle.serviceEntries().forEach((type, classes) -> {
            if (Bundle.LISTED_TYPES.contains(type)) {
                expected.addAll(classes);
            }
        });
        return expected;
    }

    private static Set<String> listed(JsonNode plugins) {
        Set<String> out = new HashSet<>();
        plugins.forEach(p -> out.add(p.path("class").asText()));
        return out;
    }

    @Test
    void theImagesWorkerConfigRunsAWorkerWithTheBundle() throws Exception {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(DOCKER.resolve("connect-distributed.properties"))) {
            file.load(in);
        }
        ConnectCluster.Builder builder = ConnectCluster.builder().name("docker-config").kafkaVersion(KAFKA_VERSION)
                .workers(1).pluginPath(Bundle.pluginPath())
                // as the Dockerfile's ENV and a deployment would set them; the test kit sets CONNECT_BOOTSTRAP_SERVERS
                .workerEnv("CONNECT_GROUP_ID", "sluice-image").workerEnv("CONNECT_REPLICATION_FACTOR", "1")
                .workerEnv("CONNECT_ADVERTISED_HOST", "127.0.0.1");
        for (String key : file.stringPropertyNames()) {
            // The image's plugin directory and port are the container's; here the unpacked zip and a free port.
            if (!key.equals("plugin.path") && !key.equals("listeners")) {
                builder.workerProperty(key, file.getProperty(key));
            }
        }
        assertThat(file.getProperty("plugin.path")).isEqualTo("/opt/kafka/plugins");
        assertThat(Files.readString(DOCKER.resolve("Dockerfile"))).contains("COPY --from=bundle /plugins/ /opt/kafka/plugins/",
                "COPY docker/connect-distributed.properties /opt/kafka/config/sluice/connect-distributed.properties",
                "/opt/kafka/config/sluice/connect-distributed.properties\"]");
        try (ConnectCluster cluster = builder.start(); Admin admin = cluster.admin()) {
            assertThat(listed(cluster.rest().plugins(false))).containsAll(sluicePlugins());
            cluster.rest().get("/sizing/connect-cluster").expect(200);
            // ${env:...} in the worker config was resolved: the group's internal topics carry the environment's name.
            assertThat(admin.listTopics().names().get()).contains("sluice-image-configs", "sluice-image-offsets",
                    "sluice-image-status");
        }
    }

    @Test
    void theImageServesTheBundleNextToABrokerContainer() throws Exception {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            Prerequisite.unavailableHere("no Docker engine on this machine; this test builds and runs the image "
                    + "wherever one exists");
        }
        ImageFromDockerfile image = new ImageFromDockerfile("sluice/kafka-connect-sluice-it", true)
                .withFileFromPath("Dockerfile", DOCKER.resolve("Dockerfile"))
                .withFileFromPath("docker/connect-distributed.properties", DOCKER.resolve("connect-distributed.properties"))
                .withFileFromPath("assembly/target/" + Bundle.ZIP.getFileName(), Bundle.ZIP)
                .withBuildArg("KAFKA_VERSION", KAFKA_VERSION);
        try (Network network = Network.newNetwork();
             GenericContainer<?> kafka = new GenericContainer<>("apache/kafka:" + KAFKA_VERSION)
                     .withNetwork(network).withNetworkAliases("kafka")
                     .withEnv(Map.ofEntries(
                             Map.entry("KAFKA_NODE_ID", "1"),
                             Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
                             Map.entry("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
                             Map.entry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092"),
                             Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                             Map.entry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                             Map.entry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093"),
                             Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
                             Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
                             Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")))
                     .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1)
                             .withStartupTimeout(Duration.ofMinutes(3)));
             GenericContainer<?> connect = new GenericContainer<>(image)
                     .withNetwork(network).dependsOn(kafka).withExposedPorts(8083)
                     .withEnv(Map.of("CONNECT_BOOTSTRAP_SERVERS", "kafka:9092", "CONNECT_REPLICATION_FACTOR", "1",
                             "CONNECT_ADVERTISED_HOST", "connect"))
                     .waitingFor(Wait.forHttp("/connectors").forStatusCode(200)
                             .withStartupTimeout(Duration.ofMinutes(3)))) {
            connect.start();
            ConnectRestClient rest = new ConnectRestClient(URI.create("http://" + connect.getHost() + ":"
                    + connect.getMappedPort(8083) + "/"));
            JsonNode plugins = rest.plugins(false);
            assertThat(listed(plugins)).containsAll(sluicePlugins());
            plugins.forEach(p -> {
                if (p.path("class").asText().startsWith("io.sluice.")) {
                    assertThat(p.path("version").asText()).isEqualTo(Bundle.VERSION);
                }
            });
            assertThat(rest.get("/sizing/connect-cluster").expect(200).json().path("version").asText())
                    .isEqualTo(Bundle.VERSION);
        }
    }
}
