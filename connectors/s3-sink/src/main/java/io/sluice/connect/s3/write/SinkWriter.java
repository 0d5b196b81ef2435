package io.sluice.connect.s3.write;

import io.sluice.connect.s3.S3SinkConfig;
import io.sluice.connect.s3.storage.S3Storage;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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

    private final S3SinkConfig config;
    private final S3Storage storage;
    private final SinkTaskContext context;
    private final WriterContext shared;
    private final SinkMetrics metrics;
    private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();
    private final Set<TopicPartition> pausedByUs = new HashSet<>();

    public SinkWriter(S3SinkConfig config, S3Storage storage, SinkTaskContext context, SinkMetrics metrics) {
        this.config = config;
        this.storage = storage;
        this.context = context;
        this.metrics = metrics;
        this.shared = new WriterContext(config, storage, context, metrics);
    }

    /** Takes partitions over: recovers each from its offset index and rewinds the consumer to it. */
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionWriter w = new PartitionWriter(tp, shared);
            writers.put(tp, w);
            w.recover();
        }
    }

    public void put(Collection<SinkRecord> records) {
        for (PartitionWriter w : writers.values()) {
            w.retryFailed();
        }
        for (SinkRecord r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.kafkaPartition());
            PartitionWriter w = writers.get(tp);
            if (w == null) {
                w = new PartitionWriter(tp, shared);
                writers.put(tp, w);
            }
            w.write(r);
        }
        maintain();
    }

    /** Scheduled rotation, the memory budget and back-pressure; also run from preCommit for idle partitions. */
    public void maintain() {
        long schedule = config.rotateScheduleIntervalMs();
        if (schedule > 0) {
            long now = System.currentTimeMillis();
            for (PartitionWriter w : writers.values()) {
                w.commitWhere(f -> now - f.openedAt >= schedule);
            }
        }
        long budget = config.memoryBufferBytes();
        long used = memory();
        while (used > budget) {
            OpenFile largest = null;
            PartitionWriter owner = null;
            for (PartitionWriter w : writers.values()) {
                for (OpenFile f : w.openFiles()) {
                    if (largest == null || f.memory() > largest.memory()) {
                        largest = f;
                        owner = w;
                    }
                }
            }
            if (largest == null) {
                break;
            }
            OpenFile victim = largest;
            owner.commitWhere(f -> f == victim);
            long after = memory();
            if (after >= used) {
                break; // the commit failed; the partition is paused below
            }
            used = after;
        }
        for (PartitionWriter w : writers.values()) {
            TopicPartition tp = w.partition();
            if (w.blocked() && pausedByUs.add(tp)) {
                context.pause(tp);
            } else if (!w.blocked() && pausedByUs.remove(tp)) {
                context.resume(tp);
            }
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
