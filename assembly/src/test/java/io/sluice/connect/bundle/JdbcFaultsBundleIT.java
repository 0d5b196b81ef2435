package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.TcpProxy;
import io.sluice.connect.testkit.Wait;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC source under lasting faults on a real worker, through the zip: a 90-second database outage with every
 * connection setting at its default is ridden out; a disabled database user fails the task at once; deleting a
 * connector during a long query frees the database within seconds, on PostgreSQL and MariaDB.
 */
class JdbcFaultsBundleIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DROP_ROLE = "DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_fault_role') THEN "
                + "EXECUTE 'DROP OWNED BY sluice_fault_role CASCADE'; EXECUTE 'DROP ROLE sluice_fault_role'; END IF; END $$";
    private static final String MARIADB = System.getProperty("sluice.mariadb.url",
            "jdbc:mariadb://127.0.0.1:3306/test?sslMode=disable");

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b
            .kafkaVersion(System.getProperty("sluice.kafka.version")).workers(1).pluginPath(Bundle.pluginPath())
            .workerProperty("plugin.discovery", "service_load"));

    private static void exec(String... sql) throws Exception {
        try (Connection db = BundleOnWorkersIT.postgres(); Statement st = db.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode taskState(ConnectCluster cluster, String name) {
        return cluster.rest().status(name).at("/tasks/0");
    }

    @Test
    void aNinetySecondOutageWithTheDefaultsIsRiddenOutAndEveryRowArrivesOnce() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        exec("DROP TABLE IF EXISTS sluice_fault_outage", "CREATE TABLE sluice_fault_outage (id bigserial PRIMARY KEY, v text)",
                "INSERT INTO sluice_fault_outage (v) VALUES ('before')");
        try (TcpProxy proxy = new TcpProxy(5432)) {
            Map<String, String> config = BundleOnWorkersIT.jdbcSource(
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?user=postgres", "incrementing");
            config.put("incrementing.column.name", "id");
            config.put("table.whitelist", "sluice_fault_outage");
            config.put("topic.prefix", "fault-");
            try (var connector = cluster.rest().run("fault-outage", config, 1, TIMEOUT)) {
                assertThat(cluster.consume("fault-sluice_fault_outage", 1, TIMEOUT)).hasSize(1);
                proxy.down();
                exec("INSERT INTO sluice_fault_outage (v) VALUES ('during')");
                long down = System.nanoTime();
                java.util.Set<String> states = new java.util.TreeSet<>();
                Wait.until("90 s of outage", Duration.ofSeconds(100), () -> {
                    states.add(taskState(cluster, "fault-outage").path("state").asText());
                    return System.nanoTime() - down >= Duration.ofSeconds(90).toNanos();
                });
                assertThat(states).as("the task's states during the outage").containsOnly("RUNNING");
                proxy.up();
                long up = System.nanoTime();
                List<String> values = new ArrayList<>();
                Wait.until("the row written during the outage", Duration.ofSeconds(120), () -> {
                    values.clear();
                    for (var r : cluster.consume("fault-sluice_fault_outage", 1, TIMEOUT)) {
                        values.add(MAPPER.readTree(r.value()).at("/payload/v").asText());
                    }
                    return values.size() >= 2;
                });
                System.out.printf("90 s outage on a real worker with the defaults: reading again %d s after the "
                        + "database answered%n", Duration.ofNanos(System.nanoTime() - up).toSeconds());
                assertThat(values).containsExactly("before", "during");
            }
        }
    }

    @Test
    void aDisabledDatabaseUserFailsTheTaskAtOnceWithTheCause() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        exec("DROP TABLE IF EXISTS sluice_fault_user", "CREATE TABLE sluice_fault_user (id bigserial PRIMARY KEY, v text)",
                "INSERT INTO sluice_fault_user (v) VALUES ('a')", DROP_ROLE);
        exec("CREATE ROLE sluice_fault_role LOGIN PASSWORD 'pw'", "GRANT SELECT ON sluice_fault_user TO sluice_fault_role");
        Map<String, String> config = BundleOnWorkersIT.jdbcSource("jdbc:postgresql://127.0.0.1:5432/test", "incrementing");
        config.put("connection.user", "sluice_fault_role");
        config.put("connection.password", "pw");
        config.put("incrementing.column.name", "id");
        config.put("table.whitelist", "sluice_fault_user");
        config.put("topic.prefix", "fault-");
        try (var connector = cluster.rest().run("fault-user", config, 1, TIMEOUT)) {
            cluster.consume("fault-sluice_fault_user", 1, TIMEOUT);
            exec("ALTER ROLE sluice_fault_role NOLOGIN",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'sluice_fault_role'");
            long disabled = System.nanoTime();
            Wait.until("the task FAILED", TIMEOUT, () -> "FAILED".equals(taskState(cluster, "fault-user")
                    .path("state").asText()));
            System.out.printf("user disabled on a real worker: task FAILED %d ms later%n",
                    Duration.ofNanos(System.nanoTime() - disabled).toMillis());
            assertThat(taskState(cluster, "fault-user").path("trace").asText())
                    .contains("a retry cannot help").contains("not permitted to log in");
        } finally {
            exec(DROP_ROLE);
        }
    }

    @Test
    void deletingAConnectorDuringALongQueryFreesTheDatabaseWithinSeconds() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        exec("DROP TABLE IF EXISTS sluice_fault_slow", "CREATE TABLE sluice_fault_slow (id bigint PRIMARY KEY, v text)",
                "INSERT INTO sluice_fault_slow VALUES (1, 'a')");
        Map<String, Map.Entry<String, String>> cases = Map.of(
                "postgresql", Map.entry(BundleOnWorkersIT.postgresUrl(),
                        "SELECT s.id, s.v FROM sluice_fault_slow s, pg_sleep(60)"),
                "mariadb", Map.entry(MARIADB, "SELECT id, v FROM sluice_fault_slow WHERE SLEEP(60) = 0"));
        try (Connection maria = DriverManager.getConnection(MARIADB, "root", "");
             Statement st = maria.createStatement()) {
            st.execute("DROP TABLE IF EXISTS sluice_fault_slow");
            st.execute("CREATE TABLE sluice_fault_slow (id BIGINT PRIMARY KEY, v VARCHAR(10))");
            st.execute("INSERT INTO sluice_fault_slow VALUES (1, 'a')");
        }
        for (var c : cases.entrySet()) {
            String name = "fault-slow-" + c.getKey();
            Map<String, String> config = BundleOnWorkersIT.jdbcSource(c.getValue().getKey(), "bulk");
            config.put("query", c.getValue().getValue());
            config.put("topic.prefix", name);
            if (c.getKey().equals("mariadb")) {
                config.put("connection.user", "root");
            }
            boolean pg = c.getKey().equals("postgresql");
            String running = pg ? "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' "
                    + "AND pid <> pg_backend_pid()" : "SELECT count(*) FROM information_schema.PROCESSLIST "
                    + "WHERE INFO LIKE '%SLEEP(60)%' AND ID <> CONNECTION_ID()";
            try (Connection db = pg ? BundleOnWorkersIT.postgres() : DriverManager.getConnection(MARIADB, "root", "")) {
                cluster.rest().createConnector(name, config);
                Wait.until(c.getKey() + " query running", TIMEOUT, () -> count(db, running) > 0);
                long deleted = System.nanoTime();
                cluster.rest().deleteConnector(name);
                Wait.until(c.getKey() + " query gone", Duration.ofSeconds(20), () -> count(db, running) == 0);
                Duration gone = Duration.ofNanos(System.nanoTime() - deleted);
                System.out.printf("%s: connector deleted during a 60 s query, query gone %d ms later%n", c.getKey(),
                        gone.toMillis());
                assertThat(gone).isLessThan(Duration.ofSeconds(20));
            }
        }
    }
}
