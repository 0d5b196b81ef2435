package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.schema.NumericMapping;
import io.sluice.connect.jdbc.schema.TimestampGranularity;
import io.sluice.connect.jdbc.schema.TypeMapping;
import io.sluice.connect.jdbc.source.Position;
import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.jdbc.source.TableReader;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * A TIMESTAMP column holding New York wall-clock time across the night daylight saving ends (2026-11-01: 01:00-02:00
 * happens twice, 05:00-06:00Z then 06:00-07:00Z). The read bounds are handed in as the database clock would give them
 * at those instants, so the test does not depend on today's date.
 */
class DaylightSavingIT {

    private static final TestDatabase DB = TestDatabase.POSTGRES;

    @Test
    void rowsStampedInTheRepeatedHourAreNotSkipped() throws Exception {
        String t = TestDatabase.table("dst");
        DB.exec("CREATE TABLE " + t + " (id BIGSERIAL PRIMARY KEY, ts TIMESTAMP(6) NOT NULL, v TEXT)",
                "INSERT INTO " + t + " (ts, v) VALUES ('2026-11-01 00:30', 'before'), ('2026-11-01 01:10', 'first pass a'), "
                        + "('2026-11-01 01:50', 'first pass b')");
        Calendar ny = Calendar.getInstance(TimeZone.getTimeZone("America/New_York"));
        Dialect dialect = Dialect.of("", DB.url, true);
        TableReader reader = new TableReader(
                new TableReader.Source(t, dialect.table(new TableId("test", "public", t)), t, "dst", Map.of("table", t), null,
                        List.of("ts"), "id", null),
                Mode.TIMESTAMP_INCREMENTING, dialect,
                new TypeMapping(dialect, NumericMapping.NONE, TimestampGranularity.CONNECT_LOGICAL, ny), ny,
                new TableReader.Settings(100, 10, 0, 1, ""), Position.start(null, null, null));

        assertThat(run(reader, "2026-11-01T05:55:00Z")).containsExactly("before", "first pass a", "first pass b");
        // Clocks went back at 06:00Z; at 06:20Z local time reads 01:20 again, and a row is stamped with it.
        DB.exec("INSERT INTO " + t + " (ts, v) VALUES ('2026-11-01 01:20', 'second pass')");
        assertThat(run(reader, "2026-11-01T06:30:00Z")).containsExactly("first pass a", "second pass");
        assertThat(run(reader, "2026-11-01T06:40:00Z")).as("rewound once only").isEmpty();
        DB.exec("INSERT INTO " + t + " (ts, v) VALUES ('2026-11-01 02:05', 'after')");
        assertThat(run(reader, "2026-11-01T07:10:00Z")).containsExactly("first pass b", "after");
        // The rewind is part of the offset, so a restart inside the hour does not repeat it.
        assertThat(Position.fromMap(reader.position().toMap()).rewoundFor()).isNotNull();
    }

    /** One complete run with the bound the database clock would give at {@code now}. */
    private static List<Object> run(TableReader reader, String now) throws Exception {
        Connection c = DB.connect();
        c.setAutoCommit(false);
        reader.begin(c, Instant.parse(now), System.currentTimeMillis());
        List<SourceRecord> out = new ArrayList<>();
        while (reader.active()) {
            reader.read(out, 100, System.currentTimeMillis());
        }
        return out.stream().map(r -> ((Struct) r.value()).get("v")).toList();
    }
}
