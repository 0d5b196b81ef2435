package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.testkit.TcpProxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import io.sluice.connect.testkit.Wait;
import org.junit.jupiter.api.Test;

/** Validation against the database, table discovery and assignment by size, on the real PostgreSQL. */
class JdbcSourceConnectorIT {

    private static final TestDatabase DB = TestDatabase.POSTGRES;

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> out = new HashMap<>();
        for (ConfigValue v : new JdbcSourceConnector().validate(props).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                out.put(v.name(), v.errorMessages());
            }
        }
        return out;
    }

    /** Confluent's connection.* keys reach the driver: a PostgreSQL session option set that way is in force. */
    @Test
    void connectionPrefixedDriverParametersReachTheDriver() throws Exception {
        Map<String, String> p = DB.props("bulk");
        p.put("connection.options", "-c statement_timeout=4321");
        JdbcSourceConfig config = new JdbcSourceConfig(p);
        try (java.sql.Connection c = Database.open(config, io.sluice.connect.jdbc.dialect.Dialect.of("", config.url(), true));
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("4321ms");
        }
    }

    @Test
    void validateNamesTheKeyAndTheFix() throws Exception {
        String t = TestDatabase.table("val");
        DB.exec("CREATE TABLE " + t + " (id BIGINT NOT NULL, name TEXT NOT NULL, maybe_ts TIMESTAMP, "
                + "ts TIMESTAMP NOT NULL)");
        Map<String, String> ok = DB.props("timestamp+incrementing");
        ok.put(JdbcSourceConfig.TABLE_WHITELIST, t);
        ok.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        ok.put(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, "ts");
        assertThat(errors(ok)).isEmpty();

        Map<String, String> unknownTable = new HashMap<>(ok);
        unknownTable.put(JdbcSourceConfig.TABLE_WHITELIST, t + "_nope");
        assertThat(errors(unknownTable).get(JdbcSourceConfig.TABLE_WHITELIST))
                .anySatisfy(m -> assertThat(m).contains("No table named '" + t + "_nope'"));

        Map<String, String> missingColumn = new HashMap<>(ok);
        missingColumn.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "nope");
        assertThat(errors(missingColumn).get(JdbcSourceConfig.INCREMENTING_COLUMN_NAME))
                .anySatisfy(m -> assertThat(m).contains("has no column 'nope'"));

        Map<String, String> wrongType = new HashMap<>(ok);
        wrongType.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "name");
        wrongType.put(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, "id");
        Map<String, List<String>> e = errors(wrongType);
        assertThat(e.get(JdbcSourceConfig.INCREMENTING_COLUMN_NAME)).anySatisfy(m -> assertThat(m)
                .contains("is text").contains("must be an integer type"));
        assertThat(e.get(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME)).anySatisfy(m -> assertThat(m)
                .contains("must be a DATE, TIMESTAMP or DATETIME"));

        Map<String, String> nullable = new HashMap<>(ok);
        nullable.put(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, "maybe_ts");
        assertThat(errors(nullable).get(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME))
                .anySatisfy(m -> assertThat(m).contains("nullable").contains("validate.non.null=false"));

        Map<String, String> noColumn = new HashMap<>(ok);
        noColumn.remove(JdbcSourceConfig.INCREMENTING_COLUMN_NAME);
        assertThat(errors(noColumn).get(JdbcSourceConfig.INCREMENTING_COLUMN_NAME))
                .anySatisfy(m -> assertThat(m).contains("set incrementing.column.name"));

        Map<String, String> chunkedByTime = new HashMap<>(ok);
        chunkedByTime.put(JdbcSourceConfig.MODE, "timestamp");
        chunkedByTime.put(JdbcSourceConfig.TABLE_CHUNKS, "2");
        assertThat(errors(chunkedByTime).get(JdbcSourceConfig.TABLE_CHUNKS))
                .anySatisfy(x -> assertThat(x).contains("set incrementing.column.name and use a mode other than"));

        Map<String, String> unreachable = new HashMap<>(ok);
        unreachable.put(JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://127.0.0.1:5432/test");
        unreachable.put(JdbcSourceConfig.CONNECTION_USER, "no_such_user_x");
        unreachable.put(JdbcSourceConfig.CONNECTION_PASSWORD, "s3cret-Pa55");
        List<String> m = errors(unreachable).get(JdbcSourceConfig.CONNECTION_URL);
        assertThat(m).anySatisfy(x -> assertThat(x).startsWith("Cannot connect to the database: ")
                .contains("no_such_user_x"));
        assertThat(String.join(" ", m)).doesNotContain("s3cret-Pa55");

        Map<String, String> badMode = new HashMap<>(ok);
        badMode.put(JdbcSourceConfig.MODE, "sometimes");
        assertThat(errors(badMode).get(JdbcSourceConfig.MODE)).anySatisfy(x -> assertThat(x)
                .contains("bulk, incrementing, timestamp, timestamp+incrementing"));
    }

    /** A connector context that counts reconfiguration requests and keeps the error raised, if any. */
    private static final class Context implements ConnectorContext {
        final AtomicInteger reconfigurations = new AtomicInteger();
        volatile Exception raised;

        @Override
        public void requestTaskReconfiguration() {
            reconfigurations.incrementAndGet();
        }

        @Override
        public void raiseError(Exception e) {
            raised = e;
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> done) {
        Wait.until(what, java.time.Duration.ofSeconds(20), done);
    }

    @Test
    void aDatabaseDownAtStartIsWaitedForThenGivenUpOnWithTheReason() throws Exception {
        String t = TestDatabase.table("late_db");
        DB.exec("CREATE TABLE " + t + " (id INT)");
        try (TcpProxy proxy = new TcpProxy(5432)) {
            proxy.down();
            Map<String, String> p = DB.props("bulk");
            p.put(JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test");
            p.put(JdbcSourceConfig.TABLE_WHITELIST, t);
            p.put(JdbcSourceConfig.CONNECTION_BACKOFF_MS, "200");
            p.put(JdbcSourceConfig.CONNECTION_ATTEMPTS, "20");
            JdbcSourceConnector connector = new JdbcSourceConnector();
            Context context = new Context();
            connector.initialize(context);
            connector.start(p); // does not throw: the database may come back
            try {
                assertThat(connector.taskConfigs(2)).isEmpty();
                proxy.up();
                await("the table list", () -> context.reconfigurations.get() > 0);
                assertThat(connector.taskConfigs(2)).hasSize(1);
                assertThat(context.raised).isNull();
            } finally {
                connector.stop();
            }

            proxy.down();
            p.put(JdbcSourceConfig.CONNECTION_ATTEMPTS, "2");
            p.put(JdbcSourceConfig.CONNECTION_RETRY_TIMEOUT_MS, "0");
            JdbcSourceConnector doomed = new JdbcSourceConnector();
            Context failed = new Context();
            doomed.initialize(failed);
            doomed.start(p);
            try {
                await("the connector to give up", () -> failed.raised != null);
                assertThat(failed.raised).hasMessageContaining("after 2 attempts");
            } finally {
                doomed.stop();
            }
        }
    }

    @Test
    void tablesAreSpreadBySizeAndWatched() throws Exception {
        String prefix = TestDatabase.table("spread");
        DB.exec("CREATE TABLE " + prefix + "_big (id INT)", "CREATE TABLE " + prefix + "_mid (id INT)",
                "CREATE TABLE " + prefix + "_small1 (id INT)", "CREATE TABLE " + prefix + "_small2 (id INT)",
                "INSERT INTO " + prefix + "_big SELECT g FROM generate_series(1, 200000) g",
                "INSERT INTO " + prefix + "_mid SELECT g FROM generate_series(1, 100000) g",
                "INSERT INTO " + prefix + "_small1 SELECT g FROM generate_series(1, 40000) g",
                "INSERT INTO " + prefix + "_small2 SELECT g FROM generate_series(1, 40000) g");
        Map<String, String> p = DB.props("bulk");
        p.put(JdbcSourceConfig.TABLE_INCLUDE_LIST, "public\\." + prefix + "_.*");
        p.put(JdbcSourceConfig.TABLE_POLL_INTERVAL_MS, "1000");
        JdbcSourceConnector connector = new JdbcSourceConnector();
        Context context = new Context();
        connector.initialize(context);
        connector.start(p);
        try {
            List<List<String>> groups = new ArrayList<>();
            for (Map<String, String> task : connector.taskConfigs(2)) {
                groups.add(JdbcSourceTask.Assignment.decode(task.get(JdbcSourceTask.Assignment.KEY)).stream()
                        .map(a -> a.table().table()).toList());
            }
            // 200k rows alone; 100k + 40k + 40k together. Round-robin would pair big with small1.
            assertThat(groups).containsExactlyInAnyOrder(List.of(prefix + "_big"),
                    List.of(prefix + "_mid", prefix + "_small1", prefix + "_small2"));

            DB.exec("CREATE TABLE " + prefix + "_new (id INT)");
            await("a new table to trigger reconfiguration", () -> context.reconfigurations.get() > 0);
            assertThat(connector.taskConfigs(2).stream().map(c -> c.get(JdbcSourceTask.Assignment.KEY))
                    .reduce("", String::concat)).contains(prefix + "_new");
        } finally {
            connector.stop();
        }
        assertThat(connector.exactlyOnceSupport(Map.of(JdbcSourceConfig.MODE, "incrementing")))
                .isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.exactlyOnceSupport(Map.of(JdbcSourceConfig.MODE, "timestamp+incrementing")))
                .isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.exactlyOnceSupport(Map.of(JdbcSourceConfig.MODE, "timestamp")))
                .isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
        assertThat(connector.exactlyOnceSupport(Map.of(JdbcSourceConfig.MODE, "bulk")))
                .isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
    }
}
