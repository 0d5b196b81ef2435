package io.sluice.connect.s3.partition;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.common.path.FieldPath;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where a record's time comes from, for time-based paths and record-time rotation ({@code timestamp.extractor}).
 * A record whose time cannot be read fails with a {@link DataException} naming the reason, so it is reported as a bad
 * record instead of landing in a wrong path.
 */
public interface TimestampExtractor {

    /** Milliseconds since the epoch. */
    long extract(SinkRecord record);

    /** Whether the same record always gets the same time (not so for the wall clock). */
    default boolean deterministic() {
        return true;
    }

    /** The worker's clock when the record is written. Paths then depend on when, not what. */
    final class Wallclock implements TimestampExtractor {
        @Override
        public long extract(SinkRecord record) {
            return System.currentTimeMillis();
        }

        @Override
        public boolean deterministic() {
            return false;
        }
    }

    /** The Kafka record's timestamp (producer or log-append time). */
    final class RecordTime implements TimestampExtractor {
        @Override
        public long extract(SinkRecord record) {
            Long ts = record.timestamp();
            if (ts == null) {
                throw new DataException("Record " + RecordLocator.of(record) + " has no timestamp; use timestamp.extractor=RecordField or Wallclock");
            }
            return ts;
        }
    }

    /**
     * A field of the record value, at a path through structs and maps ({@code timestamp.field}, e.g.
     * {@code payload.created_at}): a Timestamp/Date logical value, an epoch number in {@code timestamp.unit}, a
     * numeric string, or an ISO-8601 string (with an offset, or local time read in {@code timezone}).
     */
    final class RecordField implements TimestampExtractor {
        private final FieldPath path;
        private final String text;
        private final TimeUnit unit;
        private final ZoneId zone;

        public RecordField(String path, TimeUnit unit, ZoneId zone) {
            this.path = FieldPath.parse(path);
            this.text = path;
            this.unit = unit;
            this.zone = zone;
        }

        @Override
        public long extract(SinkRecord record) {
            Object value = null;
            for (FieldPath.Reached r : path.resolve(record.valueSchema(), record.value())) {
                if (r.present() && r.value() != null) {
                    value = r.value();
                    break;
                }
            }
            if (value == null) {
                throw new DataException("Timestamp field '" + text + "' is missing or null in record "
                        + RecordLocator.of(record));
            }
            return millis(value);
        }

        long millis(Object value) {
            if (value instanceof java.util.Date d) {
                return d.getTime();
            }
            if (value instanceof Number n) {
                return unit.toMillis(n.longValue());
            }
            if (value instanceof CharSequence cs) {
                return parse(cs.toString().trim());
            }
            throw new DataException("Timestamp field '" + text + "' holds a " + value.getClass().getSimpleName()
                    + "; expected a timestamp, an epoch number or an ISO-8601 string");
        }

        private long parse(String s) {
            if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && s.chars().skip(1)
                    .allMatch(Character::isDigit)) {
                return unit.toMillis(Long.parseLong(s));
            }
            try {
                TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s,
                        java.time.ZonedDateTime::from, LocalDateTime::from);
                if (t instanceof java.time.ZonedDateTime z) {
                    return z.toInstant().toEpochMilli();
                }
                return ((LocalDateTime) t).atZone(zone).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return LocalDate.parse(s).atStartOfDay(zone).toInstant().toEpochMilli();
                } catch (DateTimeParseException e2) {
                    throw new DataException("Timestamp field '" + text + "' holds '" + s
                            + "', which is not ISO-8601 (e.g. 2026-11-30T17:05:00Z)");
                }
            }
        }
    }

    /** {@code timestamp.unit}: the unit of epoch numbers in a timestamp field. */
    static TimeUnit unit(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "s", "seconds" -> TimeUnit.SECONDS;
            case "ms", "millis", "milliseconds" -> TimeUnit.MILLISECONDS;
            case "us", "micros", "microseconds" -> TimeUnit.MICROSECONDS;
            case "ns", "nanos", "nanoseconds" -> TimeUnit.NANOSECONDS;
            default -> throw new IllegalArgumentException("Unknown unit '" + name + "'; use s, ms, us or ns");
        };
    }

}
