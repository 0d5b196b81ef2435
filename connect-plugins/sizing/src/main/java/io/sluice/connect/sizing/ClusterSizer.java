package io.sluice.connect.sizing;

import static io.sluice.connect.sizing.Workload.AVAILABILITY_ZONES;
import static io.sluice.connect.sizing.Workload.BROKER_CPU_CORES;
import static io.sluice.connect.sizing.Workload.BROKER_DISK_CAPACITY;
import static io.sluice.connect.sizing.Workload.BROKER_DISK_THROUGHPUT;
import static io.sluice.connect.sizing.Workload.BROKER_FAILURES;
import static io.sluice.connect.sizing.Workload.BROKER_MAX_PARTITIONS;
import static io.sluice.connect.sizing.Workload.BROKER_MEMORY;
import static io.sluice.connect.sizing.Workload.BROKER_NETWORK;
import static io.sluice.connect.sizing.Workload.COMPRESSION_RATIO;
import static io.sluice.connect.sizing.Workload.CONSUMER_PARALLELISM;
import static io.sluice.connect.sizing.Workload.CPU_BASELINE;
import static io.sluice.connect.sizing.Workload.CPU_THROUGHPUT_PER_CORE;
import static io.sluice.connect.sizing.Workload.DISK_MAX_USAGE;
import static io.sluice.connect.sizing.Workload.MESSAGE_SIZE;
import static io.sluice.connect.sizing.Workload.MIN_INSYNC_REPLICAS;
import static io.sluice.connect.sizing.Workload.PAGE_CACHE_WINDOW;
import static io.sluice.connect.sizing.Workload.PARTITION_HEADROOM;
import static io.sluice.connect.sizing.Workload.PARTITION_READ;
import static io.sluice.connect.sizing.Workload.PARTITION_WRITE;
import static io.sluice.connect.sizing.Workload.READ_FANOUT;
import static io.sluice.connect.sizing.Workload.READ_LAGGING;
import static io.sluice.connect.sizing.Workload.REPLICATION_FACTOR;
import static io.sluice.connect.sizing.Workload.RETENTION_BYTES;
import static io.sluice.connect.sizing.Workload.RETENTION_TIME;
import static io.sluice.connect.sizing.Workload.TARGET_UTILIZATION;
import static io.sluice.connect.sizing.Workload.TIERED_LOCAL_RETENTION;
import static io.sluice.connect.sizing.Workload.TOPICS;
import static io.sluice.connect.sizing.Units.GIB;
import static io.sluice.connect.sizing.Units.MIB;
import static io.sluice.connect.sizing.Units.number;

import java.util.ArrayList;
import java.util.List;

/**
 * Sizes a Kafka cluster for a {@link Workload}.
 *
 * <p>The broker count is the largest of independent lower bounds (storage, disk throughput, network in, network out,
 * partitions per broker, CPU, memory for the page cache, and the replication factor itself), plus the brokers that
 * may fail, rounded up to a multiple of the zone count. CPU follows the rule of 2 cores per 100 MB/s of writes (produce
 * and replication) on top of a 4-core baseline. Traffic bounds use the peak rate and compressed bytes:
 * <ul>
 *   <li>network in = P/r x RF (producers, then followers fetching from leaders);</li>
 *   <li>network out = P/r x (RF - 1 + C) (replication to followers, and every consumer group);</li>
 *   <li>disk = P/r x (RF + L) (every replica written, lagging readers served from disk).</li>
 * </ul>
 * Storage uses the average rate, since retention smooths peaks out.
 */
public final class ClusterSizer {

    /** The operating system's share of broker RAM, outside heap and page cache. */
    static final double OS_RESERVE = 1 * GIB;
    /** Broker heap: 1 GiB plus 0.5 MiB per hosted replica, kept within the 4-8 GiB range operators run. */
    static final double HEAP_BASE = 1 * GIB;
    static final double HEAP_PER_REPLICA = 0.5 * MIB;
    static final double HEAP_MIN = 4 * GIB;
    static final double HEAP_MAX = 8 * GIB;
    /** Highest broker count the memory bound will search up to. */
    private static final int MAX_BROKERS = 100_000;

    private ClusterSizer() {
    }

    public static SizingResult size(Workload w) {
        if (!w.isSet(Workload.WRITE_AVG)) {
            throw new SizingException(Workload.WRITE_AVG.name(), "required: the average produce rate, e.g. 50MB/s");
        }
        Traffic t = Traffic.of(w);
        Partitions p = partitions(w, t);
        Retained kept = retained(w, t, p.total());
        List<Figure> bounds = brokerBounds(w, t, p, kept);

        Figure binding = bounds.get(0);
        for (Figure b : bounds) {
            if (b.value() > binding.value()) {
                binding = b;
            }
        }
        int needed = (int) binding.value();
        int failures = w.integer(BROKER_FAILURES);
        int zones = w.integer(AVAILABILITY_ZONES);
        int brokers = roundUp(needed + failures, zones);

        SizingResult result = new SizingResult(w.describe(), bounds);
        result.add(new Figure("brokers", brokers, brokers(brokers), binding.name(),
                "roundUp(max(bounds) + failures tolerated, zones)",
                "max(bounds) = " + needed + " (" + binding.name() + "); roundUp(" + needed + " + " + failures + ", " + zones + ") = " + brokers));
        addPartitionFigures(result, t, p, brokers);
        addStorageFigures(result, w, t, p, kept);
        addPerBrokerFigures(result, w, t, p, kept, brokers);
        double messages = t.peakRaw() / w.get(MESSAGE_SIZE);
        result.add(new Figure("messages.per.second", messages, number(Math.round(messages)) + " msg/s at peak", "message.size",
                "P / message size", Units.rate(t.peakRaw()) + " / " + Units.bytes(w.get(MESSAGE_SIZE))));

        ConnectSizer.size(w, p.total()).forEach(result::add);
        warn(w, result, binding, bounds, brokers);
        return result;
    }

    /** The rates every figure is computed from: raw bytes for partitions, compressed for what brokers store and move. */
    private record Traffic(double avgCompressed, double peakRaw, double peakCompressed, int rf, double fanout,
                           double lagging, double utilization, int topics) {

        static Traffic of(Workload w) {
            double r = w.get(COMPRESSION_RATIO);
            return new Traffic(w.get(Workload.WRITE_AVG) / r, w.get(Workload.WRITE_PEAK), w.get(Workload.WRITE_PEAK) / r,
                    w.integer(REPLICATION_FACTOR), w.get(READ_FANOUT), w.get(READ_LAGGING), w.get(TARGET_UTILIZATION),
                    w.integer(TOPICS));
        }

        /** Into brokers: produce, then followers fetching from leaders. */
        double networkIn() {
            return peakCompressed * rf;
        }

        /** Out of brokers: replication to followers, and every consumer group. */
        double networkOut() {
            return peakCompressed * (rf - 1 + fanout);
        }
    }

    /** Partitions per topic (and what set the count), in all, and their replicas. */
    private record Partitions(int perTopic, long total, long replicas, String binding, Figure figure) {
    }

    /** Data kept on broker disks: once, and with every replica; how it was worked out. */
    private record Retained(double once, double stored, String formula, String explained, boolean tiered) {
    }

    /** Jun Rao's rule, then parallelism, headroom and a multiple of the consumer count. */
    private static Partitions partitions(Workload w, Traffic t) {
        int parallelism = w.integer(CONSUMER_PARALLELISM);
        double perTopic = t.peakRaw() / t.topics();
        int byWrite = ceil(perTopic / w.get(PARTITION_WRITE));
        int byRead = ceil(perTopic / w.get(PARTITION_READ));
        int base = Math.max(Math.max(byWrite, byRead), parallelism);
        int withHeadroom = ceil(base * w.get(PARTITION_HEADROOM));
        int partitionsPerTopic = roundUp(withHeadroom, parallelism);
        String partitionBinding = base == parallelism && parallelism > Math.max(byWrite, byRead) ? "consumer.parallelism"
                : byWrite >= byRead ? "partition.write.throughput" : "partition.read.throughput";
        Figure figure = new Figure("partitions.per.topic", partitionsPerTopic,
                partitionsPerTopic + " partitions", partitionBinding,
                "roundUp(ceil(max(T/p, T/c, consumers) x headroom), consumers), T = peak / topics",
                "T = " + Units.rate(t.peakRaw()) + " / " + t.topics() + " = " + Units.rate(perTopic)
                        + "; max(" + byWrite + ", " + byRead + ", " + parallelism + ") = " + base
                        + "; ceil(" + base + " x " + number(w.get(PARTITION_HEADROOM)) + ") = " + withHeadroom
                        + "; rounded up to a multiple of " + parallelism + " = " + partitionsPerTopic);
        long partitions = (long) partitionsPerTopic * t.topics();
        return new Partitions(partitionsPerTopic, partitions, partitions * t.rf(), partitionBinding, figure);
    }

    /** Retention by time (the local tier's when tiered), capped by retention.bytes per partition when set. */
    private static Retained retained(Workload w, Traffic t, long partitions) {
        boolean tiered = w.isSet(TIERED_LOCAL_RETENTION);
        double localRetention = tiered ? w.get(TIERED_LOCAL_RETENTION) : w.get(RETENTION_TIME);
        double byTime = t.avgCompressed() * localRetention;
        double retainedOnce = byTime;
        String retainedFormula = "W/r x " + (tiered ? "local retention" : "retention");
        String retainedExplained = Units.rate(t.avgCompressed()) + " x " + Units.duration(localRetention) + " = " + Units.bytes(byTime);
        if (w.isSet(RETENTION_BYTES)) {
            double byBytes = w.get(RETENTION_BYTES) * partitions;
            if (byBytes < byTime) {
                retainedOnce = byBytes;
                retainedExplained = "retention.bytes x partitions = " + Units.bytes(w.get(RETENTION_BYTES)) + " x " + partitions
                        + " = " + Units.bytes(byBytes) + " (less than " + Units.bytes(byTime) + " by time)";
            }
            retainedFormula = "min(" + retainedFormula + ", retention.bytes x partitions)";
        }
        return new Retained(retainedOnce, retainedOnce * t.rf(), retainedFormula, retainedExplained, tiered);
    }

    /** The independent lower bounds on the broker count, each with its formula and numbers. */
    private static List<Figure> brokerBounds(Workload w, Traffic t, Partitions p, Retained kept) {
        int rf = t.rf();
        double u = t.utilization();
        double peakCompressed = t.peakCompressed();
        double usableDisk = w.get(BROKER_DISK_CAPACITY) * w.get(DISK_MAX_USAGE);
        List<Figure> bounds = new ArrayList<>();
        bounds.add(bound("storage", ceil(kept.stored() / usableDisk), "retained data fits in broker disks",
                "ceil(" + kept.formula() + " x RF / (disk capacity x disk.max.usage))",
                "ceil(" + Units.bytes(kept.once()) + " x " + rf + " / (" + Units.bytes(w.get(BROKER_DISK_CAPACITY))
                        + " x " + number(w.get(DISK_MAX_USAGE)) + ")) = ceil(" + Units.bytes(kept.stored()) + " / " + Units.bytes(usableDisk) + ")"
                        + " [" + kept.explained() + "]"));
        double diskLoad = peakCompressed * (rf + t.lagging());
        bounds.add(bound("disk.throughput", ceil(diskLoad / (w.get(BROKER_DISK_THROUGHPUT) * u)), "disk writes of every replica and lagging reads",
                "ceil(P/r x (RF + L) / (disk throughput x u))",
                "ceil(" + Units.rate(peakCompressed) + " x (" + rf + " + " + number(t.lagging()) + ") / (" + Units.rate(w.get(BROKER_DISK_THROUGHPUT))
                        + " x " + number(u) + "))"));
        bounds.add(bound("network.in", ceil(t.networkIn() / (w.get(BROKER_NETWORK) * u)), "produce and replication traffic into brokers",
                "ceil(P/r x RF / (network x u))",
                "ceil(" + Units.rate(peakCompressed) + " x " + rf + " / (" + Units.rate(w.get(BROKER_NETWORK)) + " x " + number(u) + "))"));
        bounds.add(bound("network.out", ceil(t.networkOut() / (w.get(BROKER_NETWORK) * u)), "replication and consumer traffic out of brokers",
                "ceil(P/r x (RF - 1 + C) / (network x u))",
                "ceil(" + Units.rate(peakCompressed) + " x (" + rf + " - 1 + " + number(t.fanout()) + ") / (" + Units.rate(w.get(BROKER_NETWORK))
                        + " x " + number(u) + "))"));
        bounds.add(bound("partitions", ceil((double) p.replicas() / w.get(BROKER_MAX_PARTITIONS)), "partition replicas per broker",
                "ceil(partitions x topics x RF / max partitions per broker)",
                "ceil(" + p.perTopic() + " x " + t.topics() + " x " + rf + " / " + w.integer(BROKER_MAX_PARTITIONS) + ")"));
        // Produce and replication writes cost CPU (CRC checks, batch validation); reads are zero-copy and cheap.
        double coresForTraffic = w.get(BROKER_CPU_CORES) * u - w.get(CPU_BASELINE);
        if (coresForTraffic <= 0) {
            throw new SizingException(BROKER_CPU_CORES.name(), w.integer(BROKER_CPU_CORES) + " cores at target.utilization "
                    + number(u) + " leave nothing above the " + number(w.get(CPU_BASELINE)) + " baseline cores; use bigger brokers");
        }
        bounds.add(bound("cpu", ceil(t.networkIn() / w.get(CPU_THROUGHPUT_PER_CORE) / coresForTraffic), "cores for produce and replication above the baseline",
                "ceil(P/r x RF / throughput per core / (cores x u - baseline))",
                "ceil(" + Units.rate(t.networkIn()) + " / " + Units.rate(w.get(CPU_THROUGHPUT_PER_CORE)) + " / (" + w.integer(BROKER_CPU_CORES)
                        + " x " + number(u) + " - " + number(w.get(CPU_BASELINE)) + "))"));
        int byMemory = brokersForMemory(w, t.avgCompressed(), p.replicas());
        bounds.add(bound("memory", byMemory, "heap, OS and the page-cache window fit in broker RAM",
                "least B with heap(B) + OS + W/r / B x window <= memory",
                "heap(B) = clamp(1 GiB + replicas/B x 0.5 MiB, 4 GiB, 8 GiB), OS = 1 GiB, window = "
                        + Units.duration(w.get(PAGE_CACHE_WINDOW)) + ", W/r = " + Units.rate(t.avgCompressed())));
        bounds.add(bound("replication", rf, "each replica of a partition on its own broker", "RF", "RF"));
        return bounds;
    }

    private static void addPartitionFigures(SizingResult result, Traffic t, Partitions p, int brokers) {
        long partitions = p.total();
        long replicas = p.replicas();
        result.add(p.figure());
        result.add(new Figure("partitions.total", partitions, partitions + " partitions, " + replicas + " replicas",
                p.binding(), "partitions per topic x topics (x RF for replicas)",
                p.perTopic() + " x " + t.topics() + " = " + partitions + "; x " + t.rf() + " = " + replicas));
        result.add(new Figure("partitions.per.broker", Math.ceil((double) replicas / brokers),
                number(Math.ceil((double) replicas / brokers)) + " replicas (" + number(Math.ceil((double) partitions / brokers)) + " leaders)",
                "broker.max.partitions", "ceil(replicas / B)", "ceil(" + replicas + " / " + brokers + ")"));
    }

    private static void addStorageFigures(SizingResult result, Workload w, Traffic t, Partitions p, Retained kept) {
        result.add(new Figure("storage.total", kept.stored(), Units.bytes(kept.stored()) + " on broker disks", "retention",
                kept.formula() + " x RF", Units.bytes(kept.once()) + " x " + t.rf() + " = " + Units.bytes(kept.stored())));
        if (kept.tiered()) {
            double retention = w.get(RETENTION_TIME);
            double remote = t.avgCompressed() * retention;
            if (w.isSet(RETENTION_BYTES)) {
                remote = Math.min(remote, w.get(RETENTION_BYTES) * p.total());
            }
            result.add(new Figure("storage.remote", remote, Units.bytes(remote) + " in the remote tier", "retention",
                    "W/r x retention (one copy in the object store)", Units.rate(t.avgCompressed()) + " x " + Units.duration(retention)));
        }
    }

    private static void addPerBrokerFigures(SizingResult result, Workload w, Traffic t, Partitions p, Retained kept,
                                            int brokers) {
        double stored = kept.stored();
        double diskPerBroker = stored / brokers;
        result.add(new Figure("disk.per.broker", diskPerBroker,
                Units.bytes(diskPerBroker) + " data, provision " + Units.bytes(diskPerBroker / w.get(DISK_MAX_USAGE)),
                "storage", "storage / B (provision / disk.max.usage)",
                Units.bytes(stored) + " / " + brokers + " = " + Units.bytes(diskPerBroker) + "; / " + number(w.get(DISK_MAX_USAGE))));
        double heap = heap(p.replicas(), brokers);
        // Consumers read from leaders, so the window that must stay hot is the leaders' share of the writes.
        double pageCache = t.avgCompressed() / brokers * w.get(PAGE_CACHE_WINDOW);
        double memory = heap + OS_RESERVE + pageCache;
        result.add(new Figure("heap.per.broker", heap, Units.binaryBytes(heap) + " (-Xms = -Xmx)", "replicas per broker",
                "clamp(1 GiB + replicas/B x 0.5 MiB, 4 GiB, 8 GiB), whole GiB",
                "1 GiB + " + number(Math.ceil((double) p.replicas() / brokers)) + " x 0.5 MiB -> " + Units.binaryBytes(heap)));
        result.add(new Figure("page.cache.per.broker", pageCache, Units.binaryBytes(pageCache), "page.cache.window",
                "W/r / B x window", Units.rate(t.avgCompressed()) + " / " + brokers + " x " + Units.duration(w.get(PAGE_CACHE_WINDOW))));
        result.add(new Figure("memory.per.broker", memory, Units.binaryBytes(memory) + " of " + Units.binaryBytes(w.get(BROKER_MEMORY)),
                "broker.memory", "heap + OS + page cache",
                Units.binaryBytes(heap) + " + " + Units.binaryBytes(OS_RESERVE) + " + " + Units.binaryBytes(pageCache)));
        double traffic = t.networkIn();
        double cores = w.get(CPU_BASELINE) + traffic / brokers / w.get(CPU_THROUGHPUT_PER_CORE);
        result.add(new Figure("cpu.per.broker", cores, number(cores) + " cores busy at peak of " + w.integer(BROKER_CPU_CORES),
                "cpu.throughput.per.core", "baseline + P/r x RF / B / throughput per core",
                number(w.get(CPU_BASELINE)) + " + " + Units.rate(traffic) + " / " + brokers + " / " + Units.rate(w.get(CPU_THROUGHPUT_PER_CORE))));
        double netIn = t.networkIn();
        double netOut = t.networkOut();
        result.add(new Figure("network.in.per.broker", netIn / brokers,
                Units.rate(netIn / brokers) + " (" + percent(netIn / brokers / w.get(BROKER_NETWORK)) + " of link)",
                "network.in", "P/r x RF / B", Units.rate(t.peakCompressed()) + " x " + t.rf() + " / " + brokers));
        result.add(new Figure("network.out.per.broker", netOut / brokers,
                Units.rate(netOut / brokers) + " (" + percent(netOut / brokers / w.get(BROKER_NETWORK)) + " of link)",
                "network.out", "P/r x (RF - 1 + C) / B",
                Units.rate(t.peakCompressed()) + " x (" + t.rf() + " - 1 + " + number(t.fanout()) + ") / " + brokers));
    }

    private static void warn(Workload w, SizingResult result, Figure binding, List<Figure> bounds, int brokers) {
        int rf = w.integer(REPLICATION_FACTOR);
        int minIsr = w.integer(MIN_INSYNC_REPLICAS);
        if (rf < 3) {
            result.warn("replication.factor=" + rf + " is below 3: losing " + (rf == 1 ? "one broker loses data"
                    : "one broker leaves a single copy, and a second failure loses data"));
        }
        if (minIsr >= rf && rf > 1) {
            result.warn("min.insync.replicas=" + minIsr + " is not below replication.factor=" + rf
                    + ": any broker down stops acks=all producers; use RF - 1");
        }
        if (minIsr == 1 && rf > 1) {
            result.warn("min.insync.replicas=1: an acks=all write may live on one broker only; use 2 with RF 3");
        }
        double perBroker = result.figure("partitions.per.broker").value();
        if ("partitions".equals(binding.name())) {
            result.warn("the partition count, not traffic, sets the broker count (" + number(perBroker)
                    + " replicas per broker); check partition.headroom and the topic count");
        }
        if ("network.out".equals(binding.name())) {
            result.warn("consumer fan-out saturates broker networks first (read.fanout=" + number(w.get(READ_FANOUT))
                    + "): consider fetch-from-follower (replica.selector.class) or bigger links before more brokers");
        }
        if ("memory".equals(binding.name())) {
            result.warn("RAM for the page-cache window sets the broker count; a shorter page.cache.window or more RAM per broker changes that");
        }
        double throughputBound = 0;
        for (Figure b : bounds) {
            if (b.name().startsWith("network") || b.name().startsWith("disk") || b.name().equals("cpu")) {
                throughputBound = Math.max(throughputBound, b.value());
            }
        }
        if ("storage".equals(binding.name()) && binding.value() >= 2 * Math.max(1, throughputBound)
                && !w.isSet(TIERED_LOCAL_RETENTION)) {
            result.warn("retention needs " + number(binding.value()) + " brokers of disk while traffic needs "
                    + number(throughputBound) + ": tiered storage (tiered.local.retention, e.g. 1d) keeps the cluster sized for traffic");
        }
        if (result.figure("memory.per.broker").value() > w.get(BROKER_MEMORY)) {
            result.warn("broker.memory is below heap + OS + page cache at " + brokers + " brokers");
        }
    }

    private static Figure bound(String name, int brokers, String protects, String formula, String explained) {
        return new Figure(name, brokers, brokers(brokers), protects, formula, explained + " = " + brokers);
    }

    /** The fewest brokers whose RAM holds heap, OS and the page-cache window of their leaders' writes. */
    private static int brokersForMemory(Workload w, double writes, long replicas) {
        double ram = w.get(BROKER_MEMORY);
        double window = w.get(PAGE_CACHE_WINDOW);
        if (ram < HEAP_MIN + OS_RESERVE) {
            throw new SizingException(BROKER_MEMORY.name(), Units.binaryBytes(ram) + " is below the "
                    + Units.binaryBytes(HEAP_MIN + OS_RESERVE) + " a broker needs for heap and OS alone");
        }
        for (int b = 1; b <= MAX_BROKERS; b++) {
            if (heap(replicas, b) + OS_RESERVE + writes / b * window <= ram) {
                return b;
            }
        }
        throw new SizingException(BROKER_MEMORY.name(), "no cluster of up to " + MAX_BROKERS + " brokers holds the page-cache window");
    }

    static double heap(long replicas, int brokers) {
        double wanted = HEAP_BASE + Math.ceil((double) replicas / brokers) * HEAP_PER_REPLICA;
        return Math.min(HEAP_MAX, Math.max(HEAP_MIN, Math.ceil(wanted / GIB) * GIB));
    }

    static int ceil(double v) {
        // Guard against 10.000000000000002 turning into 11.
        return (int) Math.ceil(v - 1e-9);
    }

    static int roundUp(int v, int multiple) {
        return ((v + multiple - 1) / multiple) * multiple;
    }

    private static String brokers(int count) {
        return count + (count == 1 ? " broker" : " brokers");
    }

    private static String percent(double share) {
        return number(share * 100) + "%";
    }
}
