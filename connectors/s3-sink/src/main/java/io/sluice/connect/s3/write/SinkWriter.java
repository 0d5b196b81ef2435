package io.sluice.connect.s3.write;

import io.sluice.connect.s3.S3SinkConfig;
import io.sluice.connect.s3.iceberg.IcebergCatalog;
import io.sluice.connect.s3.iceberg.IcebergTable;
import io.sluice.connect.s3.iceberg.TableRouter;
import io.sluice.connect.s3.storage.S3Storage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's writing: records to their partition's writer, then the task-wide rules: scheduled (wall-clock) rotation
 * and the memory budget. Over budget, the rows of the least recently written buffered files move to the spill area
 * (local disk), so files are still committed only when due; only when the spill is full or failing are the largest
 * open files committed early. A partition whose commits fail (S3 down past the retries) is paused until they
 * succeed, so memory does not grow while S3 is away and nothing is dropped; the task stays RUNNING.
 *
 * <p>With table.format=iceberg each partition has a writer per table its records go to. With one table the task
 * claims its partitions there when it opens them and rewinds to the table's offsets. With several (a fan-out, routing
 * by field, a table per topic) the consumer resumes at the committed offset, and a partition is claimed in a table
 * when its first record for that table comes; the partition's committed offset never passes a record that is not in
 * its table yet.
 */
public final class SinkWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkWriter.class);
    private static final long WARN_EVERY_MS = 60_000;

    private final long budget;
    private final WriterContext shared;
    /** table.format=iceberg: the catalog of the tables files are committed to, once per batch each; else null. */
    private final IcebergCatalog catalog;
    private final TableRouter router;
    /** The one table of every record (one Iceberg table, not routed), else null. */
    private final String onlyTable;
    /** Whether the last table commit failed (logged once per outage). */
    private boolean tableFailing;
    private final Spill spill;
    /** A partition's writer per table (table null in the Hive layout). */
    private record Route(TopicPartition tp, String table) {
    }

    private final Map<Route, PartitionWriter> writers = new HashMap<>();
    /**
     * Several tables: partitions whose records wait for a claim the catalog refused (the tables to claim them in,
     * and the offset they are rewound to), paused until it succeeds.
     */
    private final Map<TopicPartition, Unclaimed> unclaimed = new HashMap<>();

    private record Unclaimed(Set<String> tables, long from) {
    }

    private final Set<TopicPartition> pausedByUs = new HashSet<>();
    // What the metrics thread reads: updated by the writing thread after each batch.
    private volatile long openFilesGauge;
    private volatile long memoryGauge;
    private volatile long pausedGauge;
    private long lastEarlyWarning;
    private long earlySinceWarning;

    /** {@code owner} names the task's spill area (the connector's name). */
    public SinkWriter(S3SinkConfig config, S3Storage storage, SinkTaskContext context, SinkMetrics metrics,
            String owner) {
        this.budget = config.memoryBufferBytes();
        this.catalog = config.iceberg() ? config.icebergCatalog() : null;
        this.router = config.iceberg() ? config.tableRouter() : null;
        this.onlyTable = router != null && router.single() ? config.icebergTables().get(0) : null;
        this.shared = new WriterContext(config, storage, context, metrics, onlyTable != null);
        if (catalog != null) {
            metrics.tables(catalog);
        }
        this.spill = Spill.open(config.spillDir(), owner, config.spillMaxBytes());
        metrics.spill(spill::bytes, spill::spilledTotal);
    }

    /** Why {@code spill.dir} cannot hold the spill, for validation; null if it can. */
    public static String spillProblem(Path dir, long maxBytes) {
        return Spill.problem(dir, maxBytes);
    }

    /**
     * Takes partitions over: recovers each from its offset index, or claims them all in the one Iceberg table at once
     * and rewinds the consumer to where they were committed. With several tables, partitions are claimed in a table
     * by their first record for it ({@link #put}).
     */
    public void open(Collection<TopicPartition> partitions) {
        if (catalog != null && onlyTable == null) {
            return;
        }
        IcebergTable table = onlyTable == null ? null : catalog.table(onlyTable);
        Map<TopicPartition, IcebergTable.Held> claimed = null;
        if (table != null) {
            try {
                claimed = table.claim(partitions);
            } catch (org.apache.kafka.connect.errors.ConnectException e) {
                throw e;
            } catch (RuntimeException e) { // each partition claims itself again at its next record
                shared.catalogFailed("Claiming " + partitions + " in Iceberg table " + table.name(), e);
                log.warn("Cannot claim {} in Iceberg table {} now ({}); they wait, paused, and retry", partitions,
                        table.name(), e.toString());
            }
        }
        for (TopicPartition tp : partitions) {
            PartitionWriter w = new PartitionWriter(tp, shared, table);
            writers.put(new Route(tp, onlyTable), w);
            if (claimed != null) {
                w.recoverAt(claimed.get(tp));
            } else {
                w.tryRecover(); // while S3 (or the catalog) is away, the partition waits paused and retries
            }
        }
    }

    public void put(Collection<SinkRecord> records) {
        for (PartitionWriter w : writers.values()) {
            w.retryFailed();
        }
        if (catalog != null && onlyTable == null) {
            putRouted(records);
        } else {
            PartitionWriter w = null;
            for (SinkRecord r : records) {
                if (w == null || !w.owns(r)) {
                    TopicPartition tp = PartitionWriter.origin(r);
                    w = writers.computeIfAbsent(new Route(tp, onlyTable), k -> new PartitionWriter(tp, shared,
                            onlyTable == null ? null : catalog.table(onlyTable)));
                }
                w.write(r);
            }
        }
        for (PartitionWriter pw : writers.values()) {
            pw.commitDue();
        }
        maintain();
    }

    /**
     * Several tables: routes each record, claims the partitions in the tables they reach for the first time (one
     * claim per table for the batch), then writes each record to its tables' writers. A partition whose claim fails
     * is rewound to its first record of the batch and waits, paused, for the claim to succeed.
     */
    private void putRouted(Collection<SinkRecord> records) {
        retryClaims();
        List<Routed> batch = new ArrayList<>(records.size());
        Map<String, Set<TopicPartition>> toClaim = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (SinkRecord r : records) {
            TopicPartition tp = PartitionWriter.origin(r);
            first.putIfAbsent(tp, r.kafkaOffset());
            try {
                List<String> tables = router.route(r);
                batch.add(new Routed(r, tp, tables, null));
                for (String t : tables) {
                    if (!writers.containsKey(new Route(tp, t))) {
                        toClaim.computeIfAbsent(t, k -> new HashSet<>()).add(tp);
                    }
                }
            } catch (org.apache.kafka.connect.errors.DataException e) {
                batch.add(new Routed(r, tp, List.of(), e));
            }
        }
        toClaim.forEach((t, tps) -> claim(t, tps, first));
        for (Routed routed : batch) {
            if (unclaimed.containsKey(routed.tp())) {
                continue; // rewound: read again once claimed
            }
            if (routed.unroutable() != null) {
                shared.badRecord(routed.record(), routed.unroutable());
            } else if (routed.tables().isEmpty()) {
                shared.metrics().recordsSkipped.incrementAndGet(); // no route-regex matched
            }
            for (String t : routed.tables()) {
                writers.get(new Route(routed.tp(), t)).write(routed.record());
            }
            shared.handled(routed.tp(), routed.record().kafkaOffset());
        }
    }

    /** A record, its partition and the tables it goes to, or why it goes to none (a bad record). */
    private record Routed(SinkRecord record, TopicPartition tp, List<String> tables, RuntimeException unroutable) {
    }

    /** Claims {@code tps} in table {@code name}; on failure they wait, rewound to their {@code first} offsets. */
    private void claim(String name, Set<TopicPartition> tps, Map<TopicPartition, Long> first) {
        IcebergTable table = catalog.table(name);
        Map<TopicPartition, IcebergTable.Held> claimed;
        try {
            claimed = table.claim(tps);
        } catch (org.apache.kafka.connect.errors.ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            shared.catalogFailed("Claiming " + tps + " in Iceberg table " + name, e); // throws when due
            log.warn("Cannot claim {} in Iceberg table {} now ({}); they wait, paused, and retry", tps, name,
                    e.toString());
            for (TopicPartition tp : tps) {
                Unclaimed before = unclaimed.get(tp);
                Set<String> tables = new HashSet<>(before == null ? Set.of() : before.tables());
                tables.add(name);
                long from = before == null ? first.get(tp) : Math.min(before.from(), first.get(tp));
                unclaimed.put(tp, new Unclaimed(tables, from));
                shared.rewind(tp, from);
            }
            return;
        }
        shared.health().succeeded();
        for (TopicPartition tp : tps) {
            PartitionWriter w = new PartitionWriter(tp, shared, table);
            w.recoverAt(claimed.get(tp));
            writers.put(new Route(tp, name), w);
        }
    }

    /** Claims again what the catalog refused before; a partition whose claims all succeed is read again. */
    private void retryClaims() {
        if (unclaimed.isEmpty()) {
            return;
        }
        Map<TopicPartition, Unclaimed> waiting = new HashMap<>(unclaimed);
        unclaimed.clear();
        Map<String, Set<TopicPartition>> byTable = new HashMap<>();
        Map<TopicPartition, Long> from = new HashMap<>();
        waiting.forEach((tp, u) -> {
            from.put(tp, u.from());
            u.tables().forEach(t -> byTable.computeIfAbsent(t, k -> new HashSet<>()).add(tp));
        });
        byTable.forEach((t, tps) -> claim(t, tps, from));
        for (TopicPartition tp : waiting.keySet()) {
            if (!unclaimed.containsKey(tp)) {
                shared.rewind(tp, from.get(tp)); // records after it were skipped while waiting
            }
        }
    }

    /** Scheduled rotation, the memory budget and back-pressure; also run from preCommit for idle partitions. */
    public void maintain() {
        commitTable();
        Rotation rotation = shared.rotation();
        if (rotation.scheduleMs() > 0) {
            long now = System.currentTimeMillis();
            for (PartitionWriter w : writers.values()) {
                w.commitWhere(f -> rotation.due(f.openedAt, now));
            }
        }
        enforceBudget(budget);
        openFilesGauge = openFiles();
        memoryGauge = memory();
        Set<TopicPartition> blocked = new HashSet<>(unclaimed.keySet());
        Set<TopicPartition> known = new HashSet<>(unclaimed.keySet());
        for (PartitionWriter w : writers.values()) {
            known.add(w.partition());
            if (w.blocked()) {
                blocked.add(w.partition());
            }
        }
        for (TopicPartition tp : known) {
            if (blocked.contains(tp) && pausedByUs.add(tp)) {
                shared.pause(tp);
            } else if (!blocked.contains(tp) && pausedByUs.remove(tp)) {
                shared.resume(tp);
            }
        }
        pausedGauge = pausedByUs.size();
    }

    /** Commits the files the partitions staged in each Iceberg table, in one append each; failures retry later. */
    private void commitTable() {
        if (catalog == null) {
            return;
        }
        boolean committed = false;
        boolean failing = false;
        for (IcebergTable table : catalog.tables()) {
            if (!table.pending()) {
                continue;
            }
            try {
                Set<TopicPartition> lost = table.commit();
                for (PartitionWriter w : writers.values()) {
                    if (w.table() == table && lost.contains(w.partition())) {
                        w.fence();
                    }
                }
                committed = true;
            } catch (org.apache.kafka.connect.errors.ConnectException e) {
                throw e;
            } catch (RuntimeException e) {
                shared.catalogFailed("Committing to Iceberg table " + table.name(), e); // throws when due
                if (!tableFailing) {
                    log.warn("Committing to Iceberg table {} failed ({}); the files stay staged, their partitions "
                            + "wait, paused, and the commit is retried", table.name(), e.toString());
                }
                failing = true;
            }
        }
        if (committed && !failing) { // only a commit that reached the catalog ends a fault (a failing claim too)
            shared.health().succeeded();
        }
        tableFailing = failing;
    }

    /**
     * Brings the open files within {@code budget}: first by spilling the rows of the coldest buffered files until half
     * the budget is used (so spills come in large rounds), then, if the spill took too little, by committing the
     * largest files early. Each file's size is read once per call (reading it walks the file's column writers).
     */
    private void enforceBudget(long budget) {
        List<OpenFile> files = new ArrayList<>();
        List<PartitionWriter> owners = new ArrayList<>();
        long held = 0;
        long streamingOverhead = 0;
        for (PartitionWriter w : writers.values()) {
            held += w.failedMemory();
            for (OpenFile f : w.openFiles()) {
                files.add(f);
                owners.add(w);
                streamingOverhead += f.streaming() ? f.writerOverhead() : 0;
            }
        }
        shared.streamingOverhead(streamingOverhead);
        if (files.isEmpty()) {
            return;
        }
        long[] sizes = files.stream().mapToLong(OpenFile::memory).toArray();
        long used = held + Arrays.stream(sizes).sum();
        if (used <= budget) {
            return;
        }
        boolean spillRefused = !spill.enabled();
        if (spill.enabled()) {
            spill.beginRound();
            Integer[] coldest = new Integer[files.size()];
            Arrays.setAll(coldest, i -> i);
            Arrays.sort(coldest, Comparator.comparingLong(i -> files.get(i).touched));
            for (int i : coldest) {
                if (used <= budget / 2) {
                    break;
                }
                long freed = files.get(i).spill(spill);
                if (freed < 0) {
                    spillRefused = true; // full, or the disk failed
                    break;
                }
                used -= freed;
                sizes[i] -= freed;
            }
        }
        int[] early = Rotation.overBudget(sizes, held, budget);
        if (early.length == 0) {
            return;
        }
        for (int i : early) {
            OpenFile victim = files.get(i);
            owners.get(i).commitWhere(f -> f == victim);
        }
        shared.metrics().filesCommittedEarly.addAndGet(early.length);
        earlySinceWarning += early.length;
        long now = System.currentTimeMillis();
        if (now - lastEarlyWarning >= WARN_EVERY_MS) {
            String why = spillRefused ? "the spill takes no more (" + spill.fullReason() + "): raise "
                    + "spill.max.bytes or give spill.dir more disk"
                    : "what cannot be spilled exceeds it (the row groups and upload parts of streaming files, and "
                    + "about 0.5 KiB per open file): lower parquet.block.size or s3.part.size";
            log.warn("Open files hold {} MiB, over memory.buffer.max.bytes={} MiB, and {}, or raise "
                    + "memory.buffer.max.bytes with the worker heap. Committed {} files early in the last minute, "
                    + "smaller than flush.size and the rotation settings ask", used / (1024 * 1024),
                    budget / (1024 * 1024), why, earlySinceWarning);
            lastEarlyWarning = now;
            earlySinceWarning = 0;
        }
    }

    /** Partitions paused because their files cannot be committed now, for the metrics thread. */
    public long pausedGauge() {
        return pausedGauge;
    }

    public io.sluice.connect.common.fault.Health health() {
        return shared.health();
    }

    /** Open files after the last batch, for the metrics thread. */
    public long openFilesGauge() {
        return openFilesGauge;
    }

    /** Heap held by open files after the last batch, for the metrics thread. */
    public long memoryGauge() {
        return memoryGauge;
    }

    /** Runs, on the calling thread, what writing asked of the worker's context (rewinds, pauses, resumes). */
    public void applyWorkerRequests() {
        for (Runnable r; (r = shared.workerRequests().poll()) != null; ) {
            r.run();
        }
    }

    public long memory() {
        long sum = 0;
        for (PartitionWriter w : writers.values()) {
            sum += w.memory();
        }
        return sum;
    }

    public long openFiles() {
        long n = 0;
        for (PartitionWriter w : writers.values()) {
            n += w.openFiles().size();
        }
        return n;
    }

    /** Offsets of data in completed objects, per partition; partitions with nothing known are left out. */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        shared.awaitReports();
        for (PartitionWriter w : writers.values()) {
            w.retryFailed();
        }
        maintain();
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        if (catalog != null && onlyTable == null) {
            // Up to the position, but not past a file still on its way into its table; nothing once fenced.
            Map<TopicPartition, Long> held = new HashMap<>();
            shared.positioned().forEach(tp -> held.put(tp, Long.MAX_VALUE));
            for (PartitionWriter w : writers.values()) {
                held.merge(w.partition(), w.heldFrom(), (a, b) -> a < 0 || b < 0 ? -1 : Math.min(a, b));
            }
            held.forEach((tp, from) -> {
                long position = shared.position(tp);
                if (from >= 0 && position >= 0) {
                    out.put(tp, new OffsetAndMetadata(Math.min(from, position)));
                }
            });
            return out;
        }
        for (PartitionWriter w : writers.values()) {
            long offset = w.committableOffset();
            if (offset >= 0) {
                out.put(w.partition(), new OffsetAndMetadata(offset));
            }
        }
        return out;
    }

    /** Drops revoked partitions' uncommitted files: the next owner rewrites them from the index's offset. */
    public void close(Collection<TopicPartition> partitions) {
        Set<TopicPartition> revoked = new HashSet<>(partitions);
        writers.entrySet().removeIf(e -> {
            if (revoked.contains(e.getKey().tp())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (TopicPartition tp : partitions) {
            pausedByUs.remove(tp);
            unclaimed.remove(tp);
            shared.forget(tp);
        }
        if (catalog != null) {
            for (IcebergTable table : catalog.tables()) {
                table.release(partitions);
            }
        }
    }

    @Override
    public void close() {
        for (PartitionWriter w : writers.values()) {
            w.close();
        }
        writers.clear();
        spill.close();
        if (catalog != null) {
            catalog.close();
        }
    }

}
