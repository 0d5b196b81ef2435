package io.sluice.connect.sizing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cluster must carry and what its machines can do. The fields below are the one definition of the input: the
 * JSON/YAML workload file, the CLI flags and the REST request all use these names, and the defaults are stated here.
 *
 * <p>Throughputs are the rate producers hand to Kafka <em>before</em> compression; {@code compression.ratio} is
 * raw/compressed (2 means batches shrink to half), so bytes on the wire and on disk are throughput / ratio.
 */
public final class Workload {

    /** How a field is written and parsed. */
    public enum Kind {
        RATE("rate, e.g. 100MB/s or 10Gbit/s"),
        BYTES("size, e.g. 2TiB or 1KB"),
        DURATION("duration, e.g. 7d or 10min"),
        INTEGER("whole number"),
        DECIMAL("number");

        final String hint;

        Kind(String hint) {
            this.hint = hint;
        }
    }

    /** One workload input: its name, how it is written, its default (null: unset unless given) and bounds. */
    public record Field(String name, Kind kind, String defaultValue, double min, double max, String doc) {
    }

    private static final List<Field> FIELDS = new ArrayList<>();

    // --- what the cluster carries
    public static final Field WRITE_AVG = field("write.throughput.avg", Kind.RATE, null, 0, "Average produce rate into the cluster, uncompressed. Required to size brokers.");
    public static final Field WRITE_PEAK = field("write.throughput.peak", Kind.RATE, null, 0, "Peak produce rate, uncompressed; defaults to the average.");
    public static final Field READ_FANOUT = field("read.fanout", Kind.DECIMAL, "1", 0, "Consumer groups that read everything written.");
    public static final Field READ_LAGGING = field("read.lagging", Kind.DECIMAL, "0", 0, "Of those, groups that read old data from disk rather than from the page cache.");
    public static final Field MESSAGE_SIZE = field("message.size", Kind.BYTES, "1KB", 1, "Average message size, uncompressed.");
    public static final Field COMPRESSION_RATIO = field("compression.ratio", Kind.DECIMAL, "1", 1, "Uncompressed size / compressed size (2 = batches shrink to half).");
    public static final Field RETENTION_TIME = field("retention.time", Kind.DURATION, "7d", 0, "How long data is kept (retention.ms).");
    public static final Field RETENTION_BYTES = field("retention.bytes", Kind.BYTES, null, 1, "Size kept per partition (retention.bytes); unset means time only.");
    public static final Field TIERED_LOCAL_RETENTION = field("tiered.local.retention", Kind.DURATION, null, 0, "With tiered storage: how long data stays on broker disks (local.retention.ms).");
    public static final Field REPLICATION_FACTOR = field("replication.factor", Kind.INTEGER, "3", 1, "Replicas per partition.");
    public static final Field MIN_INSYNC_REPLICAS = field("min.insync.replicas", Kind.INTEGER, "2", 1, "Replicas that must acknowledge an acks=all write.");
    public static final Field TOPICS = field("topics", Kind.INTEGER, "1", 1, "Topics the throughput is spread over evenly.");
    public static final Field CONSUMER_PARALLELISM = field("consumer.parallelism", Kind.INTEGER, "1", 1, "Consumers per group that must all get partitions.");
    public static final Field PARTITION_WRITE = field("partition.write.throughput", Kind.RATE, "10MB/s", 0, "What one partition sustains for producers (measure it).");
    public static final Field PARTITION_READ = field("partition.read.throughput", Kind.RATE, "50MB/s", 0, "What one consumer sustains from one partition (measure it).");
    public static final Field PARTITION_HEADROOM = field("partition.headroom", Kind.DECIMAL, "2", 1, "Growth factor: partitions can be added but never removed, and adding them moves keys.");

    // --- what a broker can do
    public static final Field BROKER_DISK_CAPACITY = field("broker.disk.capacity", Kind.BYTES, "4TiB", 1, "Usable log disk per broker.");
    public static final Field BROKER_DISK_THROUGHPUT = field("broker.disk.throughput", Kind.RATE, "500MB/s", 0, "Sustained disk throughput per broker.");
    public static final Field BROKER_NETWORK = field("broker.network.bandwidth", Kind.RATE, "10Gbit/s", 0, "Network bandwidth per broker, each direction.");
    public static final Field BROKER_CPU_CORES = field("broker.cpu.cores", Kind.INTEGER, "16", 1, "Cores per broker.");
    public static final Field BROKER_MEMORY = field("broker.memory", Kind.BYTES, "64GiB", 1, "RAM per broker.");
    public static final Field BROKER_MAX_PARTITIONS = field("broker.max.partitions", Kind.INTEGER, "4000", 1, "Partition replicas one broker should host.");
    public static final Field BROKER_FAILURES = field("broker.failures.tolerated", Kind.INTEGER, "1", 0, "Brokers that may be down while the rest still carry the load.");
    public static final Field AVAILABILITY_ZONES = field("availability.zones", Kind.INTEGER, "3", 1, "Zones the brokers are spread over; the count is a multiple of it.");
    public static final Field TARGET_UTILIZATION = field("target.utilization", Kind.DECIMAL, "0.6", 0.05, 1, "Share of disk throughput, network and CPU planned for at peak.");
    public static final Field DISK_MAX_USAGE = field("disk.max.usage", Kind.DECIMAL, "0.8", 0.05, 1, "Share of disk capacity that retained data may fill.");
    public static final Field PAGE_CACHE_WINDOW = field("page.cache.window", Kind.DURATION, "10min", 0, "The most recent writes that should stay in the page cache for consumers.");
    public static final Field CPU_BASELINE = field("cpu.baseline.cores", Kind.DECIMAL, "4", 0, "Cores a broker uses before traffic (request handling, replication, housekeeping).");
    public static final Field CPU_THROUGHPUT_PER_CORE = field("cpu.throughput.per.core", Kind.RATE, "50MB/s", 0, "Writes (produce + replication, compressed) one core handles; 50MB/s = 2 cores per 100MB/s.");

    // --- Kafka Connect
    public static final Field CONNECT_THROUGHPUT = field("connect.throughput", Kind.RATE, null, 0, "Rate all connectors move, uncompressed.");
    public static final Field CONNECT_TASKS = field("connect.tasks", Kind.INTEGER, null, 0, "Tasks already known to be needed (sum of tasks.max).");
    public static final Field CONNECT_CONNECTORS = field("connect.connectors", Kind.INTEGER, "1", 1, "Connectors the tasks are spread over.");
    public static final Field CONNECT_TASK_THROUGHPUT = field("connect.task.throughput", Kind.RATE, "10MB/s", 0, "What one task moves (measure it; sinks to object stores often less).");
    public static final Field CONNECT_WORKER_CORES = field("connect.worker.cpu.cores", Kind.INTEGER, "4", 1, "Cores per Connect worker.");
    public static final Field CONNECT_TASKS_PER_CORE = field("connect.tasks.per.core", Kind.DECIMAL, "2", 0.1, "Busy tasks one core keeps up with.");
    public static final Field CONNECT_WORKER_NETWORK = field("connect.worker.network.bandwidth", Kind.RATE, "1Gbit/s", 0, "Network bandwidth per Connect worker.");
    public static final Field CONNECT_WORKER_FAILURES = field("connect.worker.failures.tolerated", Kind.INTEGER, "1", 0, "Workers that may be down while the rest still run every task.");

    private final Map<Field, Double> values;

    private Workload(Map<Field, Double> values) {
        this.values = values;
    }

    private static Field field(String name, Kind kind, String defaultValue, double min, String doc) {
        return field(name, kind, defaultValue, min, Double.POSITIVE_INFINITY, doc);
    }

    private static Field field(String name, Kind kind, String defaultValue, double min, double max, String doc) {
        Field f = new Field(name, kind, defaultValue, min, max, doc);
        FIELDS.add(f);
        return f;
    }

    /** Every workload field, in documentation order. */
    public static List<Field> fields() {
        return Collections.unmodifiableList(FIELDS);
    }

    /**
     * Reads a workload from field names to values (strings with units, or numbers where the kind allows), as parsed
     * from JSON, YAML or flags. Unknown names, bad values and contradictions are errors naming the field.
     */
    public static Workload of(Map<String, ?> input) {
        Map<String, Field> byName = new LinkedHashMap<>();
        FIELDS.forEach(f -> byName.put(f.name(), f));
        for (String name : input.keySet()) {
            if (!byName.containsKey(name)) {
                throw new SizingException(name, "unknown workload field; known fields: " + String.join(", ", byName.keySet()));
            }
        }
        Map<Field, Double> values = new LinkedHashMap<>();
        for (Field f : FIELDS) {
            Object raw = input.get(f.name());
            String text = raw == null ? f.defaultValue() : raw.toString().trim();
            if (text == null) {
                continue;
            }
            double v = parse(f, raw == null ? text : raw);
            if (Double.isNaN(v) || v < f.min() || v > f.max()) {
                throw new SizingException(f.name(), "'" + text + "' is out of range: expected a " + f.kind().hint
                        + (f.max() < Double.POSITIVE_INFINITY ? " between " + Units.number(f.min()) + " and " + Units.number(f.max())
                        : " of at least " + Units.number(f.min())));
            }
            values.put(f, v);
        }
        if (values.containsKey(WRITE_AVG)) {
            values.putIfAbsent(WRITE_PEAK, values.get(WRITE_AVG));
        } else if (values.containsKey(WRITE_PEAK)) {
            throw new SizingException(WRITE_AVG.name(), "required with write.throughput.peak: the average produce rate, e.g. 50MB/s");
        }
        Workload w = new Workload(values);
        w.checkConsistency();
        return w;
    }

    private static double parse(Field f, Object raw) {
        if (raw instanceof Number n && (f.kind() == Kind.DECIMAL || f.kind() == Kind.INTEGER || f.kind() == Kind.BYTES)) {
            return integral(f, n.doubleValue());
        }
        String text = raw.toString().trim();
        switch (f.kind()) {
            case RATE:
                return Units.parseRate(f.name(), text);
            case BYTES:
                return Units.parseBytes(f.name(), text);
            case DURATION:
                return Units.parseDuration(f.name(), text);
            default:
                try {
                    return integral(f, Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    throw new SizingException(f.name(), "'" + text + "' is not a " + f.kind().hint);
                }
        }
    }

    private static double integral(Field f, double v) {
        if (f.kind() == Kind.INTEGER && v != Math.rint(v)) {
            throw new SizingException(f.name(), "'" + Units.number(v) + "' is not a whole number");
        }
        return v;
    }

    private void checkConsistency() {
        if (isSet(WRITE_AVG) && get(WRITE_PEAK) < get(WRITE_AVG)) {
            throw new SizingException(WRITE_PEAK.name(), "the peak (" + Units.rate(get(WRITE_PEAK))
                    + ") is below the average (" + Units.rate(get(WRITE_AVG)) + "); raise it or leave it unset");
        }
        if (get(MIN_INSYNC_REPLICAS) > get(REPLICATION_FACTOR)) {
            throw new SizingException(MIN_INSYNC_REPLICAS.name(), "min.insync.replicas (" + integer(MIN_INSYNC_REPLICAS)
                    + ") cannot exceed replication.factor (" + integer(REPLICATION_FACTOR) + "): no write could ever be acknowledged");
        }
        if (get(READ_LAGGING) > get(READ_FANOUT)) {
            throw new SizingException(READ_LAGGING.name(), "lagging readers (" + Units.number(get(READ_LAGGING))
                    + ") are a part of read.fanout (" + Units.number(get(READ_FANOUT)) + "); lower it or raise read.fanout");
        }
        if (isSet(TIERED_LOCAL_RETENTION) && get(TIERED_LOCAL_RETENTION) > get(RETENTION_TIME)) {
            throw new SizingException(TIERED_LOCAL_RETENTION.name(), "local retention (" + Units.duration(get(TIERED_LOCAL_RETENTION))
                    + ") is longer than retention.time (" + Units.duration(get(RETENTION_TIME)) + ")");
        }
        if (isSet(WRITE_AVG) && get(WRITE_AVG) <= 0) {
            throw new SizingException(WRITE_AVG.name(), "must be above zero");
        }
        for (Field f : List.of(PARTITION_WRITE, PARTITION_READ, BROKER_DISK_THROUGHPUT, BROKER_NETWORK,
                CPU_THROUGHPUT_PER_CORE, CONNECT_TASK_THROUGHPUT, CONNECT_WORKER_NETWORK)) {
            if (get(f) <= 0) {
                throw new SizingException(f.name(), "must be above zero");
            }
        }
    }

    /** The field's value in base units (bytes, bytes/s, seconds), or its default. */
    public double get(Field f) {
        Double v = values.get(f);
        if (v == null) {
            throw new IllegalStateException(f.name() + " is not set and has no default");
        }
        return v;
    }

    /** The value if the field was given or has a default, else {@code fallback}. */
    public double getOrDefault(Field f, double fallback) {
        return values.getOrDefault(f, fallback);
    }

    public int integer(Field f) {
        return (int) get(f);
    }

    public boolean isSet(Field f) {
        return values.containsKey(f);
    }

    /** Every field with its value in the units a person writes, for echoing what was sized. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((f, v) -> out.put(f.name(), format(f.kind(), v)));
        return out;
    }

    static String format(Kind kind, double v) {
        switch (kind) {
            case RATE:
                return Units.rate(v);
            case BYTES:
                return Units.bytes(v);
            case DURATION:
                return Units.duration(v);
            default:
                return Units.number(v);
        }
    }
}
