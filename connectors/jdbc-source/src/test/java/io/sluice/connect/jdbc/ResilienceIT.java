package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database going away and coming back (a TCP proxy in front of the real PostgreSQL cuts every connection and
 * refuses new ones), the retry budget running out, stop() during a retry, and online DDL.
 */
class ResilienceIT {

    private static final TestDatabase DB = TestDatabase.POSTGRES;


    private static Map<String, String> viaProxy(TcpProxy proxy, int attempts, long backoffMs) {
        return viaProxy(DB, proxy, attempts, backoffMs);
    }

    private static Map<String, String> viaProxy(TestDatabase db, TcpProxy proxy, int attempts, long backoffMs) {
        Map<String, String> p = db.props("incrementing");
        p.put(JdbcSourceConfig.CONNECTION_URL, db == TestDatabase.POSTGRES
                ? "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test"
                : "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/test?sslMode=disable");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.CONNECTION_ATTEMPTS, Integer.toString(attempts));
        p.put(JdbcSourceConfig.CONNECTION_BACKOFF_MS, Long.toString(backoffMs));
        p.put(JdbcSourceConfig.CONNECTION_TIMEOUT_MS, "1000");
        p.put(JdbcSourceConfig.CONNECTION_RETRY_TIMEOUT_MS, "0"); // these tests count attempts only
        return p;
    }

    /**
     * Both halves of the budget must be used up: two failed attempts do not fail the task before
     * connection.retry.timeout.ms has passed, and the message then names both keys. The health metrics say the
     * task is retrying, since when, and when it last read.
     */
    @Test
    void anUnreachableDatabaseIsRetriedForTheRetryTimeoutThenTheTaskFailsNamingBothKeys() throws Exception {
        String t = TestDatabase.table("budget_time");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (v) VALUES ('a')");
        try (TcpProxy proxy = new TcpProxy(5432)) {
            Map<String, String> p = viaProxy(proxy, 2, 50);
            p.put(JdbcSourceConfig.CONNECTION_RETRY_TIMEOUT_MS, "3000");
            try (TaskHarness h = new TaskHarness(p, id).start()) {
                h.pollUntilCount(1);
                long lastRead = (long) h.metric("last-success-ms", Map.of());
                assertThat(lastRead).isPositive();
                assertThat((long) h.metric("retrying-since-ms", Map.of())).isZero();
                proxy.down();
                long down = System.currentTimeMillis();
                Throwable failed = null;
                long retryingSince = 0; // as the metric says between the first failure and the last
                while (failed == null && System.currentTimeMillis() - down < 20_000) {
                    try {
                        h.poll();
                    } catch (ConnectException e) {
                        failed = e;
                    }
                    if (failed == null && retryingSince == 0) {
                        retryingSince = (long) h.metric("retrying-since-ms", Map.of());
                    }
                }
                long failedAfter = System.currentTimeMillis() - down;
                assertThat(failedAfter).as("not before the retry timeout").isGreaterThanOrEqualTo(3_000);
                // The first failure comes once a connection attempt times out (connection.timeout.ms=1000), well
                // before the budget is spent; how long after the outage began depends on the machine's load.
                assertThat(retryingSince).as("retrying-since-ms while retrying").isBetween(down, down + failedAfter);
                assertThat(failed).isNotNull().hasMessageContaining("connection.attempts=2")
                        .hasMessageContaining("connection.retry.timeout.ms=3000");
                assertThat((long) h.metric("last-success-ms", Map.of())).isEqualTo(lastRead);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anOutageIsRiddenOutAndReadingResumesWhereItStopped(TestDatabase db) throws Exception {
        String t = TestDatabase.table("outage");
        TableId id = db.createRowsTable(t);
        db.exec("INSERT INTO " + t + " (v) VALUES ('x'), ('x'), ('x'), ('x'), ('x')");
        try (TcpProxy proxy = new TcpProxy(db == TestDatabase.POSTGRES ? 5432 : 3306);
             TaskHarness h = new TaskHarness(viaProxy(db, proxy, 30, 100), id).start()) {
            h.pollUntilCount(5);
            proxy.down();
            db.exec("INSERT INTO " + t + " (v) VALUES ('y'), ('y'), ('y'), ('y'), ('y')");
            for (int i = 0; i < 3; i++) {
                assertThat(h.poll()).isEmpty(); // failing attempts, within the budget: no exception, no rows
            }
            proxy.up();
            h.pollUntil(d -> d.size() >= 10, Duration.ofSeconds(60));
            assertThat(h.ids()).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
        }
    }

    /**
     * A 90-second outage, as a database restart or a managed failover takes, with every connection setting at its
     * default: the task stays up (no exception from poll), and once the database answers it reads on from the last
     * delivered row, every row once.
     */
    @Test
    void aNinetySecondOutageIsRiddenOutWithTheDefaults() throws Exception {
        String t = TestDatabase.table("outage_90s");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (v) VALUES ('before')");
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        try (TcpProxy proxy = new TcpProxy(5432)) {
            p.put(JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test");
            try (TaskHarness h = new TaskHarness(p, id).start()) {
                h.pollUntilCount(1);
                proxy.down();
                DB.exec("INSERT INTO " + t + " (v) VALUES ('during')");
                long down = System.nanoTime();
                while (System.nanoTime() - down < Duration.ofSeconds(90).toNanos()) {
                    h.poll(); // would throw once the task gave up
                }
                assertThat((long) h.metric("retrying-since-ms", Map.of())).isPositive();
                proxy.up();
                long up = System.nanoTime();
                h.pollUntil(d -> d.size() >= 2, Duration.ofSeconds(120));
                System.out.printf("90 s outage with the defaults: reading again %d s after the database answered%n",
                        Duration.ofNanos(System.nanoTime() - up).toSeconds());
                assertThat(h.values("v")).containsExactly("before", "during");
                assertThat((long) h.metric("retrying-since-ms", Map.of())).isZero();
            }
        }
    }

    @Test
    void whenTheRetryBudgetIsSpentTheTaskFailsWithTheReason() throws Exception {
        String t = TestDatabase.table("budget");
        TableId id = DB.createRowsTable(t);
        try (TcpProxy proxy = new TcpProxy(5432);
             TaskHarness h = new TaskHarness(viaProxy(proxy, 2, 50), id).start()) {
            h.poll();
            proxy.down();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    h.poll();
                }
            }).isInstanceOf(ConnectException.class).hasMessageContaining("failed 2 times in a row")
                    .hasMessageContaining("connection.attempts=2");
        }
    }

    /**
     * The connector's database user is disabled mid-run (PostgreSQL NOLOGIN, MariaDB ACCOUNT LOCK) and its sessions
     * ended: the task does not retry for minutes, it fails as soon as the login is refused, naming the cause.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aDisabledDatabaseUserFailsTheTaskAtOnce(TestDatabase db) throws Exception {
        String t = TestDatabase.table("disabled_user");
        TableId id = db.createRowsTable(t);
        db.exec("INSERT INTO " + t + " (v) VALUES ('a')");
        String user = "sluice_" + t.substring(t.length() - 6).replace("_", "");
        boolean pg = db == TestDatabase.POSTGRES;
        if (pg) {
            db.exec("DROP ROLE IF EXISTS " + user, "CREATE ROLE " + user + " LOGIN PASSWORD 'pw'",
                    "GRANT SELECT ON " + t + " TO " + user);
        } else {
            db.exec("DROP USER IF EXISTS '" + user + "'@'%'", "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'",
                    "GRANT SELECT ON test.* TO '" + user + "'@'%'");
        }
        Map<String, String> p = db.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.CONNECTION_USER, user);
        p.put(JdbcSourceConfig.CONNECTION_PASSWORD, "pw");
        p.put(JdbcSourceConfig.CONNECTION_BACKOFF_MS, "100");
        p.put(JdbcSourceConfig.CONNECTION_TIMEOUT_MS, "1000");
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            h.pollUntilCount(1);
            if (pg) {
                db.exec("ALTER ROLE " + user + " NOLOGIN",
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + user + "'");
            } else {
                db.exec("ALTER USER '" + user + "'@'%' ACCOUNT LOCK");
                try (java.sql.Connection c = db.connect(); var s = c.createStatement();
                     var rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
                    List<Long> sessions = new java.util.ArrayList<>();
                    while (rs.next()) {
                        sessions.add(rs.getLong(1));
                    }
                    for (long session : sessions) {
                        db.exec("KILL " + session);
                    }
                }
            }
            db.exec("INSERT INTO " + t + " (v) VALUES ('b')");
            long disabled = System.nanoTime();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 200; i++) {
                    h.poll();
                }
            }).isInstanceOf(ConnectException.class).hasMessageContaining("a retry cannot help")
                    .hasMessageContaining(pg ? "not permitted to log in" : "locked");
            Duration toFailed = Duration.ofNanos(System.nanoTime() - disabled);
            System.out.printf("%s user disabled: task failed %d ms later%n", db, toFailed.toMillis());
            assertThat(toFailed).isLessThan(Duration.ofSeconds(30));
        } finally {
            db.exec(pg ? "DROP OWNED BY " + user : "SELECT 1", pg ? "DROP ROLE IF EXISTS " + user
                    : "DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    /** An Error on the read thread (not only an exception) fails the task with it as the cause. */
    @Test
    void anErrorOnTheReadThreadFailsTheTaskWithItsCause() throws Exception {
        String t = TestDatabase.table("read_error");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (v) VALUES ('a')");
        try (TaskHarness h = new TaskHarness(DB.props("bulk"), id).start()) {
            JdbcSourceTask.beforeRead = () -> {
                throw new ExceptionInInitializerError("injected");
            };
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    h.poll();
                }
            }).isInstanceOf(ConnectException.class).hasMessageContaining("read thread failed")
                    .hasCauseInstanceOf(ExceptionInInitializerError.class);
        } finally {
            JdbcSourceTask.beforeRead = null;
        }
    }

    /**
     * Stopping a task (a delete, a reconfiguration) during a long query cancels it: the database stops working for
     * the task within seconds instead of finishing a read nobody will deliver.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void stopDuringALongQueryCancelsItOnTheServer(TestDatabase db) throws Exception {
        String t = TestDatabase.table("long_query");
        db.createRowsTable(t);
        db.exec("INSERT INTO " + t + " (v) VALUES ('a')");
        Map<String, String> p = db.props("bulk");
        p.put(JdbcSourceConfig.QUERY, db == TestDatabase.POSTGRES
                ? "SELECT r.id, r.v FROM " + t + " r, pg_sleep(60)"
                : "SELECT id, v FROM " + t + " WHERE SLEEP(60) = 0");
        p.put(JdbcSourceConfig.TOPIC_PREFIX, "long");
        String running = db == TestDatabase.POSTGRES
                ? "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()"
                : "SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60)%' "
                        + "AND ID <> CONNECTION_ID()";
        try (TaskHarness h = new TaskHarness(p).start(); java.sql.Connection c = db.connect()) {
            io.sluice.connect.testkit.Wait.until("the query to run", Duration.ofSeconds(20), () -> count(c, running) > 0);
            long stop = System.nanoTime();
            h.task().stop();
            io.sluice.connect.testkit.Wait.until("the query to be cancelled", Duration.ofSeconds(10),
                    () -> count(c, running) == 0);
            Duration cancelled = Duration.ofNanos(System.nanoTime() - stop);
            System.out.printf("%s stop during a 60 s query: query gone from the server %d ms later%n", db,
                    cancelled.toMillis());
            assertThat(cancelled).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static long count(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A task whose reads wait at most 200 ms for a lock, connection failures allowed only once. */
    private static Map<String, String> lockImpatient(String retries) {
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.CONNECTION_URL, DB.url + (DB.url.contains("?") ? "&" : "?")
                + "options=-c%20lock_timeout%3D200");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.CONNECTION_ATTEMPTS, "1");
        p.put(JdbcSourceConfig.CONNECTION_BACKOFF_MS, "50");
        p.put(JdbcSourceConfig.QUERY_RETRY_ATTEMPTS, retries);
        return p;
    }

    /** The distinct statements of ours that have waited for a lock on the server so far. */
    private static int lockWaits(java.sql.Connection observer, java.util.Set<String> seen) throws Exception {
        try (var st = observer.prepareStatement("SELECT pid || '@' || query_start FROM pg_stat_activity "
                + "WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            st.setString(1, io.sluice.connect.jdbc.dialect.Dialect.APPLICATION_NAME);
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    seen.add(rs.getString(1));
                }
            }
        }
        return seen.size();
    }

    @Test
    void aQueryFailingOnAWorkingConnectionIsRetriedPerQueryRetryAttempts() throws Exception {
        String t = TestDatabase.table("locked");
        TableId id = DB.createRowsTable(t);
        DB.exec("INSERT INTO " + t + " (v) VALUES ('x'), ('x')");
        try (java.sql.Connection locker = DB.connect(); java.sql.Connection observer = DB.connect()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE " + t + " IN ACCESS EXCLUSIVE MODE");
            // -1 (the default): lock timeouts are retried past connection.attempts=1, and the rows come once free
            try (TaskHarness h = new TaskHarness(lockImpatient("-1"), id).start()) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                h.pollUntil(d -> {
                    try {
                        return lockWaits(observer, seen) >= 3;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Duration.ofSeconds(30));
                assertThat(h.delivered).isEmpty();
                locker.rollback();
                h.pollUntilCount(2);
            }
            locker.createStatement().execute("LOCK TABLE " + t + " IN ACCESS EXCLUSIVE MODE");
            try (TaskHarness h = new TaskHarness(lockImpatient("0"), id).start()) {
                assertThatThrownBy(() -> h.pollUntilCount(1)).isInstanceOf(ConnectException.class)
                        .hasMessageContaining("query.retry.attempts=0").hasMessageContaining("lock timeout");
            } finally {
                locker.rollback();
            }
        }
    }

    @Test
    void stopReturnsPromptlyWhileWaitingToRetry() throws Exception {
        String t = TestDatabase.table("stop");
        TableId id = DB.createRowsTable(t);
        try (TcpProxy proxy = new TcpProxy(5432)) {
            Map<String, String> p = viaProxy(proxy, 10, 600_000);
            p.put("name", t); // names the task's reading thread
            TaskHarness h = new TaskHarness(p, id).start();
            h.poll();
            proxy.down();
            long downAt = System.nanoTime();
            // several poll intervals later an attempt has failed: the reading thread waits ten minutes to retry
            h.pollUntil(d -> System.nanoTime() - downAt > 1_000_000_000L && readerWaiting(t), Duration.ofSeconds(30));
            long start = System.nanoTime();
            h.task().stop();
            assertThat(h.task().poll()).isNull();
            h.pollUntil(d -> readerThread(t) == null, Duration.ofSeconds(5)); // gone, connections released
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static Thread readerThread(String connector) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().equals("sluice-jdbc-read-" + connector) && th.isAlive()).findFirst()
                .orElse(null);
    }

    private static boolean readerWaiting(String connector) {
        Thread reader = readerThread(connector);
        return reader != null && reader.getState() == Thread.State.TIMED_WAITING;
    }

    @Test
    void addedDroppedAndWidenedColumnsArePickedUpWithoutRestart() throws Exception {
        String t = TestDatabase.table("ddl");
        TableId id = DB.createRowsTable(t);
        DB.exec("ALTER TABLE " + t + " ADD COLUMN gone INT", "INSERT INTO " + t + " (v, gone) VALUES ('a', 1)");
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        try (TaskHarness h = new TaskHarness(p, id).start()) {
            // several runs first, so a driver that prepares server-side would have a cached plan by now
            for (int i = 0; i < 8; i++) {
                DB.exec("INSERT INTO " + t + " (v, gone) VALUES ('b" + i + "', 2)");
                h.pollUntilCount(2 + i);
            }
            DB.exec("ALTER TABLE " + t + " ADD COLUMN extra TEXT DEFAULT 'new'", "ALTER TABLE " + t + " DROP COLUMN gone",
                    "ALTER TABLE " + t + " ALTER COLUMN v TYPE TEXT", "INSERT INTO " + t + " (v) VALUES ('after')");
            h.pollUntilCount(10);
            Struct last = (Struct) h.delivered.get(9).value();
            assertThat(last.get("v")).isEqualTo("after");
            assertThat(last.get("extra")).isEqualTo("new");
            assertThat(last.schema().field("gone")).isNull();
            assertThat(((Struct) h.delivered.get(0).value()).schema().field("gone")).isNotNull();
        }
    }
}
