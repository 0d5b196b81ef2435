package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Docker and Strimzi files without a Docker engine or a Kubernetes cluster: the
 * Dockerfile copies the zip the build makes into a plugin directory the zip's layout fits, the generated KafkaConnect
 * carries that zip's sha512sum and the fields Strimzi's CRD requires, and the generated KafkaConnectors are exactly
 * the connector configs in {@code config-examples/connectors/}, and the compose stack wires the image, the shop and
 * the examples with every variable they read.
 */
class StrimziAndDockerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = Path.of("..");
    private static final Path STRIMZI = Path.of("target/strimzi");

    @Test
    void dockerfileCopiesTheBuiltZipIntoThePluginPath() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"), StandardCharsets.UTF_8);
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+\\.zip) ").matcher(dockerfile);
        assertThat(copy.find()).as("the Dockerfile copies a zip").isTrue();
        Path zip = Path.of(System.getProperty("sluice.bundle.zip"));
        assertThat(FileSystems.getDefault().getPathMatcher("glob:" + copy.group(1))
                .matches(ROOT.toAbsolutePath().normalize().relativize(zip.toAbsolutePath().normalize())))
                .as(copy.group(1) + " matches " + zip.getFileName()).isTrue();
        assertThat(dockerfile).contains("/opt/kafka/plugins");
        // Unpacked under the plugin path, the zip is one plugin directory: <plugin path>/<bundle>/lib/*.jar.
        assertThat(Bundle.dir().resolve("lib")).isDirectory();
        assertThat(Bundle.dir().resolve("manifest.json")).isRegularFile();
        assertThat(Bundle.dir().getParent()).isEqualTo(Bundle.pluginPath());
    }

    @Test
    void theKafkaConnectBuildsWithTheZipJustBuilt() throws Exception {
        JsonNode connect = YAML.readTree(STRIMZI.resolve("kafka-connect.yaml").toFile());
        assertThat(connect.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
        assertThat(connect.path("kind").asText()).isEqualTo("KafkaConnect");
        assertThat(connect.at("/metadata/annotations/strimzi.io~1use-connector-resources").asText()).isEqualTo("true");
        assertThat(connect.at("/spec/bootstrapServers").asText()).isNotBlank();
        assertThat(connect.at("/spec/build/output/type").asText()).isIn("docker", "imagestream");
        assertThat(connect.at("/spec/build/output/image").asText()).isNotBlank();
        JsonNode artifact = connect.at("/spec/build/plugins/0/artifacts/0");
        assertThat(artifact.path("type").asText()).isEqualTo("zip");
        assertThat(artifact.path("url").asText()).startsWith("https://");
        assertThat(artifact.path("sha512sum").asText()).isEqualTo(sha512(Path.of(System.getProperty("sluice.bundle.zip"))));
        assertThat(connect.at("/spec/config/config.providers").asText()).isEqualTo("env");
    }

    /**
     * Strimzi's metrics, the Docker image and the compose file all use the operations pack's exporter rules: the
     * KafkaConnect's metricsConfig names the generated ConfigMap, which holds the zip's rules; the image runs the
     * worker with the agent the build writes and the zip's rules; compose publishes the metrics port.
     */
    @Test
    void strimziDockerAndComposeServeTheOperationsPacksMetrics() throws Exception {
        String rules = Files.readString(Bundle.dir().resolve("etc/monitoring/jmx-exporter.yaml"), StandardCharsets.UTF_8);
        JsonNode connect = YAML.readTree(STRIMZI.resolve("kafka-connect.yaml").toFile());
        assertThat(connect.at("/spec/metricsConfig/type").asText()).isEqualTo("jmxPrometheusExporter");
        JsonNode ref = connect.at("/spec/metricsConfig/valueFrom/configMapKeyRef");
        JsonNode configMap = YAML.readTree(STRIMZI.resolve("kafka-connect-metrics.yaml").toFile());
        assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(configMap.at("/metadata/name").asText()).isEqualTo(ref.path("name").asText());
        assertThat(configMap.at("/data").path(ref.path("key").asText()).asText()).isEqualTo(rules);

        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"), StandardCharsets.UTF_8);
        Matcher agent = Pattern.compile("(?m)^COPY (assembly/target/\\S+\\.jar) (\\S+)$").matcher(dockerfile);
        assertThat(agent.find()).as("the Dockerfile copies the agent jar").isTrue();
        assertThat(ROOT.resolve(agent.group(1))).as("the build writes " + agent.group(1)).isRegularFile();
        assertThat(dockerfile).contains("-javaagent:" + agent.group(2) + "=9404:/opt/kafka/config/sluice/jmx-exporter.yaml")
                .contains("etc/monitoring/jmx-exporter.yaml /monitoring/").contains("EXPOSE 8083 9404");
        assertThat(Files.readString(ROOT.resolve("docker/compose.yaml"), StandardCharsets.UTF_8)).contains("\"9404:9404\"");
    }

    @Test
    void theKafkaConnectorsAreTheConfigExamples() throws Exception {
        List<JsonNode> resources = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(STRIMZI.resolve("kafka-connectors.yaml").toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(resources::add);
        }
        List<Path> examples;
        try (Stream<Path> files = Files.list(ROOT.resolve("config-examples/connectors"))) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(resources).hasSize(examples.size());
        for (Path example : examples) {
            JsonNode body = JSON.readTree(example.toFile());
            JsonNode resource = resources.stream().filter(r -> r.at("/metadata/name").asText()
                    .equals(body.get("name").asText())).findFirst().orElseThrow();
            assertThat(resource.path("kind").asText()).isEqualTo("KafkaConnector");
            assertThat(resource.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("sluice-connect");
            ObjectNode config = body.get("config").deepCopy();
            assertThat(resource.at("/spec/class").asText()).isEqualTo(config.remove("connector.class").asText());
            assertThat(resource.at("/spec/tasksMax").asInt()).isEqualTo(config.remove("tasks.max").asInt());
            config.fields().forEachRemaining(e -> assertThat(resource.at("/spec/config").path(e.getKey()).asText())
                    .as(example.getFileName() + " " + e.getKey()).isEqualTo(e.getValue().asText()));
            assertThat(resource.at("/spec/config").size()).isEqualTo(config.size());
        }
    }

    @Test
    void theComposeStackWiresTheImageTheShopAndTheExamples() throws Exception {
        JsonNode services = YAML.readTree(ROOT.resolve("docker/compose.yaml").toFile()).path("services");
        assertThat(services.fieldNames()).toIterable().contains("kafka", "connect", "postgres", "minio", "connectors");
        String kafkaVersion = System.getProperty("sluice.kafka.version");
        assertThat(services.at("/kafka/image").asText()).isEqualTo("apache/kafka:" + kafkaVersion);
        assertThat(Files.readString(ROOT.resolve("docker/Dockerfile"))).contains("ARG KAFKA_VERSION=" + kafkaVersion);
        // Connect is the image of docker/Dockerfile, built from the repository root.
        Path context = ROOT.resolve("docker").resolve(services.at("/connect/build/context").asText()).normalize();
        assertThat(context.toAbsolutePath().normalize()).isEqualTo(ROOT.toAbsolutePath().normalize());
        assertThat(context.resolve(services.at("/connect/build/dockerfile").asText())).isRegularFile();
        // Every file mounted into a container exists.
        services.forEach(service -> service.path("volumes").forEach(v -> assertThat(ROOT.resolve("docker")
                .resolve(v.asText().split(":")[0]).normalize()).as(v.asText()).exists()));
        // Every ${env:...} of the image's worker config and of the posted examples is set in Connect's environment.
        String posted = services.at("/connectors/entrypoint/2").asText();
        Matcher file = Pattern.compile("[\\w-]+\\.json").matcher(posted);
        StringBuilder configs = new StringBuilder(Files.readString(ROOT.resolve("docker/connect-distributed.properties")));
        int examples = 0;
        while (file.find()) {
            configs.append(Files.readString(ROOT.resolve("config-examples/connectors").resolve(file.group())));
            examples++;
        }
        assertThat(examples).as("examples the connectors service posts").isEqualTo(4);
        Matcher variable = Pattern.compile("\\$\\{env:(\\w+)}").matcher(configs);
        JsonNode env = services.at("/connect/environment");
        while (variable.find()) {
            assertThat(env.has(variable.group(1))).as(variable.group(1) + " in connect's environment").isTrue();
        }
        assertThat(env.path("SLUICE_S3_ACCESS_KEY").asText()).isEqualTo(services.at("/minio/environment/MINIO_ROOT_USER").asText());
        assertThat(env.path("SLUICE_PG_PASSWORD").asText()).isEqualTo(services.at("/postgres/environment/POSTGRES_PASSWORD").asText());
    }

    private static String sha512(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-512");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
