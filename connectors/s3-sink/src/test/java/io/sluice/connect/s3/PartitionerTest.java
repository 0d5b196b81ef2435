package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.s3.partition.TimeBasedPartitioner;
import io.sluice.connect.s3.partition.TimestampExtractor;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class PartitionerTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static TimeBasedPartitioner hourly(ZoneId zone) {
        return new TimeBasedPartitioner(3_600_000L, TimeBasedPartitioner.HOURLY_FORMAT, Locale.ROOT, zone,
                new TimestampExtractor.RecordTime(), null);
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void theRepeatedAutumnHourKeepsItsLocalNameAndNoHourIsFiledUnderAnother() {
        TimeBasedPartitioner p = hourly(PARIS);
        // 2026-10-25: 03:00 CEST becomes 02:00 CET, so local 02:xx happens twice.
        assertThat(p.pathAt(at("2026-10-24T23:59:59Z"))).isEqualTo("year=2026/month=10/day=25/hour=01");
        assertThat(p.pathAt(at("2026-10-25T00:30:00Z"))).isEqualTo("year=2026/month=10/day=25/hour=02");
        assertThat(p.pathAt(at("2026-10-25T01:30:00Z"))).isEqualTo("year=2026/month=10/day=25/hour=02");
        assertThat(p.pathAt(at("2026-10-25T02:00:00Z"))).isEqualTo("year=2026/month=10/day=25/hour=03");
        // Spring: 02:00 CET jumps to 03:00 CEST; no record can be in a missing hour.
        assertThat(p.pathAt(at("2026-03-29T00:59:59Z"))).isEqualTo("year=2026/month=03/day=29/hour=01");
        assertThat(p.pathAt(at("2026-03-29T01:00:00Z"))).isEqualTo("year=2026/month=03/day=29/hour=03");
    }

    @Test
    void dailyPathsFollowTheLocalDayOnDaysOf23And25Hours() {
        TimeBasedPartitioner daily = new TimeBasedPartitioner(86_400_000L, TimeBasedPartitioner.DAILY_FORMAT,
                Locale.ROOT, PARIS, new TimestampExtractor.RecordTime(), null);
        assertThat(daily.pathAt(at("2026-10-25T22:59:59Z"))).isEqualTo("year=2026/month=10/day=25");
        assertThat(daily.pathAt(at("2026-10-25T23:00:00Z"))).isEqualTo("year=2026/month=10/day=26");
        assertThat(daily.pathAt(at("2026-03-28T23:00:00Z"))).isEqualTo("year=2026/month=03/day=29");
        assertThat(daily.pathAt(at("2026-03-29T21:59:59Z"))).isEqualTo("year=2026/month=03/day=29");
    }

    @Test
    void jodaYearOfEraIsTheCalendarYearNotTheWeekYear() {
        // 2026-12-31 is in ISO week 1 of 2027: java.time's YYYY would say 2027.
        assertThat(hourly(ZoneId.of("UTC")).pathAt(at("2026-12-31T10:00:00Z"))).startsWith("year=2026/");
    }

    @Test
    void recordFieldReadsNestedPathsUnitsAndIsoStrings() {
        TimestampExtractor seconds = new TimestampExtractor.RecordField("meta.ts", TimeUnit.SECONDS, PARIS);
        Map<String, Object> value = new HashMap<>();
        value.put("meta", Map.of("ts", 1_795_000_000L));
        assertThat(seconds.extract(record(value))).isEqualTo(1_795_000_000_000L);

        TimestampExtractor iso = new TimestampExtractor.RecordField("meta.ts", TimeUnit.MILLISECONDS, PARIS);
        value.put("meta", Map.of("ts", "2026-11-30T18:00:00+01:00"));
        assertThat(iso.extract(record(value))).isEqualTo(at("2026-11-30T17:00:00Z"));
        value.put("meta", Map.of("ts", "2026-11-30T18:00:00"));
        assertThat(iso.extract(record(value))).isEqualTo(at("2026-11-30T17:00:00Z"));
        value.put("meta", Map.of("ts", "yesterday"));
        assertThatThrownBy(() -> iso.extract(record(value))).isInstanceOf(DataException.class)
                .hasMessageContaining("not ISO-8601");
        value.remove("meta");
        assertThatThrownBy(() -> iso.extract(record(value))).isInstanceOf(DataException.class)
                .hasMessageContaining("'meta.ts' is missing");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "eu-west | eu-west",
            "eu/west | eu%2Fwest",
            "100% | 100%25",
            "a=b | a%3Db",
            "k:v | k%3Av",
            "what? | what%3F",
            "say \"hi\" | say %22hi%22",
            "#1*[x]^{y}'z'\\ | %231%2A%5Bx%5D%5E%7By}%27z%27%5C",
            "Zürich | Zürich",
    })
    void fieldValuesAreEscapedAsHiveEscapesPartitionDirectories(String value, String directory) {
        var partitioner = new io.sluice.connect.s3.partition.FieldPartitioner(java.util.List.of("region"));
        SinkRecord r = new SinkRecord("t", 0, null, null, null, Map.of("region", value), 5);
        assertThat(partitioner.path(r)).isEqualTo("region=" + directory);
    }

    @Test
    void controlCharactersInAValueStayInsideOneDirectory() {
        var partitioner = new io.sluice.connect.s3.partition.FieldPartitioner(java.util.List.of("region"));
        SinkRecord r = new SinkRecord("t", 0, null, null, null, Map.of("region", "a\nb\tc\u007f"), 5);
        assertThat(partitioner.path(r)).isEqualTo("region=a%0Ab%09c%7F");
    }

    @Test
    void confluentConfigsSelectTheSamePartitioners() {
        Map<String, String> props = new HashMap<>(Map.of("s3.bucket.name", "b",
                "partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
                "path.format", "'dt'=YYYY-MM-dd/'hr'=HH", "partition.duration.ms", "3600000",
                "timestamp.extractor", "Record", "timezone", "UTC", "partition.field.name", "region"));
        var partitioner = new S3SinkConfig(props).partitioner();
        SinkRecord r = new SinkRecord("t", 0, null, null, null, Map.of("region", "eu/west"), 5, at("2026-11-30T17:05:00Z"),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
        assertThat(partitioner.path(r)).isEqualTo("region=eu%2Fwest/dt=2026-11-30/hr=17");
        props.put("partitioner.class", "io.confluent.connect.storage.partitioner.FieldPartitioner");
        assertThat(new S3SinkConfig(props).partitioner().path(r)).isEqualTo("region=eu%2Fwest");
        props.put("partitioner.class", "com.example.Mine");
        assertThatThrownBy(() -> new S3SinkConfig(props)).hasMessageContaining("Unknown partitioner");
    }

    private static SinkRecord record(Object value) {
        return new SinkRecord("t", 0, null, null, null, value, 0);
    }
}
