package io.sluice.connect.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.connect.testkit.ConnectCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's four connectors, created by POSTing the files of {@code config-examples/connectors/} to the worker's
 * REST API as they are, except for the overrides listed here (printed when applied).
 */
final class Pipeline {

    static final String ORDERS = "shop-orders";
    static final String OUTBOX = "shop-outbox";
    static final String LAKE = "lake-orders";
    static final String LAKEHOUSE = "lake-orders-iceberg";

    static final String ORDERS_TOPIC = "pg.orders";
    static final String DEAD_LETTER_TOPIC = "pg.orders.dlq";
    static final String EVENTS_PREFIX = "events.";

    /** A connector example and what the demo changes in it. */
    record Example(String file, String name, int tasks, Map<String, String> overrides, String why) {
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("jdbc-postgres-orders-masked-and-validated.json", ORDERS, 1, Map.of(), ""),
            new Example("jdbc-postgres-outbox.json", OUTBOX, 1, Map.of(), ""),
            // Ten-minute files are right for a lake, too slow to watch: the demo commits one every 10 s.
            new Example("s3-orders-hourly.json", LAKE, 2,
                    Map.of("rotate.schedule.interval.ms", "10000", "flush.size", "1000"),
                    "so that Parquet objects appear within seconds"),
            new Example("s3-orders-iceberg.json", LAKEHOUSE, 2,
                    Map.of("rotate.schedule.interval.ms", "10000", "flush.size", "1000"),
                    "so that the table's snapshots appear within seconds"));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Pipeline() {
    }

    /** Creates the topics the way a platform team would (two partitions for the orders), then the connectors. */
    static void create(ConnectCluster cluster, Path examples, Console console) throws IOException {
        cluster.createTopic(ORDERS_TOPIC, 2);
        cluster.createTopic(DEAD_LETTER_TOPIC, 1);
        for (Example example : EXAMPLES) {
            JsonNode body = MAPPER.readTree(examples.resolve("connectors").resolve(example.file()).toFile());
            if (!example.name().equals(body.path("name").asText())) {
                throw new IllegalStateException(example.file() + " names its connector " + body.path("name")
                        + "; the quickstart expects " + example.name());
            }
            ObjectNode config = (ObjectNode) body.get("config");
            example.overrides().forEach(config::put);
            cluster.rest().post("/connectors", body).expect(201);
            console.step("connector", "POST /connectors " + example.file() + " -> " + example.name()
                    + " (" + simpleName(config.path("connector.class").asText()) + transforms(config) + ")");
            if (!example.overrides().isEmpty()) {
                console.step("", "  demo override " + new LinkedHashMap<>(example.overrides()) + ", " + example.why());
            }
        }
        for (Example example : EXAMPLES) {
            cluster.rest().awaitState(example.name(), "RUNNING", example.tasks(), Duration.ofSeconds(90));
            console.step("running", example.name() + ": connector and " + example.tasks() + " task(s) RUNNING");
        }
    }

    private static String transforms(JsonNode config) {
        String aliases = config.path("transforms").asText("");
        if (aliases.isBlank()) {
            return "";
        }
        StringBuilder s = new StringBuilder(" with ");
        String[] names = aliases.split(",");
        for (int i = 0; i < names.length; i++) {
            String type = config.path("transforms." + names[i].strip() + ".type").asText();
            s.append(i == 0 ? "" : ", ").append(simpleName(type));
        }
        return s.toString();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
