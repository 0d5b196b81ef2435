package io.sluice.connect.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's real PostgreSQL (127.0.0.1:5432, database test, user postgres) or MariaDB (127.0.0.1:3306,
 * database test, root). Overridable with SLUICE_PG_URL / SLUICE_MARIADB_URL; a test skips, saying why, when the
 * server does not answer.
 */
enum TestDatabase {
    POSTGRES("SLUICE_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres"),
    MARIADB("SLUICE_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?sslMode=disable", "root");

    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String url;
    final String user;

    TestDatabase(String env, String url, String user) {
        this.url = System.getenv().getOrDefault(env, url);
        this.user = user;
    }

    Connection connect() throws SQLException {
        try {
            return DriverManager.getConnection(url, user, "");
        } catch (SQLException e) {
            assumeTrue(false, "No " + name() + " at " + url + " (" + e.getMessage() + "): this test needs it");
            throw e;
        }
    }

    void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** A fresh table name, so tests never see each other's rows. */
    static String table(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    /** Connector properties for this database. */
    Map<String, String> props(String mode) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "test-" + name().toLowerCase());
        p.put(JdbcSourceConfig.CONNECTION_URL, url);
        p.put(JdbcSourceConfig.CONNECTION_USER, user);
        p.put(JdbcSourceConfig.MODE, mode);
        p.put(JdbcSourceConfig.POLL_INTERVAL_MS, "100");
        p.put(JdbcSourceConfig.TOPIC_PREFIX, "db-");
        return p;
    }
}
