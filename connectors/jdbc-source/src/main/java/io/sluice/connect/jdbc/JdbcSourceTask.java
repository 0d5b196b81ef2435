package io.sluice.connect.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.fault.Health;
import io.sluice.connect.common.fault.RetryBudget;
import io.sluice.connect.common.metrics.Gauges;
import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.schema.TypeMapping;
import io.sluice.connect.jdbc.source.ChunkRange;
import io.sluice.connect.jdbc.source.ChunkStart;
import io.sluice.connect.jdbc.source.Position;
import io.sluice.connect.jdbc.source.ReadBound;
import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.jdbc.source.TableReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its share of the tables (or the query) one run at a time, earliest due first, through a small connection
 * pool, one batch ahead of the worker on a thread of its own. Failures are retried with doubling backoff for {@code connection.attempts} consecutive attempts and then
 * fail the task with the database's reason; the task never reports RUNNING while it has given up.
 */
public final class JdbcSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(JdbcSourceTask.class);

    private JdbcSourceConfig config;
    private Dialect dialect;
    private HikariDataSource pool;
    private ReadBound bound;
    private List<TableReader> readers;
    /** The reader of the run in progress; volatile, as stop() cancels its query from the worker's thread. */
    private volatile TableReader current;
    private int batchSize;
    private TaskMetrics metrics;
    /** Consecutive failures to reach the database, and of queries on a working connection. */
    private int connectionFailures;
    private int queryFailures;
    private final Health health = new Health();

    /** Reads ahead of the worker: while the worker converts and sends one batch, the next is read. */
    private Thread readAhead;
    static final int READ_AHEAD_BATCHES = 4;
    /**
     * Batches read ahead (a {@code List<SourceRecord>}), or the exception that ended reading. A few batches of slack
     * let the worker keep converting while the reader waits on the database or for a core; memory stays bounded by
     * this many batches of {@code batch.max.rows}.
     */
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(READ_AHEAD_BATCHES);
    private long pollWaitMs;

    private final Object lock = new Object();
    private volatile boolean stopping;
    private boolean closed;

    @Override
    public String version() {
        return SluiceVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new JdbcSourceConfig(props);
        dialect = Dialect.of(config.dialectName(), config.url(),
                config.quoteIdentifiers());
        Calendar dbCalendar = Calendar.getInstance(config.dbTimeZone());
        TypeMapping types = new TypeMapping(dialect, config.numericMapping(), config.timestampGranularity(),
                dbCalendar);
        batchSize = config.getInt(JdbcSourceConfig.BATCH_MAX_ROWS);
        TableReader.Settings settings = new TableReader.Settings(batchSize,
                config.getLong(JdbcSourceConfig.POLL_INTERVAL_MS),
                config.getLong(JdbcSourceConfig.INCREMENTING_GAP_TIMEOUT_MS),
                config.getInt(JdbcSourceConfig.INCREMENTING_GAP_MAX), config.getString(JdbcSourceConfig.QUERY_SUFFIX));
        bound = new ReadBound(dialect, dbCalendar, config.getLong(JdbcSourceConfig.TIMESTAMP_DELAY_INTERVAL_MS),
                config.getBoolean(JdbcSourceConfig.TIMESTAMP_OPEN_TRANSACTIONS));

        List<TableReader.Source> sources = Assignment.decode(props.get(Assignment.KEY)).stream()
                .map(a -> a.table() == null ? Sources.query(config, a.chunk(), a.range())
                        : Sources.table(config, dialect, a.table(), a.chunk(), a.range()))
                .toList();
        pool = Database.pool(config, dialect, "sluice-jdbc-" + props.getOrDefault("name", "source"));
        Map<Map<String, String>, Position> stored = storedPositions(sources);
        Instant initial = initialTimestamp(dialect, dbCalendar);
        readers = new ArrayList<>(sources.size());
        for (TableReader.Source s : sources) {
            Position start = startPosition(s, stored.get(s.partition()), initial);
            readers.add(new TableReader(s, config.mode(), dialect, types, dbCalendar, settings, start));
        }
        metrics = TaskMetrics.register(Gauges.registry(() -> context.pluginMetrics()), readers, pool, health);
        pollWaitMs = Math.min(1_000, config.getLong(JdbcSourceConfig.POLL_INTERVAL_MS));
        readAhead = new Thread(this::readLoop, "sluice-jdbc-read-" + props.getOrDefault("name", "source"));
        readAhead.setDaemon(true);
        readAhead.start();
        log.info("JDBC source task reading {} in {} mode", sources.stream().map(TableReader.Source::name).toList(),
                config.mode());
    }

    /**
     * Each source's stored position: a table's own offset, else the best fallback (Confluent's protocol 0); a chunk's
     * from the offsets of its table's chunks ({@link ChunkStart}), else the table's unchunked offset.
     */
    private Map<Map<String, String>, Position> storedPositions(List<TableReader.Source> sources) {
        Set<Map<String, String>> partitions = new LinkedHashSet<>();
        for (TableReader.Source s : sources) {
            partitions.add(s.partition());
            Sources.chunkPartitionsByName(config, s).forEach(partitions::addAll);
            partitions.addAll(Sources.fallbackPartitions(s));
        }
        Map<Map<String, String>, Map<String, Object>> found = context.offsetStorageReader().offsets(partitions);
        Map<Map<String, String>, Position> out = new HashMap<>();
        for (TableReader.Source s : sources) {
            Position fallback = null;
            for (Map<String, String> p : Sources.fallbackPartitions(s)) {
                fallback = fallback != null ? fallback : Position.fromMap(found.get(p));
            }
            Position start;
            if (s.chunk() == null) {
                Position own = Position.fromMap(found.get(s.partition()));
                start = own != null ? own : fallback;
            } else {
                List<ChunkStart.Stored> chunks = new ArrayList<>();
                for (List<Map<String, String>> byName : Sources.chunkPartitionsByName(config, s)) {
                    if (!chunks.isEmpty()) {
                        break; // found under a newer name
                    }
                    for (Map<String, String> p : byName) {
                        Map<String, Object> o = found.get(p);
                        ChunkRange range = o == null ? null : Position.chunkOf(o);
                        if (range != null) {
                            chunks.add(new ChunkStart.Stored(range, Position.fromMap(o)));
                        }
                    }
                }
                start = ChunkStart.of(s.chunk(), chunks, fallback, config.mode());
            }
            if (start != null) {
                out.put(s.partition(), start);
            }
        }
        return out;
    }

    private Position startPosition(TableReader.Source s, Position stored, Instant initial) {
        String hash = config.queryMode() ? Sources.queryHash(config) : null;
        Position fresh = Position.start(initial, config.getLong(JdbcSourceConfig.INCREMENTING_INITIAL), hash);
        if (stored == null) {
            return fresh;
        }
        if (hash != null && stored.queryHash() != null && !stored.queryHash().equals(hash)) {
            if (config.queryChangeBehavior() == JdbcSourceConfig.QueryChange.RESTART) {
                log.warn("The query changed since the stored offset was written; reading the new query from the "
                        + "start (query.change.behavior=restart)");
                return fresh;
            }
            throw new ConnectException("The stored offset belongs to a different query than the one configured. "
                    + "Restore the previous query, reset the connector's offsets (stop it, then DELETE "
                    + "/connectors/<name>/offsets), or set query.change.behavior=restart to read the new query "
                    + "from the start");
        }
        log.info("Resuming {} from offset {}", s.name(), stored.toMap());
        return stored.forQuery(hash);
    }

    private Instant initialTimestamp(Dialect dialect, Calendar dbCalendar) {
        Long initial = config.getLong(JdbcSourceConfig.TIMESTAMP_INITIAL);
        if (initial == null || !config.mode().usesTimestamp()) {
            return null;
        }
        if (initial != JdbcSourceConfig.TIMESTAMP_INITIAL_CURRENT) {
            return Instant.ofEpochMilli(initial);
        }
        try (Connection c = pool.getConnection()) {
            Instant now = dialect.currentTime(c, dbCalendar);
            c.rollback();
            return now;
        } catch (SQLException e) {
            throw new ConnectException("timestamp.initial=-1 needs the database's current time, and the database "
                    + "did not answer: " + Database.redact(e.getMessage(), config), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<SourceRecord> poll() throws InterruptedException {
        Object next = stopping ? null : ready.poll(pollWaitMs, TimeUnit.MILLISECONDS);
        if (next instanceof RuntimeException e) {
            throw e;
        }
        return (List<SourceRecord>) next;
    }

    /** The read-ahead thread: reads batches until stopped or failed, then releases the connections. */
    private void readLoop() {
        try {
            while (!stopping) {
                List<SourceRecord> batch = readSome();
                if (batch != null) {
                    ready.put(batch);
                }
            }
        } catch (InterruptedException e) {
            // stop() interrupts a wait
        } catch (Throwable e) { // an Error too: the task must fail, not poll nothing while RUNNING
            try {
                if (!stopping) {
                    // after the batch before it: what was read is delivered, then the task fails
                    ready.put(e instanceof RuntimeException re ? re
                            : new ConnectException("The JDBC source's read thread failed: " + e, e));
                }
            } catch (InterruptedException stopped) {
                // stopping anyway
            }
        } finally {
            // stop()'s interrupt has done its work; still pending, it would cut the pool's orderly close short
            // (HikariCP then logs "Interrupted during closing" on every normal stop)
            Thread.interrupted();
            synchronized (lock) {
                close();
            }
        }
    }

    /** Tests only: runs on the read thread before each read, to inject a fault there. */
    static volatile Runnable beforeRead;

    private List<SourceRecord> readSome() throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>(Math.min(batchSize, 10_000));
        long started = System.nanoTime();
        boolean worked = false;
        while (out.size() < batchSize) {
            TableReader r = current != null && current.active() ? current
                    : readers.stream().min(Comparator.comparingLong(TableReader::nextRunAtMs)).orElseThrow();
            long now = System.currentTimeMillis();
            if (!r.active() && r.nextRunAtMs() > now) {
                if (out.isEmpty()) {
                    sleep(r.nextRunAtMs() - now);
                }
                break;
            }
            current = r;
            worked = true;
            try {
                if (!r.active()) {
                    begin(r, now);
                }
                Runnable hook = beforeRead;
                if (hook != null) {
                    hook.run();
                }
                r.read(out, batchSize, now);
                connectionFailures = 0;
                queryFailures = 0;
                health.succeeded();
            } catch (SQLException e) {
                if (stopping) {
                    r.abort(now); // cancelled by stop(): not a failure
                    break;
                }
                onFailure(r, e);
                break;
            } catch (RuntimeException e) {
                r.abort(now);
                throw e;
            }
        }
        if (worked) {
            metrics.recordPoll(started);
        }
        return out.isEmpty() ? null : out;
    }

    private void begin(TableReader r, long now) throws SQLException {
        Connection c = pool.getConnection();
        try {
            r.begin(c, r.mode().usesTimestamp() ? bound.upper(c) : null, now);
        } catch (SQLException | RuntimeException e) {
            if (!r.active()) {
                c.close();
            }
            throw e;
        }
    }

    private void onFailure(TableReader r, SQLException e) {
        long now = System.currentTimeMillis();
        String reason = Database.reason(e, config);
        SqlFault fault = SqlFault.of(e, dialect);
        if (fault == SqlFault.TABLE_GONE) {
            r.abort(now + config.getLong(JdbcSourceConfig.POLL_INTERVAL_MS));
            log.warn("{} no longer exists ({}); skipping it until the connector picks up the table list", r.name(),
                    reason);
            return;
        }
        if (fault == SqlFault.PERMANENT) {
            r.abort(now); // the same query (or login) fails the same way
            throw new ConnectException("Reading " + r.name() + " failed and a retry cannot help: " + reason, e);
        }
        long since = health.failed(now);
        int failures;
        boolean exhausted;
        String budget;
        if (fault == SqlFault.CONNECTION) {
            failures = ++connectionFailures;
            RetryBudget retry = config.connectionRetryBudget();
            exhausted = retry.exhausted(failures, now - since);
            budget = retry.describe();
        } else {
            failures = ++queryFailures;
            int retries = config.getInt(JdbcSourceConfig.QUERY_RETRY_ATTEMPTS);
            exhausted = retries >= 0 && failures > retries;
            budget = JdbcSourceConfig.QUERY_RETRY_ATTEMPTS + "=" + retries;
        }
        if (exhausted) {
            r.abort(now);
            throw new ConnectException("Reading " + r.name() + " failed " + failures + " times in a row over "
                    + (now - since) / 1000 + " s (" + budget + "); last error: " + reason, e);
        }
        long backoff = config.backoffMs(failures);
        r.abort(now + backoff);
        log.warn("Reading {} failed ({} in a row, retrying since {} s; {}), retrying in {} ms from the last "
                + "delivered row: {}", r.name(), failures, (now - since) / 1000, budget, backoff, reason);
    }


    private void sleep(long ms) throws InterruptedException {
        synchronized (lock) {
            if (!stopping) {
                lock.wait(Math.max(1, ms));
            }
        }
    }

    @Override
    public void stop() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
            if (readAhead != null) {
                readAhead.interrupt(); // it closes the readers and the pool on its way out
                TableReader reading = current;
                if (reading != null) {
                    reading.cancel(); // a query in progress would hold the thread (and a connection) until it ends
                    cancelAgainWhileReading(readAhead, reading);
                }
            } else {
                close();
            }
        }
    }

    /**
     * A cancel that reaches the server between two protocol messages of a query (PostgreSQL, between Parse and
     * Execute) is ignored, and the query then runs to its end: cancel again each time the read thread is still in
     * it 250 ms later, for at most 10 s, on a thread of its own so stop() returns at once.
     */
    private static void cancelAgainWhileReading(Thread readThread, TableReader reading) {
        Thread retry = new Thread(() -> {
            try {
                for (int i = 0; i < 40; i++) {
                    readThread.join(250); // returns as soon as the read thread has let go
                    if (!readThread.isAlive()) {
                        return;
                    }
                    reading.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, readThread.getName() + "-cancel");
        retry.setDaemon(true);
        retry.start();
    }

    /** Releases the connection of a run in progress and closes the pool; called once, under the lock. */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (readers != null) {
            readers.forEach(r -> r.abort(0));
        }
        if (pool != null) {
            pool.close();
        }
    }

    /**
     * What a task reads, as handed over in its config: a table (or the query, table null), and for a chunk its
     * number and id range (range null: the whole table).
     */
    record Assignment(TableId table, int chunk, ChunkRange range) {
        static final String KEY = "sluice.task.sources";

        static String encode(List<Assignment> assigned) {
            StringBuilder sb = new StringBuilder();
            for (Assignment a : assigned) {
                TableId t = a.table;
                sb.append(t == null ? "" : nz(t.catalog())).append('\t').append(t == null ? "" : nz(t.schema()))
                        .append('\t').append(t == null ? "" : t.table()).append('\t').append(a.chunk)
                        .append('\t').append(a.range == null ? "-" : bound(a.range.from()))
                        .append('\t').append(a.range == null ? "-" : bound(a.range.to())).append('\n');
            }
            return sb.toString();
        }

        static List<Assignment> decode(String encoded) {
            List<Assignment> out = new ArrayList<>();
            for (String line : encoded == null ? new String[0] : encoded.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] p = line.split("\t", -1);
                TableId t = p[2].isEmpty() ? null
                        : new TableId(p[0].isEmpty() ? null : p[0], p[1].isEmpty() ? null : p[1], p[2]);
                ChunkRange range = p[4].equals("-") ? null : new ChunkRange(parseBound(p[4]), parseBound(p[5]));
                out.add(new Assignment(t, Integer.parseInt(p[3]), range));
            }
            return out;
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }

        private static String bound(Long b) {
            return b == null ? "" : b.toString();
        }

        private static Long parseBound(String b) {
            return b.isEmpty() ? null : Long.valueOf(b);
        }
    }
}
