package io.sluice.connect.jdbc;

import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.testkit.Prerequisite;
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
 * server does not answer (fails where the run requires servers: {@link Prerequisite}).
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
            Prerequisite.missing("No " + name() + " at " + url + " (" + e.getMessage() + "): this test needs it");
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

    /**
     * Creates {@code name} with the columns most tests read: an auto-incremented {@code id}, a {@code ts} the
     * database stamps on insert (PostgreSQL: the transaction's start; MariaDB: the statement's time) and a text
     * {@code v}.
     */
    TableId createRowsTable(String name) throws SQLException {
        exec(this == POSTGRES
                ? "CREATE TABLE " + name + " (id BIGSERIAL PRIMARY KEY, ts TIMESTAMP(6) NOT NULL DEFAULT now(), "
                        + "v VARCHAR(50))"
                : "CREATE TABLE " + name + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "ts DATETIME(6) NOT NULL DEFAULT NOW(6), v VARCHAR(50))");
        return tableId(name);
    }

    /** The table as discovery names it: pgjdbc reports the database as catalog, MariaDB the database only. */
    TableId tableId(String name) {
        return this == POSTGRES ? new TableId("test", "public", name) : new TableId("test", null, name);
    }

    /** The table's name in offset partitions, as Confluent's connector writes it: schema.table, database.table. */
    String offsetTable(TableId id) {
        return this == POSTGRES ? id.schema() + "." + id.table() : id.catalog() + "." + id.table();
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
