package io.sluice.connect.bundle.bench;

import io.sluice.connect.bundle.Bundle;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectWorker;
import io.sluice.connect.testkit.Wait;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * End-to-end throughput of the JDBC source through a real worker (one task, incrementing mode, JSON converter with
 * schemas), next to two limits measured in the same run: (a) a plain single-threaded JDBC read of the same table
 * with the same fetch size, (b) the same worker, converter and topic fed by {@link PrebuiltSource}. Then the same
 * read with two tasks, and the worker's heap while reading a table twice the size, with a 512 MiB heap.
 *
 * <p>Run: {@code mvn -B -pl assembly -am -Pjdbc-bench -DskipTests verify} (README); {@code -Dbench.rows=...} to resize,
 * {@code -Dbench.only=jdbc|jdbc2|ceiling|ceiling2} for one pipeline alone (to profile it), {@code -Dbench.threads=true}
 * to print each run's CPU and waits for a CPU by thread.
 */
public final class JdbcSourceBenchmark {

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private final String pgUrl = BenchSupport.postgresUrl();
    private final long rows = Long.getLong("bench.rows", 1_000_000);
    private final long heapRows = Long.getLong("bench.heap.rows", 2 * rows);
    private final int batch = Integer.getInteger("bench.batch", 2_000);
    private final int rounds = Integer.getInteger("bench.rounds", 3);

    public static void main(String[] args) throws Exception {
        try {
            new JdbcSourceBenchmark().run();
        } finally {
            BenchSupport.discardBrokerData("jdbc-bench");
        }
    }

    private void run() throws Exception {
        String table = ensureTable("bench_orders_" + rows, rows);
        String heapTable = ensureTable("bench_orders_" + heapRows, heapRows);
        List<Double> plain = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            plain.add(plainRead(table));
        }
        System.out.printf("(a) plain JDBC read, fetch size %d: %s rows/s%n", batch, BenchSupport.spread(plain));

        Path plugins = Bundle.pluginPath(); // the unpacked zip, and next to it the pre-built source's plugin
        BenchSupport.writePlugin(plugins.resolve("sluice-bench-prebuilt"),
                "org.apache.kafka.connect.source.SourceConnector",
                List.of(PrebuiltSource.class, PrebuiltSource.PrebuiltTask.class));
        try (ConnectCluster cluster = ConnectCluster.builder().name("jdbc-bench").workers(1).jmx()
                .kafkaVersion(System.getProperty("sluice.kafka.version"))
                .pluginPath(plugins).workerJvmOptions(BenchSupport.workerJvm("512m"))
                // Connect's producer defaults (16 KiB batches, no linger, one request in flight) cap any source
                // near 16 MB/s here; every pipeline below runs on this same worker, so the comparison stays fair.
                .workerProperty("producer.batch.size", Integer.toString(512 * 1024))
                .workerProperty("producer.linger.ms", "10")
                .start()) {
            String only = System.getProperty("bench.only", "");
            if (!only.isEmpty()) {
                alone(cluster, table, only);
                return;
            }
            // Warm-up, not reported: a full run of each, so the worker's JIT has compiled both paths (its compiler
            // threads take a large share of the worker's CPU in a first run) before anything is timed.
            measure(cluster, "warmup-prebuilt", ceiling("bench-warmup", rows, 1), "bench-warmup", rows, null);
            measure(cluster, "warmup-jdbc", jdbc(table, "bench-warmup-", 1), "bench-warmup-" + table, rows, null);

            // Rounds alternate the limit and the connector, so drift on the shared machine hits both alike.
            List<Result> b = new ArrayList<>();
            List<Result> one = new ArrayList<>();
            List<Result> b2 = new ArrayList<>();
            List<Result> two = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                b.add(measure(cluster, "prebuilt-" + r, ceiling("bench-ceiling-" + r, rows, 1),
                        "bench-ceiling-" + r, rows, null));
                one.add(measure(cluster, "jdbc-1-" + r, jdbc(table, "bench-jdbc1-" + r + "-", 1),
                        "bench-jdbc1-" + r + "-" + table, rows, null));
                b2.add(measure(cluster, "prebuilt-2-" + r, ceiling("bench-ceiling2-" + r, rows, 2),
                        "bench-ceiling2-" + r, rows, null));
                two.add(measure(cluster, "jdbc-2-" + r, jdbc(table, "bench-jdbc2-" + r + "-", 2),
                        "bench-jdbc2-" + r + "-" + table, rows, null));
                System.out.printf("round %d: (b) %,.0f records/s, 1 task %,.0f rows/s (%.0f%% of (b)); (b2) %,.0f "
                        + "records/s, 2 tasks %,.0f rows/s (%.0f%% of (b2))%n", r, b.get(r - 1).rate,
                        one.get(r - 1).rate, 100 * one.get(r - 1).rate / b.get(r - 1).rate, b2.get(r - 1).rate,
                        two.get(r - 1).rate, 100 * two.get(r - 1).rate / b2.get(r - 1).rate);
            }
            double bRate = median(b, Result::rate);
            double oneRate = median(one, Result::rate);
            double b2Rate = median(b2, Result::rate);
            double twoRate = median(two, Result::rate);
            System.out.printf("(b) pipeline ceiling (pre-built records), 1 task: %s records/s%n", rates(b));
            System.out.printf("Sluice JDBC source, 1 task: %s rows/s, %.1f MB/s = %.0f%% of (b), %.0f%% of (a) "
                    + "(medians)%n", rates(one), median(one, Result::mbps), 100 * oneRate / bRate,
                    100 * oneRate / BenchSupport.median(plain));
            System.out.printf("(b2) pipeline ceiling with 2 tasks: %s records/s (%.2fx of 1 task)%n", rates(b2),
                    b2Rate / bRate);
            System.out.printf("Sluice JDBC source, 2 tasks, table.chunks=2: %s rows/s (%.2fx of 1 task, %.0f%% of "
                    + "(b2))%n", rates(two), twoRate / oneRate, 100 * twoRate / b2Rate);
            System.out.printf("Worker CPU-s per million records (medians): (b) %.1f, 1 task %.1f, (b2) %.1f, 2 tasks "
                    + "%.1f%n", median(b, Result::cpu), median(one, Result::cpu), median(b2, Result::cpu),
                    median(two, Result::cpu));
            List<Double> ownOne = ownCost(one, b);
            List<Double> ownTwo = ownCost(two, b2);
            System.out.printf("Sluice's own cost (connector minus its ceiling of the same round, same worker and "
                    + "converter; medians): 1 task %.1f, 2 tasks with table.chunks=2 %.1f CPU-s per million rows (%+.0f%% "
                    + "per row); rounds %s and %s%n", BenchSupport.median(ownOne), BenchSupport.median(ownTwo),
                    100 * (BenchSupport.median(ownTwo) / BenchSupport.median(ownOne) - 1),
                    BenchSupport.rounded(ownOne), BenchSupport.rounded(ownTwo));
            double oneThreads = median(one, Result::sluiceThreads);
            double twoThreads = median(two, Result::sluiceThreads);
            System.out.printf("On Sluice's own threads (read threads, connection pool; medians): 1 task %.2f, 2 tasks "
                    + "with table.chunks=2 %.2f CPU-s per million rows (%+.0f%% per row)%n", oneThreads, twoThreads,
                    100 * (twoThreads / oneThreads - 1));
            System.out.printf("PostgreSQL's CPU on the same cores (its processes, from /proc; medians): 1 task %.1f, "
                    + "2 tasks %.1f CPU-s per million rows; the pre-built ceilings read no database%n",
                    median(one, Result::database), median(two, Result::database));
            ConnectWorker worker = cluster.worker(0);
            Result heap = measure(cluster, "jdbc-heap", jdbc(heapTable, "bench-heap-", 1), "bench-heap-" + heapTable,
                    heapRows, worker);
            System.out.printf("Heap, %,d rows with -Xmx512m: peak used %.0f MiB, peak old generation %.0f MiB (sampled "
                    + "every 200 ms), %,.0f rows/s%n", heapRows, heap.peakHeapBytes / 1048576.0,
                    heap.peakOldGenBytes / 1048576.0, heap.rate);
        }
    }

    /**
     * {@code -Dbench.only=jdbc}, {@code jdbc2}, {@code ceiling} or {@code ceiling2}: one pipeline alone (1 or 2 tasks,
     * warmed up, then the rounds), so that a profiler attached to the worker ({@code -Dbench.jvm=...}) sees nothing else.
     */
    private void alone(ConnectCluster cluster, String table, String which) throws Exception {
        if (!which.matches("(jdbc|ceiling)2?")) {
            throw new IllegalArgumentException("bench.only is jdbc, jdbc2, ceiling or ceiling2, not " + which);
        }
        boolean jdbc = which.startsWith("jdbc");
        int tasks = which.endsWith("2") ? 2 : 1;
        for (int r = 0; r <= rounds; r++) { // round 0 warms up
            String topic = "bench-alone-" + r + "-";
            Result result = jdbc ? measure(cluster, "alone-" + r, jdbc(table, topic, tasks), topic + table, rows, null)
                    : measure(cluster, "alone-" + r, ceiling(topic, rows, tasks), topic, rows, null);
            System.out.printf("%s %s, %d task(s): %,.0f records/s, %.1f worker CPU-s per million records, %.2f on "
                    + "Sluice's threads; PostgreSQL %.1f%n", r == 0 ? "warm-up" : "round " + r,
                    jdbc ? "JDBC source" : "(b) pre-built records", tasks, result.rate, result.cpu,
                    result.sluiceThreads, result.database);
        }
    }

    private Map<String, String> ceiling(String topic, long records, int tasks) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", PrebuiltSource.class.getName());
        c.put("batch", Integer.toString(batch));
        c.put("topic", topic);
        c.put("records", Long.toString(records));
        c.put("tasks.max", Integer.toString(tasks));
        return c;
    }

    /** Per round, the connector's CPU per million records minus its ceiling's. */
    private static List<Double> ownCost(List<Result> connector, List<Result> ceiling) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < connector.size(); r++) {
            out.add(connector.get(r).cpu - ceiling.get(r).cpu);
        }
        return out;
    }

    private static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> figure) {
        return BenchSupport.median(runs.stream().map(figure::applyAsDouble).toList());
    }

    /** "median (min to max)" of the runs' records/s. */
    private static String rates(List<Result> runs) {
        return BenchSupport.spread(runs.stream().map(Result::rate).toList());
    }

    private Map<String, String> jdbc(String table, String prefix, int tasks) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.sluice.connect.jdbc.JdbcSourceConnector");
        c.put("tasks.max", Integer.toString(tasks));
        c.put("table.chunks", Integer.toString(tasks)); // one table: parallel only in chunks
        c.put("connection.url", pgUrl);
        c.put("mode", "incrementing");
        c.put("incrementing.column.name", "id");
        c.put("table.whitelist", table);
        c.put("topic.prefix", prefix);
        c.put("batch.max.rows", Integer.toString(batch));
        return c;
    }

    /**
     * A run: rows/s, MB/s in the topic, the worker's CPU-seconds per million records and those of its Sluice threads
     * alone, heap peaks.
     */
    private record Result(double rate, double mbps, double cpu, double sluiceThreads, double database,
                          long peakHeapBytes, long peakOldGenBytes) {
    }

    /** Creates the connector and times it from creation until {@code count} records are in {@code topic}. */
    private Result measure(ConnectCluster cluster, String name, Map<String, String> config, String topic, long count,
                           ConnectWorker heapOf) throws Exception {
        ConnectWorker worker = cluster.worker(0);
        Map<Long, ConnectWorker.ThreadCpu> threadsBefore = worker.threadCpu();
        Map<Long, Map.Entry<String, Long>> waitsBefore = BenchSupport.threadWaits(worker);
        long cpuBefore = BenchSupport.cpuNanos(worker);
        Map<Long, Long> databaseBefore = BenchSupport.processesCpuNanos("postgres");
        long start = System.nanoTime();
        cluster.rest().createConnector(name, config);
        try (BenchSupport.HeapSampler heap = new BenchSupport.HeapSampler(heapOf); Admin admin = cluster.admin()) {
            Wait.until(count + " records in " + topic, TIMEOUT, () -> BenchSupport.endOffsets(admin, topic) >= count);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpuNanos = BenchSupport.cpuNanos(worker) - cpuBefore;
            double cpu = BenchSupport.cpuPerMillion(cpuNanos, count);
            double threads = BenchSupport.cpuPerMillion(BenchSupport.sluiceThreadsCpu(threadsBefore, worker), count);
            BenchSupport.printThreads(name, threadsBefore, waitsBefore, worker, cpuNanos, count);
            double database = BenchSupport.cpuPerMillion(BenchSupport.processesCpuSince("postgres", databaseBefore),
                    count);
            long bytes = BenchSupport.topicBytes(admin, topic);
            return new Result(count / seconds, bytes / seconds / 1e6, cpu, threads, database, heap.peak(),
                    heap.peakOld());
        } finally {
            cluster.rest().deleteConnector(name);
        }
    }

    /** A table of {@code count} rows of about 200 bytes in 10 columns, created once and reused. */
    private String ensureTable(String table, long count) throws Exception {
        try (Connection c = DriverManager.getConnection(pgUrl); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                if (rs.getLong(1) == count) {
                    return table;
                }
            } catch (java.sql.SQLException missing) {
                // created below
            }
            System.out.printf("Loading %,d rows into %s ...%n", count, table);
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, created_at TIMESTAMP(6) NOT NULL, "
                    + "customer VARCHAR(40) NOT NULL, email VARCHAR(60) NOT NULL, amount NUMERIC(10,2) NOT NULL, "
                    + "qty INT NOT NULL, status VARCHAR(10) NOT NULL, note TEXT, flag BOOLEAN NOT NULL, "
                    + "updated_at TIMESTAMP(6) NOT NULL)");
            s.execute("INSERT INTO " + table + " SELECT g, now() - (g || ' seconds')::interval, 'customer-' || g, "
                    + "'customer' || g || '@example.com', (g % 100000) / 100.0, g % 17, "
                    + "CASE WHEN g % 3 = 0 THEN 'shipped' ELSE 'open' END, "
                    + "'note for order ' || g || ' with some free text to make the row wider ok', g % 2 = 0, now() "
                    + "FROM generate_series(1, " + count + ") g");
            s.execute("ANALYZE " + table);
        }
        return table;
    }

    /** Limit (a): every column of every row read once, single-threaded, streaming with the same fetch size. */
    private double plainRead(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(pgUrl)) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            long n = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " ORDER BY id")) {
                ps.setFetchSize(batch);
                try (ResultSet rs = ps.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            rs.getObject(i);
                        }
                        n++;
                    }
                }
            }
            c.rollback();
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }
}
