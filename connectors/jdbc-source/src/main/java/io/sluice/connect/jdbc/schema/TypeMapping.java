package io.sluice.connect.jdbc.schema;

import io.sluice.connect.jdbc.dialect.Dialect;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.errors.DataException;

/**
 * JDBC types to Connect types. Every column maps to something: what has no exact Connect type becomes its text as
 * the driver renders it (documented per type in the connector's guide), never dropped and never silently rounded.
 */
public final class TypeMapping {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final Dialect dialect;
    private final NumericMapping numericMapping;
    private final TimestampGranularity granularity;
    private final ZoneId dbZone;
    private final boolean utc;
    /** Confluent's ISO forms: the wall-clock time in db.timezone, without a zone. */
    private final DateTimeFormatter isoNanos;
    private final DateTimeFormatter isoMicros;

    public TypeMapping(Dialect dialect, NumericMapping numericMapping, TimestampGranularity granularity,
                       Calendar dbCalendar) {
        this.dialect = dialect;
        this.numericMapping = numericMapping;
        this.granularity = granularity;
        this.dbZone = dbCalendar.getTimeZone().toZoneId();
        this.utc = dbZone.normalized().equals(ZoneOffset.UTC);
        this.isoNanos = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS").withZone(dbZone);
        this.isoMicros = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(dbZone);
    }

    /** Column {@code index} of a result as the driver (and for the wire format, the dialect) describes it. */
    public ColumnInfo column(ResultSetMetaData md, int index) throws SQLException {
        return ColumnInfo.of(md, index, dialect.binaryFormat(md, index));
    }

    public ColumnReader reader(ColumnInfo column) {
        ColumnInfo c = dialect.adjust(column);
        ColumnReader special = dialect.specialColumn(c);
        if (special != null) {
            return special;
        }
        boolean unsigned = !c.signed();
        return switch (c.jdbcType()) {
            case Types.BIT -> c.precision() > 1 ? bytes(c) : bool(c);
            case Types.BOOLEAN -> bool(c);
            case Types.TINYINT -> unsigned ? new ColumnReader(opt(SchemaBuilder.int16(), c), (rs, i) -> {
                short v = rs.getShort(i);
                return rs.wasNull() ? null : v;
            }) : new ColumnReader(opt(SchemaBuilder.int8(), c), (rs, i) -> {
                byte v = rs.getByte(i);
                return rs.wasNull() ? null : v;
            });
            case Types.SMALLINT -> unsigned ? int32(c) : new ColumnReader(opt(SchemaBuilder.int16(), c), (rs, i) -> {
                short v = rs.getShort(i);
                return rs.wasNull() ? null : v;
            });
            case Types.INTEGER -> unsigned ? int64(c) : int32(c);
            case Types.BIGINT -> unsigned ? decimal(c, 0) : int64(c);
            case Types.REAL -> new ColumnReader(opt(SchemaBuilder.float32(), c), (rs, i) -> {
                float v = rs.getFloat(i);
                return rs.wasNull() ? null : v;
            });
            case Types.FLOAT, Types.DOUBLE -> float64(c);
            case Types.NUMERIC, Types.DECIMAL -> numeric(c);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> bytes(c);
            case Types.DATE -> date(c);
            case Types.TIME -> new ColumnReader(opt(Time.builder(), c), (rs, i) -> {
                LocalTime t = rs.getObject(i, LocalTime.class);
                return t == null ? null : new java.util.Date(t.toNanoOfDay() / 1_000_000L);
            });
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                boolean zoned = c.jdbcType() == Types.TIMESTAMP_WITH_TIMEZONE
                        || "timestamptz".equalsIgnoreCase(c.typeName());
                ColumnReader.Read wire = zoned || utc ? dialect.wireTimestamp(c) : null;
                yield timestamp(c, wire != null ? wire : zoned ? TypeMapping::zonedInstant : this::wallClockInstant);
            }
            default -> string(c); // character types, and the documented fallback for everything else
        };
    }

    /** The instant a timestamptz holds; pgjdbc reads PostgreSQL's infinities as OffsetDateTime.MAX/MIN. */
    private static Instant zonedInstant(ResultSet rs, int i) throws SQLException {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        if (t == null || t.equals(OffsetDateTime.MAX) || t.equals(OffsetDateTime.MIN)) {
            return t == null ? null : t.equals(OffsetDateTime.MAX) ? Instant.MAX : Instant.MIN;
        }
        return t.toInstant();
    }

    /**
     * The wall-clock value in db.timezone, far cheaper to decode than getTimestamp(i, calendar); pgjdbc reads
     * PostgreSQL's infinities as LocalDateTime.MAX/MIN.
     */
    private Instant wallClockInstant(ResultSet rs, int i) throws SQLException {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        if (t == null || t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) {
            return t == null ? null : t.equals(LocalDateTime.MAX) ? Instant.MAX : Instant.MIN;
        }
        return utc ? t.toInstant(ZoneOffset.UTC) : t.atZone(dbZone).toInstant();
    }

    /** Connect's Date from a DATE column; never shifted by a time zone. */
    public static ColumnReader date(ColumnInfo c) {
        return new ColumnReader(opt(Date.builder(), c), (rs, i) -> {
            LocalDate d = rs.getObject(i, LocalDate.class);
            return d == null ? null : new java.util.Date(d.toEpochDay() * MILLIS_PER_DAY);
        });
    }

    public static ColumnReader string(ColumnInfo c) {
        return new ColumnReader(opt(SchemaBuilder.string(), c), ResultSet::getString);
    }

    static ColumnReader bool(ColumnInfo c) {
        return new ColumnReader(opt(SchemaBuilder.bool(), c), (rs, i) -> {
            boolean v = rs.getBoolean(i);
            return rs.wasNull() ? null : v;
        });
    }

    static ColumnReader bytes(ColumnInfo c) {
        return new ColumnReader(opt(SchemaBuilder.bytes(), c), ResultSet::getBytes);
    }

    static ColumnReader int32(ColumnInfo c) {
        return new ColumnReader(opt(SchemaBuilder.int32(), c), (rs, i) -> {
            int v = rs.getInt(i);
            return rs.wasNull() ? null : v;
        });
    }

    static ColumnReader int64(ColumnInfo c) {
        return new ColumnReader(opt(SchemaBuilder.int64(), c), (rs, i) -> {
            long v = rs.getLong(i);
            return rs.wasNull() ? null : v;
        });
    }

    static ColumnReader float64(ColumnInfo c) {
        return new ColumnReader(opt(SchemaBuilder.float64(), c), (rs, i) -> {
            double v = rs.getDouble(i);
            return rs.wasNull() ? null : v;
        });
    }

    static ColumnReader decimal(ColumnInfo c, int scale) {
        return new ColumnReader(opt(Decimal.builder(scale), c), (rs, i) -> {
            BigDecimal v = rs.getBigDecimal(i);
            return v == null ? null : v.setScale(scale); // throws rather than round if the driver disagrees
        });
    }

    /** NUMERIC/DECIMAL per {@code numeric.mapping}; a precision of 0 means the column has none (unconstrained). */
    public ColumnReader numeric(ColumnInfo c) {
        int precision = c.precision();
        int scale = c.scale();
        boolean constrained = precision > 0 && scale >= 0;
        if (!constrained) {
            // No fixed scale to declare: the exact text, unless the user asked for doubles.
            return numericMapping == NumericMapping.BEST_FIT_EAGER_DOUBLE ? float64(c) : string(c);
        }
        if (numericMapping != NumericMapping.NONE && scale == 0 && precision <= 18) {
            if (precision <= 2) {
                return new ColumnReader(opt(SchemaBuilder.int8(), c), (rs, i) -> {
                    BigDecimal v = rs.getBigDecimal(i);
                    return v == null ? null : v.byteValueExact();
                });
            }
            if (precision <= 4) {
                return new ColumnReader(opt(SchemaBuilder.int16(), c), (rs, i) -> {
                    BigDecimal v = rs.getBigDecimal(i);
                    return v == null ? null : v.shortValueExact();
                });
            }
            return precision <= 9 ? int32(c) : int64(c);
        }
        if (scale > 0 && (numericMapping == NumericMapping.BEST_FIT_EAGER_DOUBLE
                || numericMapping == NumericMapping.BEST_FIT && precision <= 15)) {
            return float64(c);
        }
        return decimal(c, scale);
    }

    /**
     * A timestamp column in the configured granularity. Infinities (PostgreSQL's, read as Instant.MAX/MIN) become
     * the largest and smallest value of each form ("infinity"/"-infinity" in ISO strings).
     */
    private ColumnReader timestamp(ColumnInfo c, ColumnReader.Read instant) {
        return switch (granularity) {
            case CONNECT_LOGICAL -> new ColumnReader(opt(org.apache.kafka.connect.data.Timestamp.builder(), c),
                    (rs, i) -> {
                        Instant t = (Instant) instant.from(rs, i);
                        return t == null ? null : new java.util.Date(t == Instant.MAX ? Long.MAX_VALUE
                                : t == Instant.MIN ? Long.MIN_VALUE : t.toEpochMilli());
                    });
            case NANOS_LONG -> new ColumnReader(opt(SchemaBuilder.int64(), c), (rs, i) -> {
                Instant t = (Instant) instant.from(rs, i);
                return t == null ? null : epochNanos(t, c);
            });
            case NANOS_STRING -> new ColumnReader(opt(SchemaBuilder.string(), c), (rs, i) -> {
                Instant t = (Instant) instant.from(rs, i);
                return t == null ? null : Long.toString(epochNanos(t, c));
            });
            case NANOS_ISO_DATETIME_STRING -> isoString(c, instant, isoNanos);
            case MICROS_LONG -> new ColumnReader(opt(SchemaBuilder.int64(), c), (rs, i) -> {
                Instant t = (Instant) instant.from(rs, i);
                return t == null ? null : epochMicros(t, c);
            });
            case MICROS_STRING -> new ColumnReader(opt(SchemaBuilder.string(), c), (rs, i) -> {
                Instant t = (Instant) instant.from(rs, i);
                return t == null ? null : Long.toString(epochMicros(t, c));
            });
            case MICROS_ISO_DATETIME_STRING -> isoString(c, instant, isoMicros);
        };
    }

    private static ColumnReader isoString(ColumnInfo c, ColumnReader.Read instant, DateTimeFormatter format) {
        return new ColumnReader(opt(SchemaBuilder.string(), c), (rs, i) -> {
            Instant t = (Instant) instant.from(rs, i);
            return t == null ? null : t == Instant.MAX ? "infinity" : t == Instant.MIN ? "-infinity" : format.format(t);
        });
    }

    private static long epochMicros(Instant t, ColumnInfo c) {
        if (t == Instant.MAX || t == Instant.MIN) {
            return t == Instant.MAX ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
        } catch (ArithmeticException e) { // only the last years of PostgreSQL's range, beyond 294,000 AD
            throw new DataException("Column '" + c.name() + "' holds " + t + ", outside what microseconds since "
                    + "1970 fit in a long; use timestamp.granularity=micros_iso_datetime_string");
        }
    }

    private static long epochNanos(Instant t, ColumnInfo c) {
        if (t == Instant.MAX || t == Instant.MIN) {
            return t == Instant.MAX ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            throw new DataException("Column '" + c.name() + "' holds " + t + ", outside what nanoseconds since 1970 "
                    + "fit in a long (years 1677 to 2262); use timestamp.granularity=connect_logical or "
                    + "nanos_iso_datetime_string");
        }
    }

    public static Schema opt(SchemaBuilder b, ColumnInfo c) {
        return (c.optional() ? b.optional() : b).build();
    }
}
