package io.sluice.connect.bundle.bench;

import io.sluice.connect.testkit.ConnectWorker;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the benchmarks share: topic sizes and offsets, a worker's heap over a run, test-only plugins. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** The local PostgreSQL the benchmarks use (-Dsluice.postgres.url). */
    static String postgresUrl() {
        return System.getProperty("sluice.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    /**
     * Deletes the broker data of every cluster named {@code name} under the test kit's directory: a benchmark writes
     * gigabytes of records, which nothing reads after the run (the logs stay).
     */
    static void discardBrokerData(String name) throws java.io.IOException {
        java.nio.file.Path base = java.nio.file.Path.of(System.getProperty("sluice.testkit.dir", "target/connect-cluster"));
        if (!java.nio.file.Files.isDirectory(base)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> clusters = java.nio.file.Files.list(base)) {
            for (java.nio.file.Path c : clusters.filter(p -> p.getFileName().toString().startsWith(name + "-")).toList()) {
                java.nio.file.Path data = c.resolve("broker").resolve("data");
                if (java.nio.file.Files.isDirectory(data)) {
                    try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(data)) {
                        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** "median (min to max)", as whole numbers with thousands separators. */
    static String spread(List<Double> values) {
        return String.format("%,.0f (%,.0f to %,.0f)", median(values), values.stream().mapToDouble(d -> d).min()
                .orElse(0), values.stream().mapToDouble(d -> d).max().orElse(0));
    }

    /** Each value with one decimal, for a list of per-round figures. */
    static List<String> rounded(List<Double> values) {
        return values.stream().map(d -> String.format("%.1f", d)).toList();
    }

    /** Sum of the latest offsets of {@code topic}'s partitions (0 if it does not exist). */
    static long endOffsets(Admin admin, String topic) throws Exception {
        if (!admin.listTopics().names().get().contains(topic)) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    /** Sum of the offsets a sink connector's consumer group has committed. */
    static long committedOffsets(Admin admin, String connector) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-" + connector)
                .partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /** Bytes of the topic's log on the broker: values, keys and record overhead. */
    static long topicBytes(Admin admin, String topic) throws Exception {
        long bytes = 0;
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
        for (var dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var dir : dirs.values()) {
                for (var e : dir.replicaInfos().entrySet()) {
                    if (e.getKey().topic().equals(topic)) {
                        bytes += e.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * The worker's JVM options: a fixed heap of {@code heap}; with {@code -Dbench.jfr=<file>} a flight recording, and
     * with {@code -Dbench.jvm="..."} any other options (space-separated), such as a profiler agent.
     */
    static List<String> workerJvm(String heap) {
        List<String> options = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        String jfr = System.getProperty("bench.jfr", "");
        if (!jfr.isEmpty()) {
            options.add("-XX:StartFlightRecording=filename=" + jfr + ",settings="
                    + System.getProperty("bench.jfr.settings", "profile"));
        }
        for (String option : System.getProperty("bench.jvm", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return options;
    }

    /**
     * CPU time the worker's JVM has used so far, in nanoseconds, read from the worker process over JMX: the difference
     * across a run is what the whole pipeline (connector, converter, producer or consumer) cost the worker.
     */
    static long cpuNanos(ConnectWorker worker) {
        Object cpu = worker.metrics("java.lang:type=OperatingSystem").values().iterator().next().get("ProcessCpuTime");
        return ((Number) cpu).longValue();
    }

    /**
     * CPU time the worker's Sluice threads (named {@code sluice-*}: the S3 sink's writer, uploader and committers, the
     * JDBC source's read thread and pool) used since {@code before} ({@link ConnectWorker#threadCpu()}), in
     * nanoseconds. Read before the connector is deleted, while its threads live. What the connector's code costs on
     * threads of its own, without the noise of the worker's threads; the garbage it makes is collected elsewhere.
     */
    static long sluiceThreadsCpu(Map<Long, ConnectWorker.ThreadCpu> before, ConnectWorker worker) {
        long sum = 0;
        for (Map.Entry<Long, ConnectWorker.ThreadCpu> e : worker.threadCpu().entrySet()) {
            if (e.getValue().name().startsWith("sluice-")) {
                ConnectWorker.ThreadCpu was = before.get(e.getKey());
                sum += e.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos());
            }
        }
        return sum;
    }

    /** {@code -Dbench.threads=true}: print each run's CPU and waits for a CPU by thread. */
    private static final boolean THREADS = Boolean.getBoolean("bench.threads");

    /**
     * What {@link #printThreads} compares a run's end with: the time each of the worker's threads has waited for a CPU
     * so far, by thread id, with its name; empty (and {@code /proc} not read) unless {@code -Dbench.threads=true}.
     */
    static Map<Long, Map.Entry<String, Long>> threadWaits(ConnectWorker worker) {
        return THREADS ? runQueueWait(worker.pid()) : Map.of();
    }

    /**
     * With {@code -Dbench.threads=true}, prints where the worker's time went during {@code run}, per million records,
     * threads whose names differ only in numbers taken together, highest first: CPU by thread (the rest of the
     * process, {@code processCpuNanos} minus the Java threads, being the garbage collector, JIT compiler and VM), then
     * how long each thread was ready to run but waited for a CPU (on two shared cores, what a pipeline's bottleneck
     * thread loses to the other threads and processes).
     */
    static void printThreads(String run, Map<Long, ConnectWorker.ThreadCpu> cpuBefore,
            Map<Long, Map.Entry<String, Long>> waitsBefore, ConnectWorker worker, long processCpuNanos, long records) {
        if (!THREADS) {
            return;
        }
        Map<String, Long> cpu = new HashMap<>();
        long listed = 0;
        for (Map.Entry<Long, ConnectWorker.ThreadCpu> e : worker.threadCpu().entrySet()) {
            ConnectWorker.ThreadCpu was = cpuBefore.get(e.getKey());
            long used = e.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos());
            cpu.merge(threadKind(e.getValue().name()), used, Long::sum);
            listed += used;
        }
        System.out.println(byThread("CPU-s per million records by thread, " + run + ":", cpu, records)
                + String.format(" not Java threads (GC, JIT, VM) %.2f", cpuPerMillion(processCpuNanos - listed,
                records)));
        Map<String, Long> waits = new HashMap<>();
        for (Map.Entry<Long, Map.Entry<String, Long>> e : runQueueWait(worker.pid()).entrySet()) {
            Map.Entry<String, Long> was = waitsBefore.get(e.getKey());
            waits.merge(threadKind(e.getValue().getKey()),
                    e.getValue().getValue() - (was == null ? 0 : was.getValue()), Long::sum);
        }
        System.out.println(byThread("waiting for a CPU, s per million records by thread, " + run + ":", waits,
                records));
    }

    /** Threads whose names differ only in numbers (pools, tasks of one connector) count as one. */
    private static String threadKind(String name) {
        return name.replaceAll("\\d+", "#");
    }

    /** {@code title}, then each kind of thread's seconds per million records, highest first, from 0.05 s. */
    private static String byThread(String title, Map<String, Long> nanosByKind, long records) {
        StringBuilder line = new StringBuilder("  " + title);
        nanosByKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> cpuPerMillion(e.getValue(), records) >= 0.05)
                .forEach(e -> line.append(String.format(" %s %.2f;", e.getKey(), cpuPerMillion(e.getValue(), records))));
        return line.toString();
    }

    /**
     * Time each of a process's threads has spent ready to run but waiting for a CPU, in nanoseconds by thread id, with
     * the thread's name ({@code /proc/<pid>/task/<tid>/schedstat}, second field; {@code comm}, cut to 15 characters
     * by the kernel). Empty where {@code /proc} has no such process.
     */
    private static Map<Long, Map.Entry<String, Long>> runQueueWait(long pid) {
        Map<Long, Map.Entry<String, Long>> out = new HashMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String[] stat = Files.readString(t.resolve("schedstat")).trim().split(" ");
                    out.put(Long.parseLong(t.getFileName().toString()),
                            Map.entry(Files.readString(t.resolve("comm")).trim(), Long.parseLong(stat[1])));
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException noSuchProcess) {
            // nothing to report
        }
        return out;
    }

    /**
     * CPU time each local process named {@code command} (e.g. {@code postgres}: the server and every backend) has
     * used so far, in nanoseconds by process id, from {@code /proc}; empty where there is none.
     */
    static Map<Long, Long> processesCpuNanos(String command) {
        Map<Long, Long> out = new HashMap<>();
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (stat.substring(stat.indexOf('(') + 1, close).equals(command)) {
                        String[] f = stat.substring(close + 2).split(" "); // from field 3, "state"
                        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                        out.put(Long.parseLong(p.getFileName().toString()), ticks * 10_000_000L); // USER_HZ is 100
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended while being read
                }
            }
        } catch (java.io.IOException noProc) {
            return Map.of();
        }
        return out;
    }

    /**
     * CPU the processes named {@code command} used since {@code before}, in nanoseconds: per process, so those that
     * end meanwhile (the previous run's database sessions) take nothing away; what they used after {@code before}
     * is lost with them, so read it around a run whose connections stay open.
     */
    static long processesCpuSince(String command, Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : processesCpuNanos(command).entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    /** CPU-seconds per million records of a run that used {@code cpuNanos} for {@code records}. */
    static double cpuPerMillion(long cpuNanos, long records) {
        return cpuNanos / 1e9 / (records / 1e6);
    }

    /**
     * Samples a worker's heap every 200 ms over JMX: peak used (garbage included), peak of the old generation, and
     * peak heap after a collection (what the old generation held right after each GC: the retained set, which a leak
     * or an unbounded buffer grows).
     */
    static final class HeapSampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong peakOld = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

        HeapSampler(ConnectWorker worker) {
            if (worker == null) {
                return;
            }
            sampler.scheduleAtFixedRate(() -> {
                try {
                    Object used = worker.metrics("java.lang:type=Memory").values().iterator().next()
                            .get("HeapMemoryUsage.used");
                    peak.accumulateAndGet(((Number) used).longValue(), Math::max);
                    for (Map<String, Object> pool : worker.metrics("java.lang:type=MemoryPool,name=G1 Old Gen")
                            .values()) {
                        peakOld.accumulateAndGet(((Number) pool.get("Usage.used")).longValue(), Math::max);
                        Object afterGc = pool.get("CollectionUsage.used");
                        if (afterGc instanceof Number n) {
                            peakAfterGc.accumulateAndGet(n.longValue(), Math::max);
                        }
                    }
                } catch (RuntimeException e) {
                    System.err.println("heap sample failed: " + e);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        long peak() {
            return peak.get();
        }

        long peakOld() {
            return peakOld.get();
        }

        long peakAfterGc() {
            return peakAfterGc.get();
        }

        @Override
        public void close() {
            sampler.shutdownNow();
        }
    }

    /** A plugin directory of its own holding {@code classes} in one jar, with a service manifest for the first. */
    static void writePlugin(Path dir, String service, List<Class<?>> classes) throws Exception {
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve(dir.getFileName() + ".jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(jar);
                }
            }
            jar.putNextEntry(new JarEntry("META-INF/services/" + service));
            jar.write((classes.get(0).getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("Benchmark plugin: " + dir);
    }
}
