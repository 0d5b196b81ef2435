package io.sluice.connect.jdbc.dialect;

import io.sluice.connect.jdbc.schema.ColumnInfo;
import io.sluice.connect.jdbc.schema.ColumnReader;
import io.sluice.connect.jdbc.schema.TypeMapping;
import io.sluice.connect.jdbc.source.TableId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.PGResultSetMetaData;

/** PostgreSQL: cursor streaming, pg_stat_activity for open transactions, arrays, and its text-only types. */
public final class PostgresDialect extends Dialect {

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema");
    /** Exact types Connect has no equivalent for: their PostgreSQL text form. */
    private static final Set<String> AS_TEXT = Set.of("money", "timetz", "interval", "bit", "varbit");
    private static final int BINARY_FORMAT = 1;
    /** 2000-01-01T00:00:00Z, where PostgreSQL's timestamps count from. */
    private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);
    /** What pgjdbc reports as the precision of an unconstrained numeric (older drivers; newer report 0). */
    private static final int UNCONSTRAINED_NUMERIC = 131089;

    PostgresDialect(boolean quote) {
        super(quote);
    }

    @Override
    public String name() {
        return "postgresql";
    }

    /**
     * {@code schema.table}: Confluent's connector names PostgreSQL tables without the database, because the driver
     * it ships reports no catalog (newer drivers report the database; Sluice's offsets carried it until they followed Confluent's).
     */
    @Override
    public String offsetTable(TableId id) {
        return new TableId(null, id.schema(), id.table()).qualified();
    }

    @Override
    public Properties driverProperties() {
        Properties p = new Properties();
        // Binary results from the first execution (cheaper to decode than text), and no statement cache: a
        // server-side statement kept across runs would outlive DDL and fail with "cached plan must not change
        // result type"; each run prepares its query afresh instead.
        p.setProperty("prepareThreshold", "-1");
        p.setProperty("preparedStatementCacheQueries", "0");
        p.setProperty("ApplicationName", APPLICATION_NAME);
        p.setProperty("connectTimeout", "10");
        return p;
    }

    @Override
    protected boolean includeCatalogInSql() {
        return false;
    }

    @Override
    public Instant currentTime(Connection c, Calendar dbCalendar) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant(); // timestamptz: an instant whatever the calendar
        }
    }

    @Override
    public Instant oldestOpenTransaction(Connection c) throws SQLException {
        // Every other client session of this database in a transaction, readers included: a transaction that has
        // only read so far may still insert rows stamped with its start time. Our own sessions only read.
        String sql = "SELECT min(xact_start) FILTER (WHERE application_name <> ?), "
                + "count(*) FILTER (WHERE query = '<insufficient privilege>') "
                + "FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' "
                + "AND pid <> pg_backend_pid()";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, APPLICATION_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(2) > 0) {
                    throw new SQLException("this user cannot see other users' sessions in pg_stat_activity; grant it "
                            + "pg_read_all_stats");
                }
                Timestamp oldest = rs.getTimestamp(1);
                return oldest == null ? null : oldest.toInstant();
            }
        }
    }

    @Override
    protected boolean isSystemSchema(TableId id) {
        return id.schema() != null && (SYSTEM_SCHEMAS.contains(id.schema()) || id.schema().startsWith("pg_toast"));
    }

    @Override
    public long tableSize(Connection c, TableId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_total_relation_size(to_regclass(?))")) {
            ps.setString(1, new PostgresDialect(true).table(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Override
    public ColumnReader specialColumn(ColumnInfo c) {
        String type = c.typeName() == null ? "" : c.typeName().toLowerCase(Locale.ROOT);
        if (AS_TEXT.contains(type) && !(type.equals("bit") && c.precision() <= 1)) {
            return TypeMapping.string(c);
        }
        if (type.equals("numeric") && c.precision() >= UNCONSTRAINED_NUMERIC) {
            return TypeMapping.string(c);
        }
        if (c.jdbcType() == Types.ARRAY && type.startsWith("_")) {
            return array(c, type.substring(1));
        }
        return null;
    }

    @Override
    public boolean binaryFormat(ResultSetMetaData md, int index) throws SQLException {
        return md.isWrapperFor(PGResultSetMetaData.class)
                && md.unwrap(PGResultSetMetaData.class).getFormat(index) == BINARY_FORMAT;
    }

    /**
     * A binary timestamp(tz) is microseconds since 2000-01-01 00:00 (UTC for timestamptz), the extremes meaning
     * ±infinity. Decoding it directly skips the driver's calendar-field detour (LocalDateTime, then back to an
     * instant), the costliest part of reading a row with timestamps.
     */
    @Override
    public ColumnReader.Read wireTimestamp(ColumnInfo c) {
        String type = c.typeName() == null ? "" : c.typeName().toLowerCase(Locale.ROOT);
        if (!c.binary() || !(type.equals("timestamp") || type.equals("timestamptz"))) {
            return null;
        }
        return (rs, i) -> {
            byte[] b = rs.getBytes(i);
            if (b == null) {
                return null;
            }
            if (b.length != Long.BYTES) {
                throw new SQLException("Column '" + c.name() + "' returned " + b.length + " bytes for a binary "
                        + c.typeName() + "; expected 8");
            }
            long micros = (long) BIG_ENDIAN_LONG.get(b, 0);
            if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
                return micros == Long.MAX_VALUE ? Instant.MAX : Instant.MIN;
            }
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + POSTGRES_EPOCH_SECOND,
                    Math.floorMod(micros, 1_000_000L) * 1_000L);
        };
    }

    /** One-dimensional arrays of numbers, booleans or text as Connect arrays; anything else as text. */
    private static ColumnReader array(ColumnInfo c, String elementType) {
        Schema element = switch (elementType) {
            case "int2" -> Schema.OPTIONAL_INT16_SCHEMA;
            case "int4" -> Schema.OPTIONAL_INT32_SCHEMA;
            case "int8" -> Schema.OPTIONAL_INT64_SCHEMA;
            case "float4" -> Schema.OPTIONAL_FLOAT32_SCHEMA;
            case "float8" -> Schema.OPTIONAL_FLOAT64_SCHEMA;
            case "bool" -> Schema.OPTIONAL_BOOLEAN_SCHEMA;
            default -> Schema.OPTIONAL_STRING_SCHEMA;
        };
        return new ColumnReader(TypeMapping.opt(SchemaBuilder.array(element), c), (rs, i) -> {
            Array a = rs.getArray(i);
            if (a == null) {
                return null;
            }
            try {
                Object[] values = (Object[]) a.getArray();
                List<Object> out = new ArrayList<>(values.length);
                for (Object v : values) {
                    out.add(element(element, v));
                }
                return out;
            } finally {
                a.free();
            }
        });
    }

    private static Object element(Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        return switch (schema.type()) {
            case INT16 -> ((Number) v).shortValue();
            case INT32 -> ((Number) v).intValue();
            case INT64 -> ((Number) v).longValue();
            case FLOAT32 -> ((Number) v).floatValue();
            case FLOAT64 -> ((Number) v).doubleValue();
            case BOOLEAN -> v;
            default -> v instanceof Object[] nested ? java.util.Arrays.deepToString(nested) : v.toString();
        };
    }
}
