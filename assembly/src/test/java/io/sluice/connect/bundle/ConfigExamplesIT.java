package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.S3Server;
import io.sluice.connect.testkit.SqlScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every connector config in {@code config-examples/connectors/} is a valid {@code POST /connectors} body: a worker
 * with the zip validates each with zero errors, its {@code ${env:...}} placeholders resolved by Kafka's
 * EnvVarConfigProvider against this machine's PostgreSQL, MariaDB and an S3 server.
 */
class ConfigExamplesIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path EXAMPLES = Path.of(System.getProperty("sluice.examples.dir",
            "../config-examples/connectors"));
    private static final Path SHOP = EXAMPLES.resolveSibling("shop");
    private static final S3Server S3 = startS3();

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b
            .kafkaVersion(System.getProperty("sluice.kafka.version")).workers(1).pluginPath(Bundle.pluginPath())
            .workerProperty("plugin.discovery", "service_load")
            .workerProperty("exactly.once.source.support", "enabled")
            .workerProperty("config.providers", "env")
            .workerProperty("config.providers.env.class",
                    "org.apache.kafka.common.config.provider.EnvVarConfigProvider")
            .workerEnv("SLUICE_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test")
            .workerEnv("SLUICE_PG_USER", "postgres")
            .workerEnv("SLUICE_PG_PASSWORD", "unused-with-trust-auth")
            .workerEnv("SLUICE_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/shop?sslMode=disable")
            .workerEnv("SLUICE_MARIADB_USER", "root")
            .workerEnv("SLUICE_MARIADB_PASSWORD", "")
            .workerEnv("SLUICE_PII_HASH_KEY", "example-hash-key-0123456789abcdef")
            .workerEnv("SLUICE_S3_BUCKET", "lake")
            .workerEnv("SLUICE_S3_REGION", "us-east-1")
            .workerEnv("SLUICE_S3_URL", S3.url())
            .workerEnv("SLUICE_S3_ACCESS_KEY", S3Server.ACCESS_KEY)
            .workerEnv("SLUICE_S3_SECRET_KEY", S3Server.SECRET_KEY));

    private static S3Server startS3() {
        try {
            return new S3Server();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
    }

    /** The shop the examples read from, from the schema files next to them. */
    @BeforeAll
    static void shop() throws Exception {
        S3.createBucket("lake");
        try (Connection db = BundleOnWorkersIT.postgres(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS shop CASCADE");
            SqlScript.run(db, SHOP.resolve("postgres.sql"));
        }
        try (Connection db = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/?sslMode=disable", "root", "");
             Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS shop");
            st.execute("CREATE DATABASE shop");
            st.execute("USE shop");
            SqlScript.run(db, SHOP.resolve("mariadb.sql"));
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        S3.close();
    }

    static Stream<Path> examples() throws Exception {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(list).as("examples in " + EXAMPLES.toAbsolutePath()).isNotEmpty();
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void validatesWithNoError(Path example) throws Exception {
        JsonNode body = MAPPER.readTree(example.toFile());
        assertThat(body.has("name") && body.has("config")).as("a POST /connectors body").isTrue();
        Map<String, String> config = new LinkedHashMap<>();
        body.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        config.put("name", body.get("name").asText());
        ConnectCluster cluster = CLUSTER.cluster();
        JsonNode result = cluster.rest().validate(config.get("connector.class"), config);
        List<String> errors = new ArrayList<>();
        result.get("configs").forEach(c -> c.at("/value/errors").forEach(e ->
                errors.add(c.at("/value/name").asText() + ": " + e.asText())));
        assertThat(errors).as(example.getFileName() + " validated").isEmpty();
        assertThat(result.get("error_count").asInt()).isZero();
    }
}
