package io.sluice.connect.s3.write;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Runs a {@link SinkWriter} on a thread of its own, so encoding Parquet overlaps with the worker converting the next
 * records on the task thread. Every operation goes through one queue in order, so the writer sees exactly the
 * sequence the worker calls; {@code put} returns once its batch is queued (at most {@value #QUEUED_RECORDS} records
 * wait), the others wait for their result. A failure of a queued put fails the task's next call.
 */
public final class WriteBehind implements AutoCloseable {

    static final int QUEUED_RECORDS = 20_000;

    private final SinkWriter writer;
    private final ExecutorService thread;
    private final Semaphore room = new Semaphore(QUEUED_RECORDS);
    private volatile RuntimeException failure;

    public WriteBehind(SinkWriter writer, String name) {
        this.writer = writer;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-s3-write-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public void put(Collection<SinkRecord> records) {
        rethrow();
        int permits = Math.min(records.size(), QUEUED_RECORDS);
        room.acquireUninterruptibly(permits);
        thread.execute(() -> {
            try {
                if (failure == null) {
                    writer.put(records);
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                room.release(permits);
            }
        });
        writer.applyWorkerRequests();
    }

    public void open(Collection<TopicPartition> partitions) {
        call(() -> {
            writer.open(partitions);
            return null;
        });
    }

    public Map<TopicPartition, OffsetAndMetadata> committable() {
        return call(writer::committable);
    }

    public void close(Collection<TopicPartition> partitions) {
        call(() -> {
            writer.close(partitions);
            return null;
        });
    }

    private <T> T call(Callable<T> operation) {
        rethrow();
        Future<T> result = thread.submit(operation);
        try {
            T value = result.get();
            rethrow(); // a put queued before this call failed
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while writing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ConnectException(e.getCause());
        } finally {
            writer.applyWorkerRequests();
        }
    }

    private void rethrow() {
        RuntimeException e = failure;
        if (e != null) {
            throw e instanceof ConnectException ? e : new ConnectException(e.getMessage(), e);
        }
    }

    /** Drops what is not committed and stops the thread (a queued put is abandoned with its uncommitted data). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
