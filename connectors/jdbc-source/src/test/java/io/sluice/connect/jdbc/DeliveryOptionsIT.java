package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.source.TableId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** timestamp.delay.interval.ms, timestamp.initial, query.suffix, unquoted identifiers, and a table dropped mid-run. */
class DeliveryOptionsIT {

    private static final TestDatabase DB = TestDatabase.POSTGRES;


    @Test
    void rowsWaitForTheDelayInterval() throws Exception {
        String t = TestDatabase.table("delay");
        TableId id = DB.createRowsTable(t);
        Map<String, String> p = DB.props("timestamp");
        p.put(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, "ts");
        p.put(JdbcSourceConfig.TIMESTAMP_DELAY_INTERVAL_MS, "2000");
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.poll();
            long inserted = System.nanoTime();
            DB.exec("INSERT INTO " + t + " (v) VALUES ('x')");
            h.pollUntilCount(1);
            assertThat(Duration.ofNanos(System.nanoTime() - inserted)).isGreaterThan(Duration.ofMillis(1900));
        }
    }

    @Test
    void timestampInitialSkipsOlderRows() throws Exception {
        String t = TestDatabase.table("initial");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (ts, v) VALUES ('2020-01-01', 'old'), ('2025-06-01', 'new')");
        Map<String, String> p = DB.props("timestamp+incrementing");
        p.put(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, "ts");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TIMESTAMP_INITIAL, Long.toString(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli()));
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.pollUntilCount(1);
            assertThat(h.values("v")).containsExactly("new");
        }
        p.put(JdbcSourceConfig.TIMESTAMP_INITIAL, "-1"); // the database's current time: only rows from now on
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.poll();
            DB.exec("INSERT INTO " + t + " (v) VALUES ('now')");
            h.pollUntilCount(1);
            assertThat(h.values("v")).containsExactly("now");
        }
    }

    @Test
    void incrementingInitialSkipsLowerIdsUntilThereIsAnOffset() throws Exception {
        String t = TestDatabase.table("initial_id");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (v) SELECT 'r' || g FROM generate_series(1, 10) g");
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.INCREMENTING_INITIAL, "7");
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.pollUntilCount(3);
            assertThat(h.ids()).containsExactly(8L, 9L, 10L);
            // a stored offset wins over the initial id
            h.committed.replaceAll((partition, offset) -> Map.of("incrementing", 2L));
            h.restart();
            h.pollUntilCount(3 + 8);
            assertThat(h.ids().subList(3, 11)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
        p.put(JdbcSourceConfig.MODE, "bulk");
        assertThat(new JdbcSourceConfig(p, false).crossKeyProblems()).extracting(JdbcSourceConfig.Problem::key)
                .containsExactly(JdbcSourceConfig.INCREMENTING_INITIAL);
    }

    @Test
    void querySuffixAndUnquotedIdentifiersGoIntoTheSql() throws Exception {
        String t = TestDatabase.table("suffix");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (v) VALUES ('a'), ('b')");
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "ID"); // unquoted: PostgreSQL folds it to id
        p.put(JdbcSourceConfig.QUOTE_SQL_IDENTIFIERS, "never");
        p.put(JdbcSourceConfig.QUERY_SUFFIX, "LIMIT ALL");
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.pollUntilCount(2);
            assertThat(h.values("v")).containsExactly("a", "b");
        }
    }

    @Test
    void aDroppedTableDoesNotFailTheTask() throws Exception {
        String kept = TestDatabase.table("kept");
        String dropped = TestDatabase.table("dropped");
        TableId keptId = DB.createRowsTable(kept);
        TableId droppedId = DB.createRowsTable(dropped);
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        try (TaskHarness h = new TaskHarness(p, keptId, droppedId).start()) {
            DB.exec("INSERT INTO " + dropped + " (v) VALUES ('d')", "INSERT INTO " + kept + " (v) VALUES ('k1')");
            h.pollUntilCount(2);
            DB.exec("DROP TABLE " + dropped, "INSERT INTO " + kept + " (v) VALUES ('k2')");
            h.pollUntilCount(3);
            assertThat(h.values("v")).containsExactlyInAnyOrder("d", "k1", "k2");
        }
    }
}
