package io.sluice.connect.s3.iceberg;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's side of an Iceberg table, committed to without a coordinator.
 *
 * <p>Every snapshot the sink commits carries, in its summary ({@value #OFFSETS}), the state of every Kafka partition
 * written to the table ({@link Held}): the owner's epoch, the first offset not yet in the table, and the offset
 * ranges of files in the table beyond it (a partition's files for different paths interleave, so one can be committed
 * while an older one is still open). A task that takes partitions over claims them (one snapshot with their epochs
 * bumped), resumes at their offsets and skips the records those files hold, as the Hive layout's offset index does. It then commits the files it
 * completed with one append per rotation, after checking, against the very snapshot its commit replaces, that no
 * newer owner has claimed its partitions: the catalog's compare-and-swap on that snapshot makes check and commit one
 * step. So a zombie's commit never lands, and every offset is in the table once.
 */
public final class IcebergTable {

    /** The snapshot-summary key of the partitions' epochs and offsets. */
    public static final String OFFSETS = "sluice.kafka-offsets";
    /** The snapshot-summary key of a commit's id, to learn whether a commit whose answer was lost did land. */
    static final String COMMIT_ID = "sluice.commit-id";
    /** How far back a lost commit is looked for. */
    private static final int LOOK_BACK = 1000;
    private static final Logger log = LoggerFactory.getLogger(IcebergTable.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COMMIT_ATTEMPTS = 20;

    private final Catalog catalog;
    private final TableIdentifier id;
    private final boolean autoCreate;
    private final boolean evolve;
    private final List<String> partitionBy;
    private Table table;
    private Guard ops;
    private TablePartitions partitions;
    private MetricsConfig metricsConfig;
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Map<TopicPartition, Staged> staged = new LinkedHashMap<>();
    /** A commit that failed without an answer (the catalog may have applied it); resolved before the next one. */
    private Attempt uncertain;
    // Read by the metrics thread.
    private volatile long commits;
    private volatile long commitMillis;
    private volatile long lastCommitMillis;
    private volatile long lastCommitAt;

    /** Files completed for a partition, their offset ranges, and the offset the table reaches with them. */
    private record Staged(List<DataFile> files, List<Range> ranges, long offset) {
    }

    /** A commit sent: its id, the data files it added and the offsets it took partitions to. */
    private record Attempt(String id, Set<String> locations, Map<TopicPartition, Long> offsets) {
    }

    /** The offsets {@code start..end} of one Kafka partition in a data file of the partition path {@code path}. */
    public record Range(String path, long start, long end) {
    }

    /**
     * A Kafka partition's state in the table: its owner's {@code epoch}, the first {@code offset} not in the table
     * (-1: none yet), and the {@code ranges} of its files in the table that reach {@code offset} or beyond.
     */
    public record Held(long epoch, long offset, List<Range> ranges) {
        public Held {
            ranges = List.copyOf(ranges);
        }

        /** This state once {@code added} files take the partition to {@code to}: ranges wholly below it drop out. */
        Held advance(long to, List<Range> added) {
            List<Range> kept = java.util.stream.Stream.concat(ranges.stream(), added.stream())
                    .filter(r -> r.end >= to).toList();
            return new Held(epoch, Math.max(offset, to), kept);
        }
    }

    /** This task no longer owns these partitions: a newer owner has claimed them. */
    public static final class Fenced extends RuntimeException {
        final Set<TopicPartition> partitions;

        Fenced(Set<TopicPartition> partitions) {
            super("claimed by a newer owner: " + partitions, null, false, false);
            this.partitions = partitions;
        }
    }

    /** The table changed between reading its state and committing on it: read it again. */
    private static final class Moved extends RuntimeException {
        Moved() {
            super(null, null, false, false);
        }
    }

    IcebergTable(Catalog catalog, TableIdentifier id, boolean autoCreate, boolean evolve, List<String> partitionBy) {
        this.catalog = catalog;
        this.id = id;
        this.autoCreate = autoCreate;
        this.evolve = evolve;
        this.partitionBy = List.copyOf(partitionBy);
    }

    /** Whether the table exists (loaded once found). */
    public boolean exists() {
        if (table == null) {
            try {
                use(catalog.loadTable(id));
            } catch (NoSuchTableException | NoSuchNamespaceException e) { // created with its namespace
                return false;
            }
        }
        return true;
    }

    private void use(Table loaded) {
        ops = new Guard(((HasTableOperations) loaded).operations());
        table = new BaseTable(ops, loaded.name(), report -> { }); // commits are logged by us, once each
        partitions = new TablePartitions(table.spec());
        metricsConfig = MetricsConfig.forTable(table);
    }

    public String name() {
        return id.toString();
    }

    /** The table's partitioning; the table must exist. */
    public TablePartitions partitions() {
        return partitions;
    }

    /** Creates the table for rows of {@code row} (auto-create), partitioned by the configured terms. */
    public void create(org.apache.avro.Schema row) {
        if (exists()) {
            return;
        }
        if (!autoCreate) {
            throw new ConnectException("Iceberg table " + id + " does not exist: create it, or set "
                    + "iceberg.tables.auto-create-enabled=true");
        }
        Schema schema = TableSchemas.toIceberg(row);
        org.apache.iceberg.PartitionSpec spec;
        try {
            spec = TablePartitions.spec(schema, partitionBy);
        } catch (IllegalArgumentException e) {
            throw new ConnectException("Cannot create Iceberg table " + id + ": " + e.getMessage()
                    + " (iceberg.tables.default-partition-by)", e);
        }
        if (catalog instanceof SupportsNamespaces ns && !id.namespace().isEmpty()
                && !ns.namespaceExists(id.namespace())) {
            try {
                ns.createNamespace(id.namespace());
            } catch (RuntimeException e) {
                // Tasks race to create it: catalogs report the loser differently (the JDBC catalog on PostgreSQL
                // with a duplicate-key SQL error, not AlreadyExistsException), so what counts is that it exists now.
                if (!ns.namespaceExists(id.namespace())) {
                    throw e;
                }
            }
        }
        try {
            use(catalog.createTable(id, schema, spec));
            log.info("Created Iceberg table {} partitioned by {}", id, spec.fields());
        } catch (RuntimeException e) {
            if (!exists()) { // the same race, for the table
                throw e;
            }
        }
    }

    /**
     * The table's schema once it holds every column of rows of {@code row}: missing columns are added when
     * iceberg.tables.evolve-schema-enabled is on; otherwise, or when a column's type cannot widen, the record cannot
     * be written (a {@link DataException} naming the fields, which the sink routes as a bad record).
     */
    public Schema schemaFor(org.apache.avro.Schema row) {
        Schema file = TableSchemas.toIceberg(row);
        List<String> missing = TableSchemas.missingFrom(table.schema(), file);
        List<String> narrower = narrower(table.schema(), file);
        if (missing.isEmpty() && narrower.isEmpty()) {
            return table.schema();
        }
        if (!evolve) {
            throw new DataException("Iceberg table " + id + " cannot take fields " + missing + narrower
                    + " of this record (new, or wider than the table's columns): set "
                    + "iceberg.tables.evolve-schema-enabled=true, or change the table");
        }
        try {
            table.updateSchema().unionByNameWith(file).commit();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new DataException("Iceberg table " + id + " cannot evolve to this record's schema: "
                    + e.getMessage(), e);
        }
        table.refresh();
        log.info("Iceberg table {}: schema evolved for fields {}", id, missing.isEmpty() ? narrower : missing);
        partitions = new TablePartitions(table.spec());
        return table.schema();
    }

    /** Primitive columns of {@code file} whose type the table's column cannot read as it is. */
    private static List<String> narrower(Schema table, Schema file) {
        List<String> out = new ArrayList<>();
        for (var e : org.apache.iceberg.types.TypeUtil.indexByName(file.asStruct()).entrySet()) {
            Type fileType = file.findType(e.getValue());
            Type tableType = table.findType(e.getKey());
            if (tableType != null && fileType.isPrimitiveType() && !readsAs(fileType, tableType)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private static boolean readsAs(Type file, Type table) {
        if (file.equals(table) || file.typeId() == table.typeId() && file.typeId() == Type.TypeID.TIMESTAMP) {
            return true;
        }
        return file.typeId() == Type.TypeID.INTEGER && table.typeId() == Type.TypeID.LONG
                || file.typeId() == Type.TypeID.FLOAT && table.typeId() == Type.TypeID.DOUBLE;
    }

    /**
     * Where a new data file of the partition {@code data} (null if unpartitioned) goes, as a URI. Locations and data
     * files use the spec the sink files records by ({@link #partitions()}), not the table's newest after a refresh:
     * a tuple belongs to the spec that computed it, and a file of an older spec is valid in the table.
     */
    public String location(PartitionData data, String fileName) {
        LocationProvider locations = table.locationProvider();
        return data == null ? locations.newDataLocation(fileName)
                : locations.newDataLocation(partitions.spec(), data, fileName);
    }

    /** The data file of a completed Parquet object. */
    public DataFile dataFile(String location, PartitionData data, long size, ParquetMetadata footer) {
        DataFiles.Builder b = DataFiles.builder(partitions.spec())
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(size)
                .withMetrics(ParquetUtil.footerMetrics(footer, java.util.stream.Stream.empty(), metricsConfig))
                .withSplitOffsets(ParquetUtil.getSplitOffsets(footer));
        if (data != null) {
            b.withPartition(data);
        }
        return b.build();
    }

    /**
     * Takes {@code taken} over: bumps their epochs in one snapshot, so an earlier owner's commits fail from now on,
     * and returns the offsets the table holds them up to (partitions never written are left out).
     */
    public Map<TopicPartition, Held> claim(Collection<TopicPartition> taken) {
        if (taken.isEmpty()) {
            return Map.of();
        }
        if (!exists()) { // nothing to fence yet: the first commit creates the state
            taken.forEach(tp -> epochs.put(tp, 0L));
            return Map.of();
        }
        Map<String, Held> state = commitState(read -> {
            Map<String, Held> next = new TreeMap<>(read);
            for (TopicPartition tp : taken) {
                Held held = read.get(key(tp));
                next.put(key(tp), held == null ? new Held(1, -1, List.of())
                        : new Held(held.epoch + 1, held.offset, held.ranges));
            }
            return next;
        }, List.of(), java.util.UUID.randomUUID().toString()); // a lost claim is claimed again: one more epoch
        Map<TopicPartition, Held> claimed = new HashMap<>();
        for (TopicPartition tp : taken) {
            Held held = state.get(key(tp));
            epochs.put(tp, held.epoch);
            claimed.put(tp, held);
            if (held.offset >= 0) {
                committed.put(tp, held.offset);
            }
        }
        log.info("Iceberg table {}: claimed {} at offsets {}", id, taken, committed);
        return claimed;
    }

    /** Gives partitions up (revoked): their uncommitted files are deleted. */
    public void release(Collection<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            drop(tp);
            epochs.remove(tp);
            committed.remove(tp);
        }
    }

    private void drop(TopicPartition tp) {
        Staged s = staged.remove(tp);
        if (s != null) {
            for (DataFile f : s.files) {
                try {
                    table.io().deleteFile(f.location());
                } catch (RuntimeException e) {
                    log.debug("Could not delete uncommitted data file {}", f.location(), e); // an orphan, no more
                }
            }
        }
    }

    /** Adds completed files of {@code tp} to the next commit, which takes the partition to {@code offset}. */
    public void stage(TopicPartition tp, List<DataFile> files, List<Range> ranges, long offset) {
        Staged before = staged.get(tp);
        List<DataFile> allFiles = new ArrayList<>(files);
        List<Range> allRanges = new ArrayList<>(ranges);
        if (before != null) {
            allFiles.addAll(0, before.files);
            allRanges.addAll(0, before.ranges);
        }
        staged.put(tp, new Staged(allFiles, allRanges, offset));
    }

    /** Whether the next {@link #commit()} has work: staged files, or a commit of unknown outcome to resolve. */
    public boolean pending() {
        return !staged.isEmpty() || uncertain != null;
    }

    public boolean hasStaged(TopicPartition tp) {
        return staged.containsKey(tp);
    }

    /** The first offset of the files staged for {@code tp}, or -1 if none are. */
    public long stagedFrom(TopicPartition tp) {
        Staged s = staged.get(tp);
        return s == null ? -1 : s.ranges.stream().mapToLong(Range::start).min().orElse(-1);
    }

    /** The first offset of {@code tp} not yet in the table, or -1 if unknown. */
    public long committed(TopicPartition tp) {
        return committed.getOrDefault(tp, -1L);
    }

    /**
     * Commits the staged files of every partition in one append. Partitions a newer owner has claimed are dropped
     * (their files deleted) and returned; the others' files are committed. A catalog or storage failure is thrown,
     * the files stay staged for the next call.
     */
    public Set<TopicPartition> commit() {
        Set<TopicPartition> fenced = new HashSet<>();
        if (uncertain != null) {
            resolveUncertain();
        }
        while (!staged.isEmpty()) {
            List<DataFile> files = new ArrayList<>();
            staged.values().forEach(s -> files.addAll(s.files));
            long started = System.nanoTime();
            String commitId = java.util.UUID.randomUUID().toString();
            try {
                commitState(read -> {
                    Set<TopicPartition> lost = new HashSet<>();
                    Map<String, Held> next = new TreeMap<>(read);
                    for (var e : staged.entrySet()) {
                        Held held = read.getOrDefault(key(e.getKey()), new Held(0, -1, List.of()));
                        if (held.epoch != epochs.getOrDefault(e.getKey(), 0L)) {
                            lost.add(e.getKey());
                        }
                        next.put(key(e.getKey()), held.advance(e.getValue().offset, e.getValue().ranges));
                    }
                    if (!lost.isEmpty()) {
                        throw new Fenced(lost);
                    }
                    return next;
                }, files, commitId);
            } catch (Fenced e) {
                log.error("Iceberg table {}: {} were claimed by another task; this task drops their uncommitted files "
                        + "and stops writing them until they are assigned again. If this repeats, check that no other "
                        + "connector writes the same topics to the same table.", id, e.partitions);
                for (TopicPartition tp : e.partitions) {
                    drop(tp);
                    epochs.remove(tp);
                    committed.remove(tp);
                }
                fenced.addAll(e.partitions);
                continue;
            } catch (RuntimeException e) { // the catalog may have applied it: find out before committing again
                Set<String> locations = new HashSet<>();
                files.forEach(f -> locations.add(f.location()));
                Map<TopicPartition, Long> offsets = new HashMap<>();
                staged.forEach((tp, st) -> offsets.put(tp, st.offset));
                uncertain = new Attempt(commitId, locations, offsets);
                throw e;
            }
            log.info("Iceberg table {}: committed {} files of {} in {} ms", id, files.size(), staged.keySet(),
                    (System.nanoTime() - started) / 1_000_000);
            staged.forEach((tp, s) -> committed.put(tp, s.offset));
            staged.clear();
        }
        return fenced;
    }

    /**
     * Learns whether the commit that failed without an answer landed (its id is in a snapshot summary): if so, its
     * files leave the staged ones and its offsets are committed; if not, they are committed again with the rest.
     */
    private void resolveUncertain() {
        table.refresh();
        Snapshot landed = null;
        int seen = 0;
        for (Snapshot s = table.currentSnapshot(); s != null && seen++ < LOOK_BACK;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            if (uncertain.id.equals(s.summary().get(COMMIT_ID))) {
                landed = s;
                break;
            }
        }
        if (landed != null) {
            log.info("Iceberg table {}: the commit whose answer was lost had landed (snapshot {})", id,
                    landed.snapshotId());
            commits++;
            uncertain.offsets.forEach(committed::put);
            for (TopicPartition tp : new ArrayList<>(staged.keySet())) {
                Staged st = staged.get(tp);
                List<DataFile> files = new ArrayList<>();
                List<Range> ranges = new ArrayList<>();
                for (int i = 0; i < st.files.size(); i++) {
                    if (!uncertain.locations.contains(st.files.get(i).location())) {
                        files.add(st.files.get(i));
                        ranges.add(st.ranges.get(i));
                    }
                }
                if (files.isEmpty() && st.offset <= committed.getOrDefault(tp, -1L)) {
                    staged.remove(tp);
                } else {
                    staged.put(tp, new Staged(files, ranges, st.offset));
                }
            }
        }
        uncertain = null;
    }

    /**
     * Commits {@code files} with the state {@code change} makes of the table's current state, retrying when another
     * writer commits in between (the change then sees the newer state). The new state.
     */
    private Map<String, Held> commitState(UnaryOperator<Map<String, Held>> change, List<DataFile> files,
            String commitId) {
        long started = System.nanoTime();
        try {
            Map<String, Held> next = commitStateOnce(change, files, commitId);
            commits++;
            return next;
        } finally {
            lastCommitAt = System.nanoTime();
            lastCommitMillis = (lastCommitAt - started) / 1_000_000;
            commitMillis += lastCommitMillis;
        }
    }

    /** Snapshots this task committed: appends and claims. */
    public long commits() {
        return commits;
    }

    /** Milliseconds spent in commits (failed ones too). */
    public long commitMillis() {
        return commitMillis;
    }

    public long lastCommitMillis() {
        return lastCommitMillis;
    }

    /** {@link System#nanoTime()} when the last commit ended (0 before the first). */
    long lastCommitAt() {
        return lastCommitAt;
    }

    private Map<String, Held> commitStateOnce(UnaryOperator<Map<String, Held>> change, List<DataFile> files,
            String commitId) {
        for (int attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
            table.refresh();
            Snapshot base = table.currentSnapshot();
            Map<String, Held> next = change.apply(state(table));
            AppendFiles append = table.newFastAppend();
            files.forEach(append::appendFile);
            append.set(OFFSETS, toJson(next));
            append.set(COMMIT_ID, commitId);
            ops.expect(base);
            try {
                append.commit();
                return next;
            } catch (Moved e) {
                log.debug("Iceberg table {} changed while committing; reading its state again", id);
            } finally {
                ops.expectAny();
            }
        }
        throw new ConnectException("Iceberg table " + id + " changed under each of " + COMMIT_ATTEMPTS
                + " commit attempts: too many writers on one table?");
    }

    /** The state in the newest snapshot (of the current one and its ancestors) that carries one. */
    static Map<String, Held> state(Table table) {
        for (Snapshot s = table.currentSnapshot(); s != null;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            String json = s.summary().get(OFFSETS);
            if (json != null) {
                return parse(json);
            }
        }
        return Map.of();
    }

    /** The first offset not in the table of each partition, from the table's current state, for reports. */
    public static Map<String, Long> offsets(Table table) {
        Map<String, Long> out = new TreeMap<>();
        state(table).forEach((k, v) -> out.put(k, v.offset));
        return out;
    }

    private static String key(TopicPartition tp) {
        return tp.topic() + "/" + tp.partition();
    }

    /** {"topic/0": {"epoch": 2, "offset": 300, "files": [["path", 301, 598], ...]}, ...}: compact, as it is in every snapshot. */
    private static String toJson(Map<String, Held> state) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        state.forEach((k, v) -> {
            Map<String, Object> held = new LinkedHashMap<>();
            held.put("epoch", v.epoch);
            held.put("offset", v.offset);
            if (!v.ranges.isEmpty()) {
                held.put("files", v.ranges.stream().map(r -> List.of(r.path, r.start, r.end)).toList());
            }
            out.put(k, held);
        });
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Held> parse(String json) {
        try {
            Map<String, Map<String, Object>> read = JSON.readValue(json, new TypeReference<>() { });
            Map<String, Held> out = new TreeMap<>();
            read.forEach((k, v) -> {
                List<Range> ranges = new ArrayList<>();
                if (v.get("files") instanceof List<?> files) {
                    for (Object f : files) {
                        List<?> r = (List<?>) f;
                        ranges.add(new Range((String) r.get(0), ((Number) r.get(1)).longValue(),
                                ((Number) r.get(2)).longValue()));
                    }
                }
                out.put(k, new Held(((Number) v.getOrDefault("epoch", 0L)).longValue(),
                        ((Number) v.getOrDefault("offset", -1L)).longValue(), ranges));
            });
            return out;
        } catch (IOException | ClassCastException | IndexOutOfBoundsException e) {
            throw new ConnectException("Unreadable " + OFFSETS + " in a snapshot summary of the table", e);
        }
    }

    /**
     * The table's operations, with one check added to the catalog's compare-and-swap: a commit must replace the
     * snapshot its state was read from. Anything else ({@link Moved}) is not retried by Iceberg with the stale state.
     */
    private static final class Guard implements TableOperations {
        private final TableOperations delegate;
        private boolean checking;
        private Long expected;

        Guard(TableOperations delegate) {
            this.delegate = delegate;
        }

        void expect(Snapshot base) {
            checking = true;
            expected = base == null ? null : base.snapshotId();
        }

        void expectAny() {
            checking = false;
        }

        @Override
        public void commit(TableMetadata base, TableMetadata metadata) {
            Snapshot current = base == null ? null : base.currentSnapshot();
            Long id = current == null ? null : current.snapshotId();
            if (checking && !java.util.Objects.equals(id, expected)) {
                throw new Moved();
            }
            delegate.commit(base, metadata);
        }

        @Override
        public TableMetadata current() {
            return delegate.current();
        }

        @Override
        public TableMetadata refresh() {
            return delegate.refresh();
        }

        @Override
        public FileIO io() {
            return delegate.io();
        }

        @Override
        public EncryptionManager encryption() {
            return delegate.encryption();
        }

        @Override
        public String metadataFileLocation(String fileName) {
            return delegate.metadataFileLocation(fileName);
        }

        @Override
        public LocationProvider locationProvider() {
            return delegate.locationProvider();
        }

        @Override
        public TableOperations temp(TableMetadata uncommittedMetadata) {
            return delegate.temp(uncommittedMetadata);
        }

        @Override
        public long newSnapshotId() {
            return delegate.newSnapshotId();
        }

        @Override
        public boolean requireStrictCleanup() {
            return delegate.requireStrictCleanup();
        }
    }
}
