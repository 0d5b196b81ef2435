package io.sluice.connect.s3.partition;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Directories from the record's time: the time is floored to {@code partition.duration.ms} on the local clock of
 * {@code timezone} and formatted with {@code path.format}, optionally after field directories
 * ({@code partition.field.name}).
 *
 * <p>Flooring happens on local time, so an hourly or daily path is the local hour or day even across daylight-saving
 * changes: the repeated autumn hour maps to the same {@code hour=02} directory (its files keep distinct names, their
 * start offsets differ) and no record is filed under the previous day. {@code path.format} uses Confluent's
 * Joda-style patterns; {@code YYYY} means the calendar year, as it does there.
 */
public class TimeBasedPartitioner implements Partitioner {

    public static final String HOURLY_FORMAT = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";
    public static final String DAILY_FORMAT = "'year'=YYYY/'month'=MM/'day'=dd";

    private final long durationMs;
    private final DateTimeFormatter format;
    private final ZoneId zone;
    private final TimestampExtractor extractor;
    private final FieldPartitioner fields;

    public TimeBasedPartitioner(long durationMs, String pathFormat, Locale locale, ZoneId zone,
            TimestampExtractor extractor, FieldPartitioner fields) {
        if (durationMs <= 0) {
            throw new IllegalArgumentException("partition.duration.ms must be positive");
        }
        this.durationMs = durationMs;
        this.format = formatter(pathFormat, locale);
        this.zone = zone;
        this.extractor = extractor;
        this.fields = fields;
    }

    /** Joda patterns, as Confluent users write them, to java.time: {@code Y} (year of era there) becomes {@code y}. */
    public static DateTimeFormatter formatter(String jodaPattern, Locale locale) {
        StringBuilder sb = new StringBuilder(jodaPattern.length());
        boolean quoted = false;
        for (int i = 0; i < jodaPattern.length(); i++) {
            char c = jodaPattern.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            }
            sb.append(!quoted && c == 'Y' ? 'y' : c);
        }
        return DateTimeFormatter.ofPattern(sb.toString(), locale);
    }

    public TimestampExtractor extractor() {
        return extractor;
    }

    @Override
    public String path(SinkRecord record) {
        String time = pathAt(extractor.extract(record));
        return fields == null ? time : fields.path(record) + "/" + time;
    }

    /** The time part of the path of an instant. */
    public String pathAt(long epochMillis) {
        Instant instant = Instant.ofEpochMilli(epochMillis);
        int offsetSeconds = zone.getRules().getOffset(instant).getTotalSeconds();
        long local = epochMillis + offsetSeconds * 1000L;
        long floored = local - Math.floorMod(local, durationMs);
        LocalDateTime start = LocalDateTime.ofEpochSecond(Math.floorDiv(floored, 1000L),
                (int) Math.floorMod(floored, 1000L) * 1_000_000, ZoneOffset.UTC);
        return format.format(start.atZone(zone));
    }

    @Override
    public boolean deterministic() {
        return extractor.deterministic();
    }
}
