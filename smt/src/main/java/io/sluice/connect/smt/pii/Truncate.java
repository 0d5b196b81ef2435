package io.sluice.connect.smt.pii;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Date;
import java.util.Locale;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;

/**
 * Coarsens a value so that analytics survive masking: dates and timestamps down to the hour, day, month or year (in
 * UTC; ISO-8601 strings keep their form), numbers down to a number of decimal places (negative: to tens, hundreds,
 * ...). Always towards zero / the past, never rounding up into a value the data did not have.
 */
final class Truncate implements Strategy {

    /** Calendar units a date can be truncated to. */
    enum Unit {
        MINUTE, HOUR, DAY, MONTH, YEAR
    }

    private final Unit unit;
    private final int places;

    private Truncate(Unit unit, int places) {
        this.unit = unit;
        this.places = places;
    }

    /** From a rule argument: a unit ({@code day}) or a number of decimal places ({@code 2}, {@code -3}). */
    static Truncate parse(String arg) {
        if (arg == null || arg.isBlank()) {
            throw new IllegalArgumentException("truncate needs a unit (minute, hour, day, month, year) or decimal places, e.g. truncate(month) or truncate(-3)");
        }
        String a = arg.trim();
        if (a.matches("-?\\d+")) {
            return new Truncate(null, Integer.parseInt(a));
        }
        try {
            return new Truncate(Unit.valueOf(a.toUpperCase(Locale.ROOT)), 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("truncate(" + a + "): expected minute, hour, day, month, year or a number of decimal places");
        }
    }

    @Override
    public String describe() {
        return "truncate(" + (unit == null ? Integer.toString(places) : unit.name().toLowerCase(Locale.ROOT)) + ")";
    }

    @Override
    public Bound bind(Schema schema) {
        String logical = schema.name();
        if (unit != null) {
            if (org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME.equals(logical)
                    || org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(logical)) {
                return new Bound(schema, v -> truncateDate((Date) v));
            }
            if (schema.type() == Schema.Type.STRING && logical == null) {
                return new Bound(schema, v -> truncateText((String) v));
            }
            throw new MaskException(describe() + " needs a Date, a Timestamp or an ISO-8601 string, not a " + Strategy.typeName(schema));
        }
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return new Bound(schema, v -> truncateDecimal((BigDecimal) v));
        }
        if (logical == null) {
            switch (schema.type()) {
                case INT8:
                case INT16:
                case INT32:
                case INT64:
                case FLOAT32:
                case FLOAT64:
                    return new Bound(schema, v -> truncateNumber((Number) v));
                default:
                    break;
            }
        }
        throw new MaskException(describe() + " needs a number, not a " + Strategy.typeName(schema));
    }

    @Override
    public Object maskSchemaless(Object value) {
        if (unit != null) {
            if (value instanceof Date d) {
                return truncateDate(d);
            }
            if (value instanceof String s) {
                return truncateText(s);
            }
            throw new MaskException(describe() + " needs a date or an ISO-8601 string, not a " + Strategy.typeName(value));
        }
        if (value instanceof BigDecimal d) {
            return truncateDecimal(d);
        }
        if (value instanceof Number n) {
            return truncateNumber(n);
        }
        throw new MaskException(describe() + " needs a number, not a " + Strategy.typeName(value));
    }

    private Date truncateDate(Date d) {
        return Date.from(truncate(d.toInstant().atOffset(ZoneOffset.UTC)).toInstant());
    }

    private OffsetDateTime truncate(OffsetDateTime t) {
        switch (unit) {
            case MINUTE:
                return t.truncatedTo(ChronoUnit.MINUTES);
            case HOUR:
                return t.truncatedTo(ChronoUnit.HOURS);
            case DAY:
                return t.truncatedTo(ChronoUnit.DAYS);
            case MONTH:
                return t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfMonth());
            default:
                return t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfYear());
        }
    }

    /** ISO dates, local date-times, offset date-times and instants keep their form. */
    private String truncateText(String s) {
        try {
            if (s.length() == 10) {
                return truncate(LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC)).toLocalDate().toString();
            }
            if (s.endsWith("Z")) {
                return truncate(Instant.parse(s).atOffset(ZoneOffset.UTC)).toInstant().toString();
            }
            try {
                return truncate(OffsetDateTime.parse(s)).toString();
            } catch (DateTimeParseException e) {
                return truncate(LocalDateTime.parse(s).atOffset(ZoneOffset.UTC)).toLocalDateTime().toString();
            }
        } catch (DateTimeParseException e) {
            throw new MaskException(describe() + " needs an ISO-8601 date or timestamp string such as 2024-05-17T10:15:00Z");
        }
    }

    private BigDecimal truncateDecimal(BigDecimal d) {
        // Keep the column's scale: the schema says how many places the value carries.
        return d.setScale(places, RoundingMode.DOWN).setScale(d.scale(), RoundingMode.UNNECESSARY);
    }

    private Object truncateNumber(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double t = BigDecimal.valueOf(n.doubleValue()).setScale(places, RoundingMode.DOWN).doubleValue();
            return n instanceof Float ? (Object) (float) t : (Object) t;
        }
        if (places >= 0) {
            return n;
        }
        long step = BigDecimal.TEN.pow(-places).longValueExact();
        long v = n.longValue();
        long t = v - v % step;
        if (n instanceof Byte) {
            return (byte) t;
        } else if (n instanceof Short) {
            return (short) t;
        } else if (n instanceof Integer) {
            return (int) t;
        }
        return t;
    }
}
