package io.sluice.connect.quickstart;

import io.sluice.connect.testkit.SqlScript;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Supplier;

/**
 * A small shop that keeps trading, from the SQL files in {@code config-examples/shop/} (which the Docker Compose
 * stack runs too): the schema, the seed (with a few orders that break the dead-letter rules on purpose) and one
 * tick of trading, run ten times a second as one transaction each.
 */
final class Shop implements AutoCloseable {

    /** As {@code postgres-seed.sql} seeds them. */
    static final int VALID_SEEDED = 200;
    static final int INVALID_SEEDED = 6;
    private static final long TICK_MS = 100;

    private final Supplier<Connection> connections;
    private final Path dir;
    private volatile boolean running;
    private volatile SQLException failure;
    private Thread writer;

    /** @param dir the directory holding {@code postgres.sql}, {@code postgres-seed.sql} and {@code postgres-trade.sql} */
    Shop(Supplier<Connection> connections, Path dir) {
        this.connections = connections;
        this.dir = dir;
    }

    /** Creates the schema (replacing an earlier quickstart's) and seeds it. */
    void create() throws SQLException {
        try (Connection db = connections.get()) {
            try (Statement st = db.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS shop CASCADE");
            }
            SqlScript.run(db, dir.resolve("postgres.sql"));
            SqlScript.run(db, dir.resolve("postgres-seed.sql"));
        }
    }

    void startWriting() {
        List<String> tick = SqlScript.statements(dir.resolve("postgres-trade.sql"));
        running = true;
        writer = new Thread(() -> write(tick), "shop-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void write(List<String> tick) {
        try (Connection db = connections.get(); Statement st = db.createStatement()) {
            db.setAutoCommit(false);
            while (running) {
                for (String sql : tick) {
                    st.execute(sql);
                }
                db.commit();
                Thread.sleep(TICK_MS); // a pacing interval, not a wait for a condition
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rows in a shop table, for the report. */
    long count(String table) throws SQLException {
        try (Connection db = connections.get(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM shop." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Throws what stopped the writer, if anything did. */
    void checkWriter() throws SQLException {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(10_000);
        }
    }
}
