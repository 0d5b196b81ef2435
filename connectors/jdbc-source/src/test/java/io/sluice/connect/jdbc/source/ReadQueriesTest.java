package io.sluice.connect.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.Mode;
import io.sluice.connect.jdbc.dialect.Dialect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SQL each mode runs, text and parameters, from each kind of stored position, whole tables and chunks. */
class ReadQueriesTest {

    private static final Instant BOUND = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant LAST = Instant.parse("2026-12-07T09:00:00Z");

    private static ReadQueries queries(Mode mode, String timestampColumns, ChunkRange chunk, String suffix) {
        TableReader.Source source = new TableReader.Source("orders", "\"public\".\"orders\"", null, "t", Map.of(),
                null, timestampColumns == null ? List.of() : Arrays.asList(timestampColumns.split(",")), "id", chunk);
        return new ReadQueries(source, mode, Dialect.of("postgresql", "", true), suffix);
    }

    /** The parameters as text: B is the read bound, L the last timestamp read, numbers as themselves. */
    private static String params(ReadQueries.Query q) {
        List<String> out = new ArrayList<>();
        for (Object p : q.params()) {
            out.add(p.equals(BOUND) ? "B" : p.equals(LAST) ? "L" : String.valueOf(p));
        }
        return String.join(",", out);
    }

    @ParameterizedTest(name = "{0} from ts={2} id={3}, chunk {4}..{5}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', nullValues = "NULL", value = {
            // mode | timestamp columns | last ts | last id | chunk from | chunk to | SQL after SELECT * FROM t | params
            "BULK                   | NULL            | NULL | NULL | NULL | NULL | ~~ | ~~",
            "BULK                   | NULL            | NULL | NULL | 100  | 200  | WHERE \"id\" >= ? AND \"id\" < ? | 100,200",
            "INCREMENTING           | NULL            | NULL | NULL | NULL | NULL | WHERE \"id\" > ? ORDER BY \"id\" ASC | -9223372036854775808",
            "INCREMENTING           | NULL            | NULL | 42   | NULL | NULL | WHERE \"id\" > ? ORDER BY \"id\" ASC | 42",
            "INCREMENTING           | NULL            | NULL | 42   | NULL | 200  | WHERE \"id\" > ? AND \"id\" < ? ORDER BY \"id\" ASC | 42,200",
            "INCREMENTING           | NULL            | NULL | 42   | 0    | NULL | WHERE \"id\" > ? AND \"id\" >= ? ORDER BY \"id\" ASC | 42,0",
            "TIMESTAMP              | updated_at      | NULL | NULL | NULL | NULL | WHERE \"updated_at\" < ? ORDER BY \"updated_at\" ASC | B",
            "TIMESTAMP              | updated_at      | L    | NULL | NULL | NULL | WHERE \"updated_at\" < ? AND \"updated_at\" > ? ORDER BY \"updated_at\" ASC | B,L",
            "TIMESTAMP              | updated_at,created_at | L | NULL | NULL | NULL | WHERE COALESCE(\"updated_at\", \"created_at\") < ? AND COALESCE(\"updated_at\", \"created_at\") > ? ORDER BY COALESCE(\"updated_at\", \"created_at\") ASC | B,L",
            "TIMESTAMP_INCREMENTING | updated_at      | NULL | NULL | NULL | NULL | WHERE \"updated_at\" < ? ORDER BY \"updated_at\" ASC, \"id\" ASC | B",
            "TIMESTAMP_INCREMENTING | updated_at      | L    | 7    | NULL | NULL | WHERE \"updated_at\" < ? AND (\"updated_at\" > ? OR (\"updated_at\" = ? AND \"id\" > ?)) ORDER BY \"updated_at\" ASC, \"id\" ASC | B,L,L,7",
            "TIMESTAMP_INCREMENTING | updated_at      | L    | NULL | NULL | NULL | WHERE \"updated_at\" < ? AND \"updated_at\" > ? ORDER BY \"updated_at\" ASC, \"id\" ASC | B,L",
            "TIMESTAMP_INCREMENTING | updated_at      | L    | 7    | 100  | 200  | WHERE \"updated_at\" < ? AND (\"updated_at\" > ? OR (\"updated_at\" = ? AND \"id\" > ?)) AND \"id\" >= ? AND \"id\" < ? ORDER BY \"updated_at\" ASC, \"id\" ASC | B,L,L,7,100,200"})
    void eachModeReadsFromItsPosition(Mode mode, String timestampColumns, String lastTs, Long lastId, Long chunkFrom,
                                      Long chunkTo, String where, String params) {
        ChunkRange chunk = chunkFrom == null && chunkTo == null ? null : new ChunkRange(chunkFrom, chunkTo);
        Position position = Position.start(lastTs == null ? null : LAST, lastId, null);
        ReadQueries.Query q = queries(mode, timestampColumns, chunk, null).main(position, BOUND);
        assertThat(q.sql()).isEqualTo(("SELECT * FROM \"public\".\"orders\" " + where).trim());
        assertThat(params(q)).isEqualTo(params);
    }

    @Test
    void gapsAreReReadByIdRangeWithinTheChunk() {
        List<Position.Gap> gaps = List.of(new Position.Gap(3, 4, 0), new Position.Gap(9, 9, 0));
        ReadQueries.Query q = queries(Mode.INCREMENTING, null, new ChunkRange(0L, 100L), null).gaps(gaps);
        assertThat(q.sql()).isEqualTo("SELECT * FROM \"public\".\"orders\" WHERE (\"id\" BETWEEN ? AND ? OR \"id\" "
                + "BETWEEN ? AND ?) AND \"id\" >= ? AND \"id\" < ? ORDER BY \"id\" ASC");
        assertThat(params(q)).isEqualTo("3,4,9,9,0,100");
    }

    @Test
    void theQuerySuffixEndsEveryStatement() {
        ReadQueries queries = queries(Mode.INCREMENTING, null, null, "FOR SHARE");
        assertThat(queries.main(Position.start(null, 1L, null), BOUND).sql()).endsWith("ORDER BY \"id\" ASC FOR SHARE");
        assertThat(queries.gaps(List.of(new Position.Gap(1, 2, 0))).sql()).endsWith("ORDER BY \"id\" ASC FOR SHARE");
        assertThat(queries(Mode.BULK, null, null, "  ").main(Position.start(null, null, null), BOUND).sql())
                .isEqualTo("SELECT * FROM \"public\".\"orders\"");
    }
}
