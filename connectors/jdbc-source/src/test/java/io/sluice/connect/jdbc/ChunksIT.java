package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.source.ChunkRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

/**
 * One table split by the connector into id ranges, read by several tasks: every row exactly once, each task only its
 * range, offsets per chunk, ranges kept across a connector restart, migration from an unchunked offset.
 */
class ChunksIT {

    private static final TestDatabase DB = TestDatabase.POSTGRES;

    /** The tasks of one connector over one offset store, as a worker runs them. */
    private static final class Cluster implements AutoCloseable {
        final Map<Map<String, Object>, Map<String, Object>> store = new HashMap<>();
        final List<TaskHarness> tasks = new ArrayList<>();
        final List<ChunkRange> ranges = new ArrayList<>();
        final List<Integer> chunks = new ArrayList<>();
        private final Map<String, String> props;

        Cluster(Map<String, String> props) {
            this.props = props;
        }

        /** Starts the connector, takes its task configs, stops it and starts the tasks (again, after a restart). */
        Cluster startTasks(int maxTasks) {
            tasks.forEach(TaskHarness::close);
            tasks.clear();
            ranges.clear();
            chunks.clear();
            JdbcSourceConnector connector = new JdbcSourceConnector();
            connector.initialize(new Context(TaskHarness.reader(store)));
            connector.start(props);
            try {
                for (Map<String, String> config : connector.taskConfigs(maxTasks)) {
                    List<JdbcSourceTask.Assignment> a = JdbcSourceTask.Assignment.decode(
                            config.get(JdbcSourceTask.Assignment.KEY));
                    assertThat(a).hasSize(1);
                    ranges.add(a.get(0).range());
                    chunks.add(a.get(0).chunk());
                    tasks.add(new TaskHarness(config, store).start());
                }
            } finally {
                connector.stop();
            }
            return this;
        }

        /** Polls every task in turn until they delivered {@code n} distinct ids together. */
        List<Long> pollUntil(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ids().stream().distinct().count() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Timed out; delivered " + ids().size() + " of " + n);
                }
                for (TaskHarness t : tasks) {
                    t.poll();
                }
            }
            return ids();
        }

        List<Long> ids() {
            List<Long> out = new ArrayList<>();
            tasks.forEach(t -> out.addAll(t.ids()));
            return out;
        }

        @Override
        public void close() {
            tasks.forEach(TaskHarness::close);
        }
    }

    private record Context(OffsetStorageReader offsets) implements SourceConnectorContext {
        @Override
        public OffsetStorageReader offsetStorageReader() {
            return offsets;
        }

        @Override
        public void requestTaskReconfiguration() {
        }

        @Override
        public void raiseError(Exception e) {
            throw new AssertionError("the connector raised an error", e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }

    @Test
    void rangesSplitATableEachTaskReadsItsOwnAndTheyStayAcrossARestart() throws Exception {
        String t = TestDatabase.table("chunked");
        DB.exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " SELECT g, 'r' || g FROM generate_series(1, 1000) g");
        Map<String, String> p = DB.props("incrementing");
        p.put(JdbcSourceConfig.TABLE_WHITELIST, t);
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TABLE_CHUNKS, "3");
        p.put(JdbcSourceConfig.BATCH_MAX_ROWS, "100");

        try (Cluster cluster = new Cluster(p)) {
            // An offset of the unchunked table (written before chunking was turned on, or by Confluent's connector)
            cluster.store.put(Map.of("protocol", "1", "table", "public." + t), Map.of("incrementing", 400L));
            cluster.startTasks(3);
            assertThat(cluster.ranges).containsExactlyInAnyOrderElementsOf(ChunkRange.split(1, 1000, 3));
            assertThat(cluster.pollUntil(600)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(401, 1000).boxed().toList());
            for (int c = 0; c < 3; c++) {
                ChunkRange range = cluster.ranges.get(c);
                assertThat(cluster.tasks.get(c).ids()).allMatch(range::contains);
                cluster.tasks.get(c).delivered.forEach(r -> {
                    assertThat(r.sourcePartition().get("table")).isEqualTo("public." + t);
                    assertThat((String) r.sourcePartition().get("chunk")).endsWith("/3");
                    // starting above the unchunked offset is not a gap: the ids below the range are another chunk's
                    assertThat(r.sourceOffset()).doesNotContainKey("gaps");
                });
            }

            // New rows beyond the first MAX: the restarted connector keeps the stored ranges, the last chunk reads them
            DB.exec("INSERT INTO " + t + " SELECT g, 'n' || g FROM generate_series(1001, 1030) g");
            List<ChunkRange> before = List.copyOf(cluster.ranges);
            cluster.startTasks(3);
            assertThat(cluster.ranges).containsExactlyInAnyOrderElementsOf(before);
            assertThat(cluster.pollUntil(30)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1001, 1030).boxed().toList());
        }
    }

    @Test
    void aQueryIsChunkedByTheRangeOfItsOwnColumn() throws Exception {
        String t = TestDatabase.table("chunked_query");
        DB.exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " SELECT g, CASE WHEN g % 2 = 0 THEN 'even' ELSE 'odd' END "
                        + "FROM generate_series(1, 400) g");
        Map<String, String> p = DB.props("incrementing");
        // the chunk column is the query's output column, computed here: the ranges come from the query's MIN..MAX
        p.put(JdbcSourceConfig.QUERY, "SELECT id * 10 AS n, v FROM " + t + " WHERE v = 'even'");
        p.put(JdbcSourceConfig.TOPIC_PREFIX, "evens");
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "n");
        p.put(JdbcSourceConfig.TABLE_CHUNKS, "2");
        try (Cluster cluster = new Cluster(p).startTasks(2)) {
            assertThat(cluster.ranges).containsExactlyInAnyOrderElementsOf(ChunkRange.split(20, 4000, 2));
            List<Long> all = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.size() < 200 && System.nanoTime() < deadline) {
                all.clear();
                for (TaskHarness h : cluster.tasks) {
                    h.poll();
                    all.addAll(h.values("n").stream().map(v -> ((Number) v).longValue()).toList());
                }
            }
            assertThat(all).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 200).map(i -> i * 20).boxed().toList());
            for (int c = 0; c < 2; c++) {
                ChunkRange range = cluster.ranges.get(c);
                assertThat(cluster.tasks.get(c).values("n")).isNotEmpty()
                        .allMatch(v -> range.contains(((Number) v).longValue()));
                Map<String, ?> partition = cluster.tasks.get(c).delivered.get(0).sourcePartition();
                assertThat(partition.get("query")).isEqualTo("query");
                assertThat(partition.get("chunk")).isEqualTo(cluster.chunks.get(c) + "/2");
            }
        }
    }

    @Test
    void bulkChunksCoverTheTableNegativeIdsIncluded() throws Exception {
        String t = TestDatabase.table("bulk_chunked");
        DB.exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY)",
                "INSERT INTO " + t + " SELECT g FROM generate_series(-5, 94) g");
        Map<String, String> p = DB.props("bulk");
        p.put(JdbcSourceConfig.TABLE_WHITELIST, t);
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TABLE_CHUNKS, "2");
        try (Cluster cluster = new Cluster(p).startTasks(2)) {
            assertThat(cluster.ranges).containsExactlyInAnyOrder(new ChunkRange(null, 45L), new ChunkRange(45L, null));
            cluster.pollUntil(100);
            for (int c = 0; c < 2; c++) {
                ChunkRange range = cluster.ranges.get(c);
                assertThat(cluster.tasks.get(c).ids()).isNotEmpty().allMatch(range::contains);
            }
            assertThat(cluster.ids()).containsAll(LongStream.rangeClosed(-5, 94).boxed().toList());
        }
    }
}
