package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.source.TableId;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cases where polling connectors lose rows, reproduced with real concurrent transactions on the machine's
 * PostgreSQL and MariaDB: ids committed out of order, rows committed late with earlier timestamps, equal timestamps
 * across batches and restarts, a connection killed in the middle of a read, and restarts from committed offsets.
 */
class NoLostRowsIT {

    private static Map<String, String> props(TestDatabase db, String mode) {
        Map<String, String> p = db.props(mode);
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, "ts");
        p.put(JdbcSourceConfig.CONNECTION_BACKOFF_MS, "100");
        p.put(JdbcSourceConfig.CONNECTION_ATTEMPTS, "5");
        return p;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void incrementingResumesFromCommittedOffsetAcrossRestart(TestDatabase db) throws Exception {
        String table = TestDatabase.table("inc_resume");
        TableId id = db.createRowsTable(table);
        db.exec("INSERT INTO " + table + " (v) VALUES ('a'), ('b'), ('c')");
        try (TaskHarness h = new TaskHarness(props(db, "incrementing"), id).start()) {
            h.pollUntilCount(3);
            db.exec("INSERT INTO " + table + " (v) VALUES ('d'), ('e')");
            h.restart();
            h.pollUntilCount(5);
            assertThat(h.values("v")).containsExactly("a", "b", "c", "d", "e");
            assertThat(h.delivered.get(4).sourcePartition())
                    .isEqualTo(Map.of("protocol", "1", "table", db.offsetTable(id)));
            assertThat(h.delivered.get(4).topic()).isEqualTo("db-" + table);
            assertThat(h.metric("rows-read-total", Map.of("table", id.qualified()))).isEqualTo(2);
            assertThat(h.metric("pool-connections-active", Map.of())).isZero(); // nothing held between runs
            assertThat(h.metric("poll-time-max-ms", Map.of())).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void idsCommittedOutOfOrderAreNotSkipped(TestDatabase db) throws Exception {
        String table = TestDatabase.table("inc_order");
        TableId id = db.createRowsTable(table);
        db.exec("INSERT INTO " + table + " (v) VALUES ('first')");
        try (TaskHarness h = new TaskHarness(props(db, "incrementing"), id).start();
             Connection slow = db.connect()) {
            h.pollUntilCount(1);
            slow.setAutoCommit(false);
            try (Statement s = slow.createStatement()) {
                s.execute("INSERT INTO " + table + " (v) VALUES ('slow')"); // takes id 2, commits last
            }
            db.exec("INSERT INTO " + table + " (v) VALUES ('fast')"); // id 3, committed first
            h.pollUntil(d -> d.size() >= 2, Duration.ofSeconds(30));
            assertThat(h.values("v")).containsExactly("first", "fast");
            assertThat(h.metric("id-gaps", Map.of("table", id.qualified()))).isEqualTo(1);
            slow.commit();
            h.pollUntilCount(3);
            assertThat(h.values("v")).containsExactly("first", "fast", "slow");
            // the gap was re-read from the offset: a restart now delivers nothing twice
            h.restart();
            db.exec("INSERT INTO " + table + " (v) VALUES ('after')");
            h.pollUntilCount(4);
            assertThat(h.ids()).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void rowsCommittedLateWithEarlierTimestampsAreNotSkipped(TestDatabase db) throws Exception {
        String table = TestDatabase.table("ts_late");
        TableId id = db.createRowsTable(table);
        db.exec("INSERT INTO " + table + " (v) VALUES ('first')");
        try (TaskHarness h = new TaskHarness(props(db, "timestamp+incrementing"), id).start();
             Connection slow = db.connect()) {
            h.pollUntilCount(1);
            slow.setAutoCommit(false);
            try (Statement s = slow.createStatement()) {
                s.execute("INSERT INTO " + table + " (v) VALUES ('slow')"); // stamped now, committed later
            }
            db.exec("INSERT INTO " + table + " (v) VALUES ('fast')");
            // While the slow transaction is open nothing newer than its start is read: 'fast' waits.
            for (int i = 0; i < 5; i++) {
                h.poll();
            }
            assertThat(h.values("v")).containsExactly("first");
            slow.commit();
            h.pollUntilCount(3);
            assertThat(h.values("v")).containsExactly("first", "slow", "fast");
            assertThat(h.metric("lag-ms", Map.of("table", id.qualified()))).isBetween(0.0, 60_000.0);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void equalTimestampsAcrossBatchesAndRestartsAreNotSkipped(TestDatabase db) throws Exception {
        String table = TestDatabase.table("ts_equal");
        TableId id = db.createRowsTable(table);
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            values.append(i > 1 ? "," : "").append("('2026-01-01 00:00:00', 'r").append(i).append("')");
        }
        db.exec("INSERT INTO " + table + " (ts, v) VALUES " + values);
        db.exec("INSERT INTO " + table + " (ts, v) VALUES ('2026-01-01 00:00:01', 'later')");

        for (String mode : List.of("timestamp", "timestamp+incrementing")) {
            Map<String, String> p = props(db, mode);
            p.put(JdbcSourceConfig.BATCH_MAX_ROWS, "3");
            try (TaskHarness h = new TaskHarness(p, id).start()) {
                h.pollUntilCount(3);
                h.restart(); // mid-group: the committed offset must not pass the rest of the group
                h.pollUntil(d -> new HashSet<>(h.ids()).size() == 11, Duration.ofSeconds(30));
                assertThat(new HashSet<>(h.ids())).containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, 11).boxed().collect(Collectors.toSet()));
                if (mode.equals("timestamp+incrementing")) {
                    assertThat(h.ids()).as("exact positions: nothing twice").doesNotHaveDuplicates();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void connectionKilledMidReadResumesAfterTheLastDeliveredRow(TestDatabase db) throws Exception {
        String table = TestDatabase.table("kill");
        TableId id = db.createRowsTable(table);
        db.exec("INSERT INTO " + table + " (v) SELECT 'x' FROM " + (db == TestDatabase.POSTGRES
                ? "generate_series(1, 200)" : "seq_1_to_200"));
        Map<String, String> p = props(db, "incrementing");
        p.put(JdbcSourceConfig.BATCH_MAX_ROWS, "10");
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.pollUntilCount(10);
            if (db == TestDatabase.POSTGRES) {
                db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                        + "'sluice-jdbc-source' AND datname = current_database()");
            } else {
                killMariaDbReaders();
            }
            h.pollUntil(d -> d.size() >= 200, Duration.ofSeconds(60));
            assertThat(h.ids()).doesNotHaveDuplicates()
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        }
    }

    private static void killMariaDbReaders() throws Exception {
        try (Connection c = TestDatabase.MARIADB.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() "
                     + "AND USER = 'root' AND DB = 'test'")) {
            List<Long> threads = new java.util.ArrayList<>();
            while (rs.next()) {
                threads.add(rs.getLong(1));
            }
            for (long t : threads) {
                try (Statement k = c.createStatement()) {
                    k.execute("KILL CONNECTION " + t);
                }
            }
            assertThat(threads).isNotEmpty();
        }
    }
}
