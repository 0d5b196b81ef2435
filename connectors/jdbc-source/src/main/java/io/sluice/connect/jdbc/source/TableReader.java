package io.sluice.connect.jdbc.source;

import io.sluice.connect.jdbc.Mode;
import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.schema.RowMapping;
import io.sluice.connect.jdbc.schema.TypeMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads one table (or the user's query) from its position: one streaming query per run, drained over as many polls
 * as it takes, each record carrying the position after it — so whatever a failure interrupts, the stored offset
 * never passes a row that was not delivered.
 *
 * <p>Per mode: incrementing orders by the id and re-reads id gaps for a bounded time (ids committed out of order);
 * timestamp+incrementing orders by (timestamp, id), so equal timestamps never split; timestamp orders by timestamp
 * and advances the position past a timestamp only once every row with it has been delivered; bulk reads all.
 * Timestamp modes read only below an upper bound the task computes (database clock minus the delay, and the start
 * of the oldest open transaction).
 */
public final class TableReader {

    private final Source source;
    private final Mode mode;
    private final Dialect dialect;
    private final TypeMapping types;
    private final Calendar dbCalendar;
    private final ZoneId dbZone;
    private final Settings settings;
    private final ReadQueries queries;

    private Position position;
    private long nextRunAtMs;

    // State of the run in progress.
    private Connection connection;
    /** Volatile: a stopping task cancels it from another thread. */
    private volatile PreparedStatement statement;
    private ResultSet rows;
    private RowMapping mapping;
    private int[] timestampIndexes;
    private int incrementingIndex;
    private boolean gapPass;
    private Instant upperBound;
    /** Timestamp mode: the last row read, held until we know whether more rows share its timestamp. */
    private Struct heldRow;
    private Instant heldTimestamp;
    private List<Position.Gap> encodedFor;
    private List<List<Long>> encodedGaps;
    private volatile Instant newestTimestamp;
    private final LongAdder rowsRead = new LongAdder();

    /**
     * What is read and where it goes. {@code formerTable} is the table name earlier Sluice builds stored this
     * table's offsets under, where it differs from {@code partition}'s (null otherwise).
     */
    public record Source(String name, String from, String schemaName, String topic, Map<String, String> partition,
                         String formerTable, List<String> timestampColumns, String incrementingColumn,
                         ChunkRange chunk) {
    }

    /** Settings shared by every reader of a task. */
    public record Settings(int fetchSize, long pollIntervalMs, long gapTimeoutMs, int gapMax, String querySuffix) {
    }

    public TableReader(Source source, Mode mode, Dialect dialect, TypeMapping types, Calendar dbCalendar,
                       Settings settings, Position start) {
        this.source = source;
        this.mode = mode;
        this.dialect = dialect;
        this.types = types;
        this.dbCalendar = dbCalendar;
        this.dbZone = dbCalendar.getTimeZone().toZoneId();
        this.settings = settings;
        this.position = start;
        this.queries = new ReadQueries(source, mode, dialect, settings.querySuffix());
    }

    public String name() {
        return source.name();
    }

    public Map<String, String> partition() {
        return source.partition();
    }

    public Position position() {
        return position;
    }

    public Mode mode() {
        return mode;
    }

    public long nextRunAtMs() {
        return nextRunAtMs;
    }

    /** The newest row timestamp read so far, for the lag metric; null before any. */
    public Instant newestTimestamp() {
        return newestTimestamp;
    }

    /** Rows read since the task started (re-reads after a failure included). */
    public long rowsRead() {
        return rowsRead.sum();
    }

    /** Whether a run is in progress (a query open on a connection). */
    public boolean active() {
        return connection != null;
    }

    /**
     * Starts a run on {@code c} (held until the run ends). {@code bound} is the exclusive upper timestamp for the
     * timestamp modes.
     */
    public void begin(Connection c, Instant bound, long nowMs) throws SQLException {
        connection = c;
        upperBound = bound;
        if (mode.usesTimestamp()) {
            rewindForRepeatedHour(bound);
        }
        if (mode == Mode.INCREMENTING && !position.gaps().isEmpty()) {
            List<Position.Gap> live = position.gaps().stream().filter(g -> g.expiresAtMs() > nowMs).toList();
            if (live.size() != position.gaps().size()) {
                position = position.withGaps(live);
            }
        }
        gapPass = mode == Mode.INCREMENTING && !position.gaps().isEmpty();
        execute(gapPass ? queries.gaps(position.gaps()) : queries.main(position, upperBound));
    }

    /**
     * Where db.timezone's clocks go back (daylight saving ends), rows stamped with local wall-clock time during the
     * repeated hour sort before rows read in its first pass. Once per change, the first run after the repeated hour
     * began, with the position inside that hour, goes back to the hour's start: every row stamped in it is read, the
     * first pass's ones a second time, none skipped. Zones without such changes (UTC) never rewind.
     */
    private void rewindForRepeatedHour(Instant bound) {
        Instant at = position.timestamp();
        ZoneOffsetTransition change = at == null ? null : dbZone.getRules().previousTransition(bound);
        if (change == null || !change.isOverlap() || Long.valueOf(change.toEpochSecond()).equals(position.rewoundFor())) {
            return;
        }
        LocalDateTime wall = LocalDateTime.ofInstant(at, dbZone);
        boolean inRepeatedHour = !wall.isBefore(change.getDateTimeAfter()) && wall.isBefore(change.getDateTimeBefore());
        if (inRepeatedHour) {
            position = position.rewoundTo(change.getDateTimeAfter().minusNanos(1_000).atZone(dbZone).toInstant(),
                    change.toEpochSecond());
        }
    }

    /**
     * Adds up to {@code max} records to {@code out} (one more when a held row completes the run). When the query
     * is drained, the run ends: the read transaction is closed and the connection released.
     */
    public void read(List<SourceRecord> out, int max, long nowMs) throws SQLException {
        while (out.size() < max) {
            if (!rows.next()) {
                if (heldRow != null) {
                    emit(out, heldRow, position.withTimestamp(heldTimestamp));
                    heldRow = null;
                }
                if (gapPass) {
                    gapPass = false;
                    closeQuery();
                    execute(queries.main(position, upperBound));
                    continue;
                }
                finish(nowMs);
                return;
            }
            Struct value = mapping.read(rows);
            rowsRead.increment();
            switch (mode) {
                case BULK -> emit(out, value, null);
                case INCREMENTING -> incrementing(out, value, nowMs);
                case TIMESTAMP -> timestamp(out, value);
                case TIMESTAMP_INCREMENTING -> {
                    Instant ts = rowTimestamp();
                    position = position.withIncrementing(ts, rowId(), position.gaps());
                    emit(out, value, position);
                }
            }
        }
    }

    private void incrementing(List<SourceRecord> out, Struct value, long nowMs) throws SQLException {
        long id = rowId();
        if (gapPass) {
            position = position.withGaps(withoutId(position.gaps(), id));
        } else {
            List<Position.Gap> gaps = position.gaps();
            Long last = position.incrementing();
            Long from = source.chunk() == null ? null : source.chunk().from();
            if (last != null && from != null && last < from) {
                last = from - 1; // ids below the chunk are another chunk's
            }
            if (last != null && id > last + 1 && settings.gapTimeoutMs() > 0) {
                gaps = new ArrayList<>(gaps);
                gaps.add(new Position.Gap(last + 1, id - 1, nowMs + settings.gapTimeoutMs()));
                while (gaps.size() > settings.gapMax()) {
                    gaps.remove(0); // the lowest ids are the least likely to be still in flight
                }
                gaps = List.copyOf(gaps);
            }
            position = position.withIncrementing(position.timestamp(), id, gaps);
        }
        emit(out, value, position);
    }

    private void timestamp(List<SourceRecord> out, Struct value) throws SQLException {
        Instant ts = rowTimestamp();
        if (heldRow != null) {
            boolean groupDone = heldTimestamp.isBefore(ts);
            // Within a group the position stays before it: a restart re-reads the whole group rather than lose
            // the rest of it.
            emit(out, heldRow, groupDone ? position.withTimestamp(heldTimestamp) : position);
        }
        heldRow = value;
        heldTimestamp = ts;
    }

    private void emit(List<SourceRecord> out, Struct value, Position at) {
        if (at != null) {
            position = at;
        }
        out.add(new SourceRecord(source.partition(), at == null ? null : offset(at), source.topic(), null, null,
                null, value.schema(), value));
    }

    /** The offset map; the encoded gap list is shared by consecutive records with the same gaps. */
    private Map<String, Object> offset(Position p) {
        if (p.gaps().isEmpty()) {
            return p.toMap(List.of(), source.chunk());
        }
        if (p.gaps() != encodedFor) {
            encodedFor = p.gaps();
            encodedGaps = Position.encode(p.gaps());
        }
        return p.toMap(encodedGaps, source.chunk());
    }

    private long rowId() throws SQLException {
        long id = rows.getLong(incrementingIndex);
        if (rows.wasNull()) {
            throw new ConnectException("Incrementing column " + source.incrementingColumn() + " of " + source.name()
                    + " is NULL");
        }
        return id;
    }

    private Instant rowTimestamp() throws SQLException {
        for (int index : timestampIndexes) {
            Timestamp ts = rows.getTimestamp(index, dbCalendar);
            if (ts != null) {
                Instant t = ts.toInstant();
                if (newestTimestamp == null || t.isAfter(newestTimestamp)) {
                    newestTimestamp = t;
                }
                return t;
            }
        }
        throw new ConnectException("All timestamp columns of " + source.name() + " are NULL in a row the query "
                + "returned");
    }

    private static List<Position.Gap> withoutId(List<Position.Gap> gaps, long id) {
        List<Position.Gap> out = new ArrayList<>(gaps.size() + 1);
        for (Position.Gap g : gaps) {
            if (id < g.from() || id > g.to()) {
                out.add(g);
                continue;
            }
            if (g.from() < id) {
                out.add(new Position.Gap(g.from(), id - 1, g.expiresAtMs()));
            }
            if (id < g.to()) {
                out.add(new Position.Gap(id + 1, g.to(), g.expiresAtMs()));
            }
        }
        return List.copyOf(out);
    }

    private void execute(ReadQueries.Query q) throws SQLException {
        statement = connection.prepareStatement(q.sql());
        dialect.stream(statement, settings.fetchSize());
        for (int i = 0; i < q.params().size(); i++) {
            Object p = q.params().get(i);
            if (p instanceof Instant t) {
                statement.setTimestamp(i + 1, Timestamp.from(t), dbCalendar);
            } else {
                statement.setLong(i + 1, (Long) p);
            }
        }
        rows = statement.executeQuery();
        mapping = RowMapping.of(rows.getMetaData(), source.schemaName(), types, mapping);
        if (mode.usesIncrementing()) {
            incrementingIndex = columnIndex(source.incrementingColumn());
        }
        if (mode.usesTimestamp()) {
            timestampIndexes = source.timestampColumns().stream().mapToInt(this::columnIndex).toArray();
        }
    }

    private int columnIndex(String column) {
        int i = mapping.indexOf(column);
        if (i < 0) {
            throw new ConnectException("Column '" + column + "' is not in the result of " + source.name()
                    + "; it has " + mapping.columns().stream().map(c -> c.name()).toList());
        }
        return i;
    }

    private void finish(long nowMs) throws SQLException {
        closeQuery();
        Connection c = connection;
        connection = null;
        nextRunAtMs = nowMs + settings.pollIntervalMs();
        try {
            c.rollback(); // read-only: ends the transaction, so the session is never left idle in one
        } finally {
            c.close();
        }
    }

    /**
     * Cancels the query in progress, from another thread: a stopping task does not wait for a long read to end,
     * and the database stops working for it at once. The reading thread then sees the query fail.
     */
    public void cancel() {
        PreparedStatement s = statement;
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException | RuntimeException e) {
                // already finished or closed: nothing to cancel
            }
        }
    }

    /** Ends the run after a failure: rows not yet emitted are read again by the next run. */
    public void abort(long retryAtMs) {
        heldRow = null;
        gapPass = false;
        try {
            closeQuery();
        } catch (SQLException ignored) {
            // the connection is going away anyway
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the pool discards broken connections
            }
            connection = null;
        }
        nextRunAtMs = retryAtMs;
    }

    private void closeQuery() throws SQLException {
        try {
            if (rows != null) {
                rows.close();
            }
        } finally {
            rows = null;
            if (statement != null) {
                statement.close();
            }
            statement = null;
        }
    }
}
