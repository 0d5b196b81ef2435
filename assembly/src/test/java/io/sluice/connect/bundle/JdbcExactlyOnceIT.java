package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.ConnectWorker;
import io.sluice.connect.testkit.Wait;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KIP-618 exactly-once: workers with {@code exactly.once.source.support=enabled}, the JDBC source reading a table
 * while rows are inserted, and the worker running its task killed with SIGKILL halfway. A read_committed consumer
 * sees every row exactly once.
 */
class JdbcExactlyOnceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ROWS = 20_000;

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b
            .kafkaVersion(System.getProperty("sluice.kafka.version")).workers(2).pluginPath(Bundle.pluginPath())
            .workerProperty("plugin.discovery", "service_load")
            .workerProperty("exactly.once.source.support", "enabled"));

    @Test
    void everyRowOnceAcrossAWorkerKill() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        String table = "sluice_eos_" + ProcessHandle.current().pid();
        try (Connection db = BundleOnWorkersIT.postgres(); Statement st = db.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, v text NOT NULL)");
        }
        Map<String, String> config = BundleOnWorkersIT.jdbcSource(BundleOnWorkersIT.postgresUrl(), "incrementing");
        config.put("incrementing.column.name", "id");
        config.put("table.whitelist", table);
        config.put("topic.prefix", "eos-");
        config.put("batch.max.rows", "200");
        config.put("poll.interval.ms", "50");
        config.put("exactly.once.support", "required"); // creation fails unless the connector declares support
        String topic = "eos-" + table;
        // Not closed through the worker it was created on: that worker may be the one killed below.
        cluster.rest().run("jdbc-eos", config, 1, TIMEOUT);
        try (Connection db = BundleOnWorkersIT.postgres(); Statement st = db.createStatement()) {
            insert(st, table, 0, ROWS / 2);
            Wait.until("some rows committed to " + topic, TIMEOUT,
                    () -> cluster.consume(topic, 1, TIMEOUT, Map.of("isolation.level", "read_committed")).size() > 0);
            String workerId = cluster.rest().status("jdbc-eos").at("/tasks/0/worker_id").asText();
            ConnectWorker victim = cluster.workers().stream().filter(w -> w.workerId().equals(workerId)).findFirst()
                    .orElseThrow();
            victim.kill();
            insert(st, table, ROWS / 2, ROWS);
            Wait.until("the task running on the surviving worker", TIMEOUT, () -> {
                JsonNode s = cluster.rest().status("jdbc-eos");
                return "RUNNING".equals(s.at("/tasks/0/state").asText())
                        && !workerId.equals(s.at("/tasks/0/worker_id").asText());
            });
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records =
                    cluster.consume(topic, ROWS, TIMEOUT, Map.of("isolation.level", "read_committed"));
            Set<Long> ids = new HashSet<>();
            for (var r : records) {
                ids.add(MAPPER.readTree(r.value()).at("/payload/id").asLong());
            }
            assertThat(ids).as("every row").hasSize(ROWS);
            assertThat(records).as("none twice").hasSize(ROWS);
        } finally {
            cluster.rest().deleteConnector("jdbc-eos"); // through a live worker
        }
    }

    private static void insert(Statement st, String table, int from, int to) throws Exception {
        for (int start = from; start < to; start += 500) {
            st.execute("INSERT INTO " + table + " (v) SELECT 'row ' || g FROM generate_series(" + (start + 1) + ", "
                    + Math.min(to, start + 500) + ") g");
        }
    }
}
