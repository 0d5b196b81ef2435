package io.sluice.connect.s3.write;

import io.sluice.connect.s3.S3SinkConfig;
import io.sluice.connect.s3.iceberg.IcebergTable;
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
 */
public final class SinkWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkWriter.class);
    private static final long WARN_EVERY_MS = 60_000;

    private final long budget;
    private final WriterContext shared;
    /** table.format=iceberg: the table every partition's files are committed to, once per batch; else null. */
    private final IcebergTable table;
    /** Whether the last table commit failed (logged once per outage). */
    private boolean tableFailing;
    private final Spill spill;
    private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();
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
        this.table = config.iceberg() ? config.icebergTable() : null;
        this.shared = new WriterContext(config, storage, context, metrics, table);
        if (table != null) {
            metrics.table(table);
        }
        this.spill = Spill.open(config.spillDir(), owner, config.spillMaxBytes());
        metrics.spill(spill::bytes, spill::spilledTotal);
    }

    /** Why {@code spill.dir} cannot hold the spill, for validation; null if it can. */
    public static String spillProblem(Path dir, long maxBytes) {
        return Spill.problem(dir, maxBytes);
    }

    /**
     * Takes partitions over: recovers each from its offset index, or claims them all in the Iceberg table at once,
     * and rewinds the consumer to where they were committed.
     */
    public void open(Collection<TopicPartition> partitions) {
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
            PartitionWriter w = new PartitionWriter(tp, shared);
            writers.put(tp, w);
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
        PartitionWriter w = null;
        for (SinkRecord r : records) {
            if (w == null || !w.owns(r)) {
                w = writers.computeIfAbsent(PartitionWriter.origin(r), p -> new PartitionWriter(p, shared));
            }
            w.write(r);
        }
        for (PartitionWriter pw : writers.values()) {
            pw.commitDue();
        }
        maintain();
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
        for (PartitionWriter w : writers.values()) {
            TopicPartition tp = w.partition();
            if (w.blocked() && pausedByUs.add(tp)) {
                shared.pause(tp);
            } else if (!w.blocked() && pausedByUs.remove(tp)) {
                shared.resume(tp);
            }
        }
        pausedGauge = pausedByUs.size();
    }

    /** Commits the files the partitions staged in the Iceberg table, in one append; a failure is retried later. */
    private void commitTable() {
        if (table == null) {
            return;
        }
        try {
            for (TopicPartition lost : table.commit()) {
                PartitionWriter w = writers.get(lost);
                if (w != null) {
                    w.fence();
                }
            }
            shared.health().succeeded();
            tableFailing = false;
        } catch (org.apache.kafka.connect.errors.ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            shared.catalogFailed("Committing to Iceberg table " + table.name(), e); // throws when due
            if (!tableFailing) {
                log.warn("Committing to Iceberg table {} failed ({}); the files stay staged, their partitions wait, "
                        + "paused, and the commit is retried", table.name(), e.toString());
                tableFailing = true;
            }
        }
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
        for (TopicPartition tp : partitions) {
            PartitionWriter w = writers.remove(tp);
            if (w != null) {
                w.close();
            }
            pausedByUs.remove(tp);
        }
        if (table != null) {
            table.release(partitions);
        }
    }

    @Override
    public void close() {
        for (PartitionWriter w : writers.values()) {
            w.close();
        }
        writers.clear();
        spill.close();
        if (table != null) {
            table.close();
        }
    }

}
