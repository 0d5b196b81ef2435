package io.sluice.connect.s3.write;

import io.sluice.connect.s3.S3SinkConfig;
import io.sluice.connect.s3.storage.S3Storage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A task's writing: records to their partition's writer, then the task-wide rules: scheduled (wall-clock) rotation
 * and the memory budget, which commits the largest open files until the buffered total fits. A partition whose
 * commits fail (S3 down past the retries) is paused until they succeed, so memory does not grow while S3 is away and
 * nothing is dropped; the task stays RUNNING.
 */
public final class SinkWriter implements AutoCloseable {

    private final long budget;
    private final WriterContext shared;
    private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();
    private final Set<TopicPartition> pausedByUs = new HashSet<>();
    // What the metrics thread reads: updated by the writing thread after each batch.
    private volatile long openFilesGauge;
    private volatile long memoryGauge;
    private volatile long pausedGauge;

    public SinkWriter(S3SinkConfig config, S3Storage storage, SinkTaskContext context, SinkMetrics metrics) {
        this.budget = config.memoryBufferBytes();
        this.shared = new WriterContext(config, storage, context, metrics);
    }

    /** Takes partitions over: recovers each from its offset index and rewinds the consumer to it. */
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionWriter w = new PartitionWriter(tp, shared);
            writers.put(tp, w);
            w.tryRecover(); // while S3 is away, the partition waits paused and retries at every put
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
        maintain();
    }

    /** Scheduled rotation, the memory budget and back-pressure; also run from preCommit for idle partitions. */
    public void maintain() {
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

    /**
     * Commits the largest open files until the open files fit in {@code budget}. Each file's size is read once per
     * call (reading it walks the file's column writers).
     */
    private void enforceBudget(long budget) {
        List<OpenFile> files = new ArrayList<>();
        List<PartitionWriter> owners = new ArrayList<>();
        long held = 0;
        for (PartitionWriter w : writers.values()) {
            held += w.failedMemory();
            for (OpenFile f : w.openFiles()) {
                files.add(f);
                owners.add(w);
            }
        }
        if (files.isEmpty()) {
            return;
        }
        long[] sizes = files.stream().mapToLong(OpenFile::memory).toArray();
        for (int i : Rotation.overBudget(sizes, held, budget)) {
            OpenFile victim = files.get(i);
            owners.get(i).commitWhere(f -> f == victim);
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
    }

    @Override
    public void close() {
        for (PartitionWriter w : writers.values()) {
            w.close();
        }
        writers.clear();
    }

}
