package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.source.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** One table read as chunks by several tasks: every row exactly once, offsets per chunk, migration from unchunked. */
class ChunksIT {

    private static final TestDatabase DB = TestDatabase.POSTGRES;

    private static List<Long> ids(List<TaskHarness> tasks) {
        List<Long> out = new ArrayList<>();
        tasks.forEach(t -> out.addAll(t.ids()));
        return out;
    }

    @Test
    void chunksSplitATableAndTogetherReadEveryRowOnce() throws Exception {
        String t = TestDatabase.table("chunked");
        DB.exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " SELECT g, 'r' || g FROM generate_series(1, 1000) g");
        TableId id = new TableId("test", "public", t);
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TABLE_CHUNKS, "3");
        p.put(JdbcSourceConfig.BATCH_MAX_ROWS, "100");

        // An offset of the unchunked table (e.g. written before chunking was turned on, or by Confluent's connector)
        Map<String, Object> unchunkedPartition = Map.of("protocol", "1", "table", id.qualified());
        List<TaskHarness> tasks = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            TaskHarness h = new TaskHarness(p, List.of(new JdbcSourceTask.Assignment(id, c)));
            h.committed.put(unchunkedPartition, Map.of("incrementing", 400L));
            tasks.add(h.start());
        }
        try {
            for (TaskHarness h : tasks) {
                h.pollUntil(d -> d.size() >= 200, Duration.ofSeconds(30)); // 600 rows above 400, a third each
            }
            assertThat(ids(tasks)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(401, 1000).boxed().toList());
            for (int c = 0; c < 3; c++) {
                int chunk = c;
                assertThat(tasks.get(c).values("id")).allSatisfy(v -> assertThat(((Number) v).longValue() % 3)
                        .isEqualTo(chunk));
                Map<String, ?> partition = tasks.get(c).delivered.get(0).sourcePartition();
                assertThat(partition.get("chunk")).isEqualTo(c + "/3");
                assertThat(partition.get("table")).isEqualTo(id.qualified());
            }
            // new rows keep flowing to their chunks; a restart of one chunk resumes from its own offset
            DB.exec("INSERT INTO " + t + " SELECT g, 'n' || g FROM generate_series(1001, 1030) g");
            tasks.get(1).restart();
            for (TaskHarness h : tasks) {
                h.pollUntil(d -> d.size() >= 210, Duration.ofSeconds(30));
            }
            assertThat(ids(tasks)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(401, 1030).boxed().toList());
        } finally {
            tasks.forEach(TaskHarness::close);
        }
    }

    @Test
    void bulkChunksCoverTheTable() throws Exception {
        String t = TestDatabase.table("bulk_chunked");
        DB.exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY)",
                "INSERT INTO " + t + " SELECT g FROM generate_series(-5, 94) g");
        TableId id = new TableId("test", "public", t);
        Map<String, String> p = DB.props("bulk");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TABLE_CHUNKS, "2");
        try (TaskHarness a = new TaskHarness(p, List.of(new JdbcSourceTask.Assignment(id, 0))).start();
             TaskHarness b = new TaskHarness(p, List.of(new JdbcSourceTask.Assignment(id, 1))).start()) {
            a.pollUntilCount(50);
            b.pollUntilCount(50);
            List<Long> all = ids(List.of(a, b)).subList(0, 100);
            assertThat(ids(List.of(a)).subList(0, 50)).allSatisfy(v -> assertThat(Math.floorMod(v, 2)).isZero());
            assertThat(ids(List.of(a, b))).containsAll(LongStream.rangeClosed(-5, 94).boxed().toList());
            assertThat(all).hasSize(100);
        }
    }
}
