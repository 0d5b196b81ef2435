package io.sluice.connect.bundle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.connect.bundle.Bundle;
import io.sluice.connect.s3.S3SinkConfig;
import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.ParquetFiles;
import io.sluice.connect.s3.storage.S3Storage;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectWorker;
import io.sluice.connect.testkit.S3Server;
import io.sluice.connect.testkit.Wait;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.PositionOutputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End-to-end throughput of the Parquet S3 sink through a real worker (one task, JSON converter with schemas, records
 * of about 300 bytes in 15 fields, snappy), next to two limits measured in the same run: (a) a plain single-threaded
 * parquet-avro write of the same records, converted beforehand, to a local file, (b) the same worker, converter and
 * topic drained by {@link DiscardSink}. Then a backfill: 64 partitions x 200 hourly directories, each
 * partition cycling through every hour, with a 1 GiB worker heap and the default memory budget, read a partition at
 * a time and with all partitions interleaved (which goes through the spill): records/s, objects per path per
 * rotation, bytes spilled, early commits, peak heap.
 *
 * <p>Run: {@code mvn -B -pl assembly -am -Ps3-bench -DskipTests verify} (README); {@code -Dbench.records=...} and
 * {@code -Dbench.records.per.path=...} to resize, {@code -Dbench.only=backfill} for the backfill alone,
 * {@code -Dbench.only=single} for the single-path runs alone, {@code -Dbench.rounds=...} (3) rounds of those;
 * {@code -Dbench.only=days}, {@code idle} or {@code outage} for one of the Iceberg cases beside Apache Iceberg's
 * sink; {@code -Dbench.threads=true} to print each run's CPU and waits for a CPU by thread.
 */
public final class S3SinkBenchmark {

    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_767_225_600_000L;
    private static final long DAY = 24 * HOUR;
    /** Rotation of the single-path runs, and the commit interval of Apache Iceberg's sink beside them. */
    private static final long SINGLE_COMMIT_MS = 2000;
    /** How long each sink may take over the 1,000 partition values before it counts as not finishing. */
    private static final Duration DAYS_LIMIT = Duration.ofMinutes(5);

    private final long records = Long.getLong("bench.records", 1_000_000);
    private final int paths = Integer.getInteger("bench.paths", 200);
    /** Records/s of the single-path run, to which the backfill is compared. */
    private double singlePath;
    private final int pathPartitions = Integer.getInteger("bench.path.partitions", 64);
    private final int recordsPerPath = Integer.getInteger("bench.records.per.path", 100);
    private final int rounds = Integer.getInteger("bench.rounds", 3);

    public static void main(String[] args) throws Exception {
        try {
            new S3SinkBenchmark().run();
        } finally {
            BenchSupport.discardBrokerData("s3-bench");
        }
    }

    /** Order {@code i}: 15 fields, about 300 bytes of payload. */
    static String payload(long i, long created) {
        return String.format("{\"id\":%d,\"created\":%d,\"customer\":\"customer-%d\",\"email\":\"customer%d@example.com\","
                + "\"amount\":%d.%02d,\"qty\":%d,\"status\":\"%s\",\"note\":\"note for order %d with some free text\","
                + "\"flag\":%b,\"updated\":%d,\"country\":\"%s\",\"city\":\"city-%d\",\"sku\":\"sku-%05d\","
                + "\"price\":%.2f,\"channel\":\"%s\"}", i, created, i, i, i % 100_000 / 100, i % 100, i % 17,
                i % 3 == 0 ? "shipped" : "open", i, i % 2 == 0, created + 1000, i % 5 == 0 ? "FR" : "DE", i % 997,
                i % 20_000, (i % 10_000) / 7.0, i % 4 == 0 ? "web" : "store");
    }

    static final String SCHEMA = "{\"type\":\"struct\",\"name\":\"bench.Order\",\"fields\":["
            + "{\"field\":\"id\",\"type\":\"int64\"},"
            + "{\"field\":\"created\",\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"},"
            + "{\"field\":\"customer\",\"type\":\"string\"},{\"field\":\"email\",\"type\":\"string\"},"
            + "{\"field\":\"amount\",\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
            + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"}},"
            + "{\"field\":\"qty\",\"type\":\"int32\"},{\"field\":\"status\",\"type\":\"string\"},"
            + "{\"field\":\"note\",\"type\":\"string\",\"optional\":true},{\"field\":\"flag\",\"type\":\"boolean\"},"
            + "{\"field\":\"updated\",\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"},"
            + "{\"field\":\"country\",\"type\":\"string\"},{\"field\":\"city\",\"type\":\"string\"},"
            + "{\"field\":\"sku\",\"type\":\"string\"},{\"field\":\"price\",\"type\":\"double\"},"
            + "{\"field\":\"channel\",\"type\":\"string\"}]}";

    static byte[] message(long i, long created) {
        return ("{\"schema\":" + SCHEMA + ",\"payload\":" + payload(i, created) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private void run() throws Exception {
        String only = System.getProperty("bench.only", "");
        boolean backfillOnly = only.equals("backfill");
        boolean partial = List.of("backfill", "days", "idle", "outage").contains(only);
        double plain = partial ? 0 : plainWrite();
        if (!partial) {
            System.out.printf("(a) plain parquet-avro write of pre-converted rows, single thread, snappy, local file: "
                    + "%,.0f records/s%n", plain);
        }

        Path plugins = Bundle.pluginPath();
        BenchSupport.writePlugin(plugins.resolve("sluice-bench-discard"), "org.apache.kafka.connect.sink.SinkConnector",
                List.of(DiscardSink.class, DiscardSink.DiscardTask.class));
        boolean apache = IcebergTables.installApache(plugins);
        try (S3Server s3 = new S3Server(); S3Client client = s3.client(); IcebergTables tables = new IcebergTables(s3);
             ConnectCluster cluster = ConnectCluster.builder().name("s3-bench").workers(1).jmx()
                     .kafkaVersion(System.getProperty("sluice.kafka.version"))
                     .pluginPath(plugins).workerJvmOptions(BenchSupport.workerJvm("1g"))
                     .workerProperty("plugin.discovery", "service_load")
                     .workerProperty("offset.flush.interval.ms", "1000")
                     .workerProperty("consumer.max.poll.records", "2000")
                     .workerProperty("consumer.fetch.max.bytes", Integer.toString(64 << 20))
                     .workerProperty("consumer.max.partition.fetch.bytes", Integer.toString(16 << 20))
                     .start()) {
            s3.createBucket("bench");
            if (!apache) {
                System.out.println("Apache Iceberg's sink: not installed (-Dbench.peer.iceberg names no plugin "
                        + "directory), so it is left out");
            }
            if (backfillOnly) { // -Dbench.only=backfill, to profile it alone
                memoryCase(cluster, s3, client);
                return;
            }
            if ("days".equals(System.getProperty("bench.only"))) {
                manyPartitionValues(cluster, s3, tables, apache);
                return;
            }
            if ("idle".equals(System.getProperty("bench.only"))) {
                idlePartition(cluster, s3, tables, apache);
                return;
            }
            if ("outage".equals(System.getProperty("bench.only"))) {
                catalogOutage(cluster, s3, tables, apache);
                return;
            }
            cluster.createTopic("bench-orders", 4);
            produce(cluster, "bench-orders", records, i -> BASE + i);
            try (Admin admin = cluster.admin()) {
                System.out.printf("Topic: %,d records, %.0f MB of JSON values with schemas (%.0f B each, payload about "
                        + "300 B in 15 fields), %.0f MB on the broker in lz4 batches; MB/s below are of JSON values%n",
                        BenchSupport.endOffsets(admin, "bench-orders"), valueBytes.get("bench-orders") / 1e6,
                        valueBytes.get("bench-orders") / (double) records,
                        BenchSupport.topicBytes(admin, "bench-orders") / 1e6);
            }
            // Warm-up, not reported: a full run of each, so the worker's JIT has compiled both paths (its compiler
            // threads take a quarter of the worker's CPU in a first run) before anything is timed.
            measure(cluster, "warmup-discard", discard("bench-orders"), "bench-orders", null, null);
            measure(cluster, "warmup-s3", sink(s3, "bench-orders", "warmup"), "bench-orders", null, null);
            measureTable(cluster, tables, "warmup-iceberg", "warmup", false, null);
            if (apache) {
                measureTable(cluster, tables, "warmup-apache", "apache_warmup", true, null);
            }

            // Rounds alternate the limit and the sinks, so drift on the shared machine hits all alike; medians.
            List<Result> bs = new ArrayList<>();
            List<Result> sinks = new ArrayList<>();
            List<Result> icebergs = new ArrayList<>();
            List<Result> apaches = new ArrayList<>();
            List<Double> commitMs = new ArrayList<>();
            List<Long> commitCounts = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                bs.add(measure(cluster, "discard-" + r, discard("bench-orders"), "bench-orders", cluster.worker(0),
                        null));
                sinks.add(measure(cluster, "s3-" + r, sink(s3, "bench-orders", "run-" + r), "bench-orders",
                        cluster.worker(0), null));
                String name = "iceberg-" + r;
                icebergs.add(measureTable(cluster, tables, name, "run_" + r, false, () -> {
                    Map<String, Long> m = sinkMetrics(cluster.worker(0), name, "table-commits-total",
                            "table-commit-time-ms-total");
                    long commits = m.getOrDefault("table-commits-total", 0L);
                    commitCounts.add(commits);
                    commitMs.add(commits == 0 ? 0 : m.getOrDefault("table-commit-time-ms-total", 0L)
                            / (double) commits);
                }));
                System.out.printf("round %d: (b) %,.0f records/s, %.1f CPU-s per million; S3 sink %,.0f records/s "
                        + "(%.0f%% of (b)), %.1f CPU-s per million, %.2f of them on Sluice's threads; Iceberg table "
                        + "%,.0f records/s (%.0f%% of the Hive layout), %.1f CPU-s per million, %d commits of %.0f ms "
                        + "on average%n", r, bs.get(r - 1).rate, bs.get(r - 1).cpu, sinks.get(r - 1).rate,
                        100 * sinks.get(r - 1).rate / bs.get(r - 1).rate, sinks.get(r - 1).cpu,
                        sinks.get(r - 1).sluiceThreads, icebergs.get(r - 1).rate,
                        100 * icebergs.get(r - 1).rate / sinks.get(r - 1).rate, icebergs.get(r - 1).cpu,
                        commitCounts.get(r - 1), commitMs.get(r - 1));
                if (apache) {
                    apaches.add(measureTable(cluster, tables, "apache-" + r, "apache_run_" + r, true, null));
                    System.out.printf("round %d: Apache Iceberg's sink %,.0f records/s (%s), %.1f CPU-s per million; "
                            + "Sluice's table.format=iceberg %.2fx that%n", r, apaches.get(r - 1).rate,
                            apaches.get(r - 1).ending, apaches.get(r - 1).cpu,
                            icebergs.get(r - 1).rate / apaches.get(r - 1).rate);
                }
            }
            Result b = median(bs);
            System.out.printf("(b) sink pipeline ceiling (discarding sink): %s records/s, %.1f MB/s, %.1f worker "
                    + "CPU-s per million records, peak heap %.0f MiB (medians)%n", rates(bs), b.mbps, b.cpu,
                    b.peakHeap / 1048576.0);
            Result sluice = median(sinks);
            singlePath = sluice.rate;
            long objects = client.listObjectsV2Paginator(r -> r.bucket("bench").prefix("run-1/")).contents().stream()
                    .filter(o -> o.key().endsWith(".parquet")).count();
            System.out.printf("Sluice S3 sink, 1 task: %s records/s, %.1f MB/s = %.0f%% of (b), %.0f%% of (a); "
                    + "%.1f worker CPU-s per million records; %d objects per run; peak heap %.0f MiB (medians)%n",
                    rates(sinks), sluice.mbps, 100 * sluice.rate / b.rate, 100 * sluice.rate / plain, sluice.cpu,
                    objects, sluice.peakHeap / 1048576.0);
            List<Double> own = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                own.add(sinks.get(r).cpu - bs.get(r).cpu);
            }
            System.out.printf("Sluice's own cost (S3 sink minus (b) of the same round, same worker and converter): %.1f "
                    + "CPU-s per million records (median; rounds %s); on Sluice's own threads (writer, uploader, "
                    + "committers): %.2f CPU-s per million records (median)%n", BenchSupport.median(own),
                    BenchSupport.rounded(own), sluice.sluiceThreads);
            Result ice = median(icebergs);
            List<Double> ratio = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratio.add(100 * icebergs.get(r).rate / sinks.get(r).rate);
            }
            System.out.printf("Sluice S3 sink, table.format=iceberg (JDBC catalog on PostgreSQL, unpartitioned table), "
                    + "1 task, delivered = rows in the table: %s records/s = %.0f%% of the Hive layout (median of "
                    + "per-round ratios; rounds %s); %.1f "
                    + "worker CPU-s per million records; commit latency %.0f ms (median of per-round averages, %s "
                    + "commits per run, claims included); peak heap %.0f MiB (medians)%n", rates(icebergs),
                    BenchSupport.median(ratio), ratio.stream().map(d -> String.format("%.0f%%", d)).toList(), ice.cpu,
                    BenchSupport.median(commitMs), commitCounts, ice.peakHeap / 1048576.0);
            if (apache) {
                Result theirs = median(apaches);
                List<Double> times = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    times.add(icebergs.get(r).rate / apaches.get(r).rate);
                }
                System.out.printf("Apache Iceberg's sink %s (same catalog, FileIO, topic, converters and worker; "
                        + "commit interval %d ms = the rotation above; delivered = rows in the table), 1 task: %s "
                        + "records/s, %.1f worker CPU-s per million records, peak heap %.0f MiB (medians); Sluice's "
                        + "table.format=iceberg %.2fx its records/s (median of per-round ratios; rounds %s)%n",
                        System.getProperty("sluice.iceberg.version", ""), SINGLE_COMMIT_MS, rates(apaches),
                        theirs.cpu, theirs.peakHeap / 1048576.0, BenchSupport.median(times),
                        times.stream().map(d -> String.format("%.2fx", d)).toList());
            }
            if (!"single".equals(System.getProperty("bench.only"))) {
                memoryCase(cluster, s3, client);
                idlePartition(cluster, s3, tables, apache);
                catalogOutage(cluster, s3, tables, apache);
                // Last: the peer may leave the worker out of memory.
                manyPartitionValues(cluster, s3, tables, apache);
            }
        }
    }

    /**
     * A backfill: every partition cycles through every hour, so all P x H files are open at once until each holds its
     * {@code flush.size} records. One object per path and partition is the ideal; more means files were committed
     * early (tiny files). The schedule is longer than the run, so only flush.size rotates.
     */
    private void memoryCase(ConnectCluster cluster, S3Server s3, S3Client client) throws Exception {
        String topic = "bench-paths";
        cluster.createTopic(topic, pathPartitions);
        long total = (long) pathPartitions * paths * recordsPerPath;
        // Record i goes to partition i % P and hour (i / P) % H, as in a backlog replay spanning H hours.
        produce(cluster, topic, total, i -> BASE + ((i / pathPartitions) % paths) * HOUR + i % 1000);
        System.out.printf("Backfill: %d partitions x %d hourly paths, %,d records, flush.size=%d (one object per path "
                + "and partition is the ideal), -Xmx1g%n", pathPartitions, paths, total, recordsPerPath);
        double capacity = s3Capacity(s3);
        System.out.printf("(c) S3 server capacity: %,.0f small objects/s (multipart uploads of 12 KB, %d at a time, "
                + "as the sink commits them; no Kafka)%n", capacity, S3Storage.PARALLEL_COMMITS);
        backfill(cluster, client, s3, topic, "paths", null);
        // With the worker's 16 MiB per-partition fetches the consumer reads a partition's backlog at a time, so about
        // one partition's 200 paths are open at once and their rows fit the budget. Fetches of 64 KiB per partition
        // (a connector-level consumer override) interleave all 64 partitions: 12,800 files open at once, whose rows
        // outgrow the default budget and go through the spill.
        backfill(cluster, client, s3, topic, "paths-interleaved", "65536");
    }

    private void backfill(ConnectCluster cluster, S3Client client, S3Server s3, String topic, String dir,
            String partitionFetchBytes) throws Exception {
        Map<String, String> config = sink(s3, topic, dir);
        config.put("partitioner.class", "hourly");
        config.put("timestamp.extractor", "RecordField");
        config.put("timestamp.field", "created");
        config.put("flush.size", Integer.toString(recordsPerPath));
        config.put("rotate.schedule.interval.ms", "300000");
        if (partitionFetchBytes != null) {
            config.put("consumer.override.max.partition.fetch.bytes", partitionFetchBytes);
        }
        ConnectWorker worker = cluster.worker(0);
        Map<String, Long> metrics = new HashMap<>();
        Result r = measure(cluster, "s3-" + dir, config, topic, worker, () -> metrics.putAll(sinkMetrics(worker,
                "s3-" + dir, "spilled-bytes-total", "files-committed-early-total")));
        Map<String, Long> perPath = new HashMap<>();
        client.listObjectsV2Paginator(q -> q.bucket("bench").prefix(dir + "/")).contents().stream()
                .filter(o -> o.key().endsWith(".parquet"))
                .forEach(o -> perPath.merge(pathAndPartition(o.key()), 1L, Long::sum));
        long objects = perPath.values().stream().mapToLong(Long::longValue).sum();
        boolean oom = cluster.logTails(100_000).contains("OutOfMemoryError");
        System.out.printf("  max.partition.fetch.bytes=%s: %,.0f records/s%s, %.1f worker CPU-s per million records; %,d objects for %,d paths x partitions = "
                + "%.2f objects per path per rotation (max %d), %.0f objects/s; spilled %.0f MB; %s files committed "
                + "early; peak heap %.0f MiB (garbage included), peak old generation after a GC %.0f MiB (sampled "
                + "every 200 ms); OutOfMemoryError: %s%n", partitionFetchBytes == null ? "16 MiB (the worker's)"
                : partitionFetchBytes, r.rate,
                singlePath > 0 ? String.format(" = %.0f%% of the single-path run", 100 * r.rate / singlePath) : "",
                r.cpu, objects, perPath.size(), objects / (double) perPath.size(),
                perPath.values().stream().mapToLong(Long::longValue).max().orElse(0), objects * r.rate / r.count,
                metrics.getOrDefault("spilled-bytes-total", 0L) / 1e6,
                metrics.containsKey("files-committed-early-total") ? metrics.get("files-committed-early-total") : "?",
                r.peakHeap / 1048576.0, r.peakAfterGc / 1048576.0, oom ? "yes" : "no");
    }

    /**
     * A backfill over many partition values, where Apache Iceberg's sink runs out of memory (an open writer per value):
     * record {@code i} of a 4-partition topic falls on day {@code i % 1000}, so every day is open at once in the task.
     * Both sinks commit every 10 s into a table partitioned by {@code day(created)} on the same 1 GiB worker; each may
     * take {@link #DAYS_LIMIT}. Reported: records/s, rows and data files in the table, how the run ended, peak heap,
     * OutOfMemoryErrors in the worker's log.
     */
    private void manyPartitionValues(ConnectCluster cluster, S3Server s3, IcebergTables tables, boolean apache)
            throws Exception {
        String topic = "bench-days";
        int days = Integer.getInteger("bench.days", 1000);
        long total = (long) days * Integer.getInteger("bench.records.per.day", 200);
        cluster.createTopic(topic, 4);
        produce(cluster, topic, total, i -> BASE + (i % days) * DAY + i % 1000);
        System.out.printf("Many partition values: %,d records over %,d days, all days interleaved, table partitioned "
                + "by day(created), commits every 10 s, -Xmx1g, %d s allowed%n", total, days, DAYS_LIMIT.toSeconds());
        Map<String, String> hive = sink(s3, topic, "unused");
        hive.put("rotate.schedule.interval.ms", "10000");
        Map<String, String> ours = tables.sluice(hive, "days_sluice");
        ours.put("partitioner.class", "daily");
        ours.put("timestamp.extractor", "RecordField");
        ours.put("timestamp.field", "created");
        tableRun(cluster, tables, "Sluice table.format=iceberg", "iceberg-days", ours, topic, "days_sluice");
        if (apache) {
            cluster.createTopic("control-apache-days", 1);
            Map<String, String> theirs = tables.apache(hive, "days_apache", "control-apache-days", 10_000);
            theirs.put("iceberg.tables.default-partition-by", "day(created)");
            tableRun(cluster, tables, "Apache Iceberg's sink", "apache-days", theirs, topic, "days_apache");
        }
    }

    private void tableRun(ConnectCluster cluster, IcebergTables tables, String label, String name,
            Map<String, String> config, String topic, String table) throws Exception {
        long oomsBefore = outOfMemoryErrors(cluster);
        Result r = measure(cluster, name, config, topic, cluster.worker(0), null, DAYS_LIMIT, () -> tables.rows(table));
        long rows = tables.rows(table);
        System.out.printf("  %s: %,.0f records/s, %s; %,d rows in %,d data files; peak heap %.0f MiB, peak old "
                + "generation after a GC %.0f MiB; lines naming OutOfMemoryError in the worker's log: %d%n", label,
                r.rate, r.ending, rows, rows == 0 ? 0 : tables.files(table), r.peakHeap / 1048576.0,
                r.peakAfterGc / 1048576.0, outOfMemoryErrors(cluster) - oomsBefore);
    }

    private static long outOfMemoryErrors(ConnectCluster cluster) {
        return cluster.logTails(1_000_000).lines().filter(l -> l.contains("OutOfMemoryError")).count();
    }

    /**
     * Times {@code bench-orders} into table {@code bench.<table>} through Sluice's {@code table.format=iceberg} or,
     * with {@code apache}, Apache Iceberg's sink (its control topic created here); delivered = rows in the table.
     */
    private Result measureTable(ConnectCluster cluster, IcebergTables tables, String name, String table,
            boolean apache, Runnable atEnd) throws Exception {
        Map<String, String> hive = sink(tables.s3(), "bench-orders", "unused");
        Map<String, String> config;
        if (apache) {
            cluster.createTopic("control-" + name, 1);
            config = tables.apache(hive, table, "control-" + name, SINGLE_COMMIT_MS);
        } else {
            config = tables.sluice(hive, table);
        }
        return measure(cluster, name, config, "bench-orders", name.startsWith("warmup") ? null : cluster.worker(0),
                atEnd, TIMEOUT, () -> tables.rows(table));
    }

    /**
     * How late rows become visible while one partition of four is idle (Apache Iceberg's sink waits for every task's
     * answer in each commit round): four tasks, records produced at a steady {@code bench.idle.rate} per second into
     * three partitions for {@code bench.idle.seconds}; both sinks commit every 10 s. The table's rows are counted
     * every 250 ms; a count first seen at time t is taken as the record produced as that count becoming visible t
     * minus its production time later (records are produced in order; across partitions this is approximate).
     */
    private void idlePartition(ConnectCluster cluster, S3Server s3, IcebergTables tables, boolean apache)
            throws Exception {
        int rate = Integer.getInteger("bench.idle.rate", 1000);
        int seconds = Integer.getInteger("bench.idle.seconds", 60);
        System.out.printf("Idle partition: 4 partitions, 4 tasks, %,d records/s into 3 of them for %d s, commits every "
                + "10 s; how late rows are visible in the table (read through the catalog every 250 ms)%n", rate,
                seconds);
        Map<String, String> hive = sink(s3, "unused", "unused");
        hive.put("tasks.max", "4");
        hive.put("rotate.schedule.interval.ms", "10000");
        hive.put("topics", "bench-idle-sluice");
        visibility(cluster, tables, "Sluice table.format=iceberg", "iceberg-idle", tables.sluice(hive, "idle_sluice"),
                "idle_sluice", rate, seconds, null);
        if (apache) {
            cluster.createTopic("control-apache-idle", 1);
            hive.put("topics", "bench-idle-apache");
            visibility(cluster, tables, "Apache Iceberg's sink", "apache-idle",
                    tables.apache(hive, "idle_apache", "control-apache-idle", 10_000), "idle_apache", rate, seconds,
                    null);
        }
    }

    /**
     * A catalog outage: both sinks commit through a REST catalog (the test kit's, over the JDBC catalog) that stops
     * answering (connections refused) for {@code bench.outage.seconds} (60) while 300 records/s are produced for 60 s,
     * the outage starting 15 s in. Reported: rows in the table when the run ends, the tasks' states, the lag.
     */
    private void catalogOutage(ConnectCluster cluster, S3Server s3, IcebergTables tables, boolean apache)
            throws Exception {
        int down = Integer.getInteger("bench.outage.seconds", 60);
        System.out.printf("Catalog outage: a REST catalog refuses connections for %d s, from 15 s into 60 s of 300 "
                + "records/s over 4 partitions and 4 tasks; commits every 10 s%n", down);
        try (io.sluice.connect.testkit.IcebergRestCatalog rest =
                     new io.sluice.connect.testkit.IcebergRestCatalog(tables.catalog())) {
            Outage outage = new Outage(15, down, rest::down);
            Map<String, String> hive = sink(s3, "bench-outage-sluice", "unused");
            hive.put("tasks.max", "4");
            hive.put("rotate.schedule.interval.ms", "10000");
            visibility(cluster, tables, "Sluice table.format=iceberg", "iceberg-outage",
                    IcebergTables.overRest(tables.sluice(hive, "outage_sluice"), rest.uri()), "outage_sluice", 300, 60,
                    outage);
            if (apache) {
                cluster.createTopic("control-apache-outage", 1);
                hive.put("topics", "bench-outage-apache");
                visibility(cluster, tables, "Apache Iceberg's sink", "apache-outage", IcebergTables.overRest(
                        tables.apache(hive, "outage_apache", "control-apache-outage", 10_000), rest.uri()),
                        "outage_apache", 300, 60, outage);
            }
        }
    }

    /** The catalog is switched off {@code from} seconds into a run, for {@code seconds}. */
    private record Outage(int from, int seconds, IoSwitch catalogDown) {
    }

    private interface IoSwitch {
        void set(boolean down) throws java.io.IOException;
    }

    private void visibility(ConnectCluster cluster, IcebergTables tables, String label, String name,
            Map<String, String> config, String table, int rate, int seconds, Outage outage) throws Exception {
        String topic = config.get("topics");
        cluster.createTopic(topic, 4);
        int total = rate * seconds;
        java.util.concurrent.atomic.AtomicLongArray producedAt = new java.util.concurrent.atomic.AtomicLongArray(total);
        cluster.rest().run(name, config, 4, Duration.ofMinutes(2));
        try {
            Thread producer = new Thread(() -> {
                Properties props = new Properties();
                props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
                props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    long start = System.nanoTime();
                    for (int i = 0; i < total; i++) {
                        long due = start + i * 1_000_000_000L / rate; // a steady pace, not a wait for a condition
                        long ahead = due - System.nanoTime();
                        if (ahead > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(ahead);
                        }
                        producedAt.set(i, System.nanoTime());
                        p.send(new ProducerRecord<>(topic, i % 3, null, message(i, BASE + i)));
                    }
                }
            }, "bench-idle-producer");
            long started = System.nanoTime();
            producer.start();
            List<Double> lags = new ArrayList<>();
            long seen = 0;
            long deadline = started + (seconds + (outage == null ? 0 : outage.seconds()) + 180) * 1_000_000_000L;
            boolean down = false;
            boolean failed = false;
            while (seen < total && !failed && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L); // the sampling period
                double at = (System.nanoTime() - started) / 1e9;
                if (outage != null && down != (at >= outage.from() && at < outage.from() + outage.seconds())) {
                    down = !down;
                    outage.catalogDown().set(down);
                }
                long rows = tables.rows(table);
                long now = System.nanoTime();
                if (rows > seen) {
                    lags.add((now - producedAt.get((int) Math.min(rows, total) - 1)) / 1e9);
                    seen = rows;
                }
                failed = outage != null && !down && failed(cluster, name);
            }
            if (down) {
                outage.catalogDown().set(false);
            }
            producer.join();
            System.out.printf("  %s: %,d of %,d rows visible%s; lag of each newly visible count: median %.1f s, max "
                    + "%.1f s (%d counts)%n", label, seen, total, failed ? ", a task FAILED" : "",
                    lags.isEmpty() ? 0 : BenchSupport.median(lags), lags.stream().mapToDouble(d -> d).max().orElse(0),
                    lags.size());
        } finally {
            cluster.rest().deleteConnector(name);
        }
    }

    /**
     * Limit (c): objects/s the S3 server takes when each is created, sent and completed as the sink does, from the
     * sink's own storage client, as many at a time as the sink sends: the ceiling of a backfill's commits.
     */
    private static double s3Capacity(S3Server s3) {
        Map<String, String> props = new HashMap<>(s3.sinkProps("bench"));
        props.put("topics", "capacity");
        byte[] body = new byte[12 * 1024];
        new java.util.Random(7).nextBytes(body);
        int objects = 3000;
        try (S3Storage storage = new S3Storage(new S3SinkConfig(props))) {
            List<Integer> keys = java.util.stream.IntStream.range(0, objects).boxed().toList();
            long start = System.nanoTime();
            storage.eachInParallel(keys, i -> {
                String key = "capacity/" + i + ".parquet";
                String upload = storage.createUpload(key, Map.of());
                storage.complete(key, upload, List.of(storage.uploadPart(key, upload, 1, body, body.length)));
            });
            return objects / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** {@code paths/<topic>/year=../hour=../<topic>+<partition>+<offset>.parquet} -> its directory and partition. */
    private static String pathAndPartition(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        String[] parts = name.split("\\+");
        return key.substring(0, key.lastIndexOf('/')) + "#" + parts[1];
    }

    /** The named plugin metrics of a connector's tasks on {@code worker}, summed (absent before Kafka 4.1). */
    private static Map<String, Long> sinkMetrics(ConnectWorker worker, String connector, String... names) {
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : worker.metrics("kafka.connect:type=plugins,*").entrySet()) {
            if (!e.getKey().contains("connector=" + connector)) {
                continue;
            }
            for (String name : names) {
                if (e.getValue().get(name) instanceof Number n) {
                    out.merge(name, n.longValue(), Long::sum);
                }
            }
        }
        return out;
    }

    private static Map<String, String> converters(Map<String, String> c) {
        c.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "true");
        return c;
    }

    private static Map<String, String> discard(String topic) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", DiscardSink.class.getName());
        c.put("topics", topic);
        c.put("tasks.max", "1");
        return converters(c);
    }

    private static Map<String, String> sink(S3Server s3, String topic, String dir) {
        Map<String, String> c = new HashMap<>(s3.sinkProps("bench"));
        c.put("connector.class", "io.sluice.connect.s3.S3ParquetSinkConnector");
        c.put("topics", topic);
        c.put("tasks.max", "1");
        c.put("topics.dir", dir);
        c.put("flush.size", "250000");
        c.put("rotate.schedule.interval.ms", Long.toString(SINGLE_COMMIT_MS));
        c.put("parquet.codec", "snappy");
        return converters(c);
    }

    /** "median (min to max)" records/s of the runs. */
    private static String rates(List<Result> runs) {
        return BenchSupport.spread(runs.stream().map(Result::rate).toList());
    }

    /** Each figure's median over the runs (records/s, MB/s, CPU and heap taken separately). */
    private static Result median(List<Result> runs) {
        return new Result(runs.get(0).count, med(runs, Result::rate), med(runs, Result::mbps), med(runs, Result::cpu),
                med(runs, Result::sluiceThreads), (long) med(runs, r -> r.peakHeap), (long) med(runs, r -> r.peakOld), (long) med(runs,
                r -> r.peakAfterGc), runs.get(0).ending);
    }

    private static double med(List<Result> runs, java.util.function.ToDoubleFunction<Result> f) {
        return BenchSupport.median(runs.stream().map(f::applyAsDouble).toList());
    }

    /**
     * A run: records, records/s, MB/s of JSON values, the worker's CPU-seconds per million records and those of its
     * Sluice threads alone, heap peaks.
     */
    private record Result(long count, double rate, double mbps, double cpu, double sluiceThreads, long peakHeap,
            long peakOld, long peakAfterGc, String ending) {
    }

    /**
     * Times a sink from creation until its consumer group has committed every offset of {@code topic}; {@code atEnd}
     * (if any) runs then, before the connector is deleted.
     */
    private Result measure(ConnectCluster cluster, String name, Map<String, String> config, String topic,
            ConnectWorker heapOf, Runnable atEnd) throws Exception {
        try (Admin admin = cluster.admin()) {
            return measure(cluster, name, config, topic, heapOf, atEnd, TIMEOUT,
                    () -> BenchSupport.committedOffsets(admin, name));
        }
    }

    /**
     * Times a sink from creation until {@code delivered} (records where readers see them: committed offsets of the
     * Hive layout, rows in an Iceberg table) reaches the records of {@code topic}, its task fails, or {@code limit}
     * passes; {@code atEnd} (if any) runs then, before the connector is deleted.
     */
    private Result measure(ConnectCluster cluster, String name, Map<String, String> config, String topic,
            ConnectWorker heapOf, Runnable atEnd, Duration limit, Callable<Long> delivered) throws Exception {
        try (Admin admin = cluster.admin(); BenchSupport.HeapSampler heap = new BenchSupport.HeapSampler(heapOf)) {
            long count = BenchSupport.endOffsets(admin, topic);
            ConnectWorker worker = cluster.worker(0);
            Map<Long, ConnectWorker.ThreadCpu> threadsBefore = worker.threadCpu();
            Map<Long, Map.Entry<String, Long>> waitsBefore = BenchSupport.threadWaits(worker);
            long cpuBefore = BenchSupport.cpuNanos(worker);
            long start = System.nanoTime();
            cluster.rest().createConnector(name, config);
            try {
                String[] ending = {"complete"};
                long[] done = {0};
                try {
                    Wait.until(count + " records of " + topic + " delivered by " + name, limit, () -> {
                        done[0] = delivered.call();
                        if (done[0] < count && failed(cluster, name)) {
                            ending[0] = String.format("task failed %.0f s after the connector was created",
                                    (System.nanoTime() - start) / 1e9);
                            return true;
                        }
                        return done[0] >= count;
                    });
                } catch (AssertionError | RuntimeException e) {
                    if (limit.equals(TIMEOUT)) {
                        throw e;
                    }
                    ending[0] = "not complete after " + limit.toSeconds() + " s";
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long cpuNanos = BenchSupport.cpuNanos(worker) - cpuBefore;
                double cpu = BenchSupport.cpuPerMillion(cpuNanos, done[0]);
                double threads = BenchSupport.cpuPerMillion(BenchSupport.sluiceThreadsCpu(threadsBefore, worker),
                        done[0]);
                BenchSupport.printThreads(name, threadsBefore, waitsBefore, worker, cpuNanos, done[0]);
                if (atEnd != null) {
                    atEnd.run();
                }
                return new Result(done[0], done[0] / seconds, valueBytes.getOrDefault(topic, 0L) * done[0] / count
                        / seconds / 1e6, cpu, threads, heap.peak(), heap.peakOld(), heap.peakAfterGc(), ending[0]);
            } finally {
                cluster.rest().deleteConnector(name);
            }
        }
    }

    /** Whether a task of connector {@code name} reports FAILED (false while the worker does not answer). */
    private static boolean failed(ConnectCluster cluster, String name) {
        try {
            JsonNode status = cluster.rest().status(name);
            for (JsonNode t : status.path("tasks")) {
                if ("FAILED".equals(t.path("state").asText())) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Uncompressed bytes of the record values produced per topic: the data rate the sinks convert. */
    private final Map<String, Long> valueBytes = new HashMap<>();

    private void produce(ConnectCluster cluster, String topic, long count,
            java.util.function.LongUnaryOperator created) {
        long bytes = 0;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            for (long i = 0; i < count; i++) {
                byte[] value = message(i, created.applyAsLong(i));
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value));
            }
            producer.flush();
        }
        valueBytes.put(topic, bytes);
    }

    /** Limit (a): the same records, converted beforehand, written by one parquet-avro writer to a local file. */
    private double plainWrite() throws Exception {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        SchemaAndValue first = converter.toConnectData("bench", message(0, BASE));
        org.apache.avro.Schema avro = AvroSchemas.toAvro(first.schema());
        AvroValues.Converter toAvro = AvroValues.compile(first.schema(), avro);
        List<GenericRecord> rows = new ArrayList<>((int) records);
        for (long i = 0; i < records; i++) {
            rows.add((GenericRecord) toAvro.convert(converter.toConnectData("bench", message(i, BASE + i)).value()));
        }
        Path file = Files.createTempFile("sluice-bench-", ".parquet");
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Counting out = new Counting(os);
            long start = System.nanoTime();
            try (ParquetWriter<GenericRecord> writer = ParquetFiles.writer(out, avro,
                    new ParquetFiles.Settings(CompressionCodecName.SNAPPY, 32 << 20, 1 << 20, true))) {
                for (GenericRecord r : rows) {
                    writer.write(r);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("    (a) wrote %.1f MB of Parquet%n", out.pos / 1e6);
            return records / seconds;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static final class Counting extends PositionOutputStream {
        private final OutputStream out;
        private long pos;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            out.write(b);
            pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            pos += len;
        }
    }
}
