package io.sluice.connect.jdbc.schema;

import io.sluice.connect.common.config.Choice;
import java.util.Locale;

/** Confluent's {@code timestamp.granularity}: how timestamp columns appear in records. */
public enum TimestampGranularity {
    /** Connect's Timestamp logical type: milliseconds (the sub-millisecond part is not in the record). */
    CONNECT_LOGICAL,
    /** INT64 nanoseconds since the epoch. */
    NANOS_LONG,
    /** The same number as a string. */
    NANOS_STRING,
    /** ISO-8601 in UTC with all nine fraction digits. */
    NANOS_ISO_DATETIME_STRING,
    /** INT64 microseconds since the epoch (a finer part is cut off, towards the past). */
    MICROS_LONG,
    /** The same number as a string. */
    MICROS_STRING,
    /** ISO-8601 in UTC with six fraction digits. */
    MICROS_ISO_DATETIME_STRING;

    public static final Choice CHOICE = Choice.ofEnum(TimestampGranularity.class);

    public static TimestampGranularity parse(String value) {
        return Choice.parseEnum(TimestampGranularity.class, value);
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
