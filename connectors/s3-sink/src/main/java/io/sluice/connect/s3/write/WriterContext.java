package io.sluice.connect.s3.write;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.common.fault.Health;
import io.sluice.connect.common.fault.RetryBudget;
import io.sluice.connect.s3.S3SinkConfig;
import io.sluice.connect.s3.parquet.ParquetFiles;
import io.sluice.connect.s3.partition.Partitioner;
import io.sluice.connect.s3.partition.TimestampExtractor;
import io.sluice.connect.s3.storage.S3Storage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import software.amazon.awssdk.core.exception.SdkException;

/** What every partition writer of a task shares: settings, the bucket, the partitioner, the worker's context. */
final class WriterContext {

    private final S3Storage storage;
    /**
     * Whether a partition taken over rewinds to where its table holds it: when every record goes to one table. With
     * several tables a partition's tables hold it to different offsets: the consumer resumes at its committed offset
     * and each table's writer skips what its table holds.
     */
    private final boolean rewindsToTable;
    /** Per partition, the offset after the last record this task handled (written, routed nowhere or reported). */
    private final java.util.Map<TopicPartition, Long> positions = new java.util.HashMap<>();
    private final String bucket;
    private final SinkTaskContext task;
    private final Partitioner partitioner;
    private final TimestampExtractor extractor;
    private final RowFormats formats;
    private final SinkMetrics metrics;
    private final ParquetFiles.Settings settings;
    private final String extension;
    private final String topicsDir;
    private final S3SinkConfig.SchemaCompatibility compatibility;
    private final S3SinkConfig.NullValues nulls;
    // Read for every record: kept as fields rather than looked up in the config each time.
    private final int partSize;
    private final Rotation rotation;
    private final boolean reportIgnoredNulls;
    private final RetryBudget retry;
    private final Health health = new Health();
    private final java.util.Queue<Runnable> requests = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.List<java.util.concurrent.Future<Void>> reports = new java.util.ArrayList<>();
    /** Heap the Parquet writers of streaming files may hold whatever they have written: a quarter of the budget. */
    private final long streamingLimit;
    private long streamingOverhead;
    private long writes;

    WriterContext(S3SinkConfig config, S3Storage storage, SinkTaskContext task, SinkMetrics metrics,
            boolean rewindsToTable) {
        this.storage = storage;
        this.rewindsToTable = rewindsToTable;
        this.bucket = config.bucket();
        this.task = task;
        this.partitioner = config.partitioner();
        this.extractor = config.timestampExtractor();
        this.formats = new RowFormats(config.metadataFields(), config.enhancedAvro());
        this.metrics = metrics;
        this.settings = new ParquetFiles.Settings(config.codec(), config.blockSize(), config.pageSize(),
                config.dictionary());
        this.extension = ParquetFiles.extension(config.codec());
        this.topicsDir = config.topicsDir();
        this.compatibility = config.schemaCompatibility();
        this.nulls = config.nullValues();
        this.reportIgnoredNulls = config.reportIgnoredNulls();
        this.retry = config.retryBudget();
        this.partSize = config.partSize();
        this.rotation = new Rotation(config.flushSize(), config.rotateSizeBytes(), config.rotateIntervalMs(),
                config.rotateScheduleIntervalMs());
        this.streamingLimit = config.memoryBufferBytes() / 4;
    }

    /**
     * Whether a new file whose Parquet writer holds {@code overhead} bytes whatever it writes may stream: while the
     * streaming files' writers fit in their share of the budget. Other files are buffered (see {@link OpenFile}).
     */
    boolean openStreaming(long overhead) {
        if (streamingOverhead + overhead > streamingLimit) {
            return false;
        }
        streamingOverhead += overhead;
        return true;
    }

    /** The writers' overhead of the streaming files open now, as counted after each batch. */
    void streamingOverhead(long bytes) {
        streamingOverhead = bytes;
    }

    /** The next number of the task's write sequence: files written longest ago are the coldest. */
    long tick() {
        return ++writes;
    }

    S3Storage storage() {
        return storage;
    }

    boolean rewindsToTable() {
        return rewindsToTable;
    }

    /** The offset after the last record of {@code tp} this task handled, or -1 before the first. */
    long position(TopicPartition tp) {
        return positions.getOrDefault(tp, -1L);
    }

    void handled(TopicPartition tp, long offset) {
        positions.put(tp, offset + 1);
    }

    /** The partitions with a position. */
    java.util.Set<TopicPartition> positioned() {
        return positions.keySet();
    }

    void forget(TopicPartition tp) {
        positions.remove(tp);
    }

    /** The object key of data file {@code location} of table {@code table}, which must be in the sink's bucket. */
    String keyOf(String table, String location) {
        int scheme = location.indexOf("://");
        int slash = scheme < 0 ? -1 : location.indexOf('/', scheme + 3);
        String in = slash < 0 ? "" : location.substring(scheme + 3, slash);
        if (!in.equals(bucket)) {
            throw new ConnectException("Iceberg table " + table + " puts its data files at " + location
                    + ", outside s3.bucket.name=" + bucket + ": set s3.bucket.name to the table's bucket");
        }
        return location.substring(slash + 1);
    }

    /**
     * The Iceberg catalog failed with {@code e}: retried (the caller keeps its files and pauses) until
     * s3.retry.timeout.ms has passed since the first failure in a row, then the task fails.
     */
    void catalogFailed(String what, RuntimeException e) {
        long now = System.currentTimeMillis();
        long since = health.failed(now);
        if (retry.exhausted(1, now - since)) {
            throw new ConnectException(what + " failed: the catalog has been failing for " + (now - since) / 1000
                    + " s (" + retry.describe() + "); last error: " + e, e);
        }
    }

    Partitioner partitioner() {
        return partitioner;
    }

    RowFormats formats() {
        return formats;
    }

    SinkMetrics metrics() {
        return metrics;
    }

    Health health() {
        return health;
    }

    /**
     * S3 failed with {@code e}: a fault a retry cannot fix fails the task at once, naming the cause; S3 being away
     * is retried (the caller keeps its files and pauses) until s3.retry.timeout.ms has passed since the first failure
     * in a row, then fails the task too. {@code what} says what failed, for the message.
     */
    void s3Failed(String what, SdkException e) {
        if (!S3Storage.unavailable(e)) {
            throw new ConnectException(what + " failed and a retry cannot help: " + storage.problem(e), e);
        }
        long now = System.currentTimeMillis();
        long since = health.failed(now);
        if (retry.exhausted(1, now - since)) {
            throw new ConnectException(what + " failed: S3 has been unavailable for " + (now - since) / 1000
                    + " s (" + retry.describe() + "); last error: " + e.getMessage(), e);
        }
    }

    ParquetFiles.Settings settings() {
        return settings;
    }

    String extension() {
        return extension;
    }

    String topicsDir() {
        return topicsDir;
    }

    int partSize() {
        return partSize;
    }

    Rotation rotation() {
        return rotation;
    }

    long recordTime(SinkRecord record) {
        return extractor.extract(record);
    }

    boolean writeNulls() {
        return nulls == S3SinkConfig.NullValues.WRITE;
    }

    boolean failOnNull() {
        return nulls == S3SinkConfig.NullValues.FAIL;
    }

    /** Asks the worker to rewind; applied on the task's thread (see {@link #workerRequests()}). */
    void rewind(TopicPartition tp, long offset) {
        requests.add(() -> task.offset(tp, offset));
    }

    void pause(TopicPartition tp) {
        requests.add(() -> task.pause(tp));
    }

    void resume(TopicPartition tp) {
        requests.add(() -> task.resume(tp));
    }

    /**
     * Requests to the worker's context made while writing. The context is not thread-safe (pausing reaches the
     * consumer), and writing may run on another thread than the task's, so the task thread runs these.
     */
    java.util.Queue<Runnable> workerRequests() {
        return requests;
    }

    /** Waits until every bad record reported so far is in the dead-letter queue, before offsets past it commit. */
    void awaitReports() {
        for (java.util.concurrent.Future<Void> f : reports) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while reporting bad records", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new ConnectException("Could not report a bad record to the dead-letter queue", e.getCause());
            }
        }
        reports.clear();
    }

    /**
     * The schema a file continues with when a record of {@code incoming} meets a file of {@code current}: the
     * current one (the record is projected to it) or the incoming one (a new file starts).
     */
    Schema evolve(Schema current, Schema incoming) {
        Integer cv = current.version();
        Integer iv = incoming.version();
        if (compatibility == S3SinkConfig.SchemaCompatibility.NONE || cv == null || iv == null || !sameName(current, incoming)) {
            return incoming;
        }
        boolean older = iv < cv;
        boolean newer = iv > cv;
        return compatibility == S3SinkConfig.SchemaCompatibility.FORWARD ? (newer ? current : incoming)
                : older ? current : incoming; // backward and full keep the newer schema
    }

    private static boolean sameName(Schema a, Schema b) {
        return a.name() == null ? b.name() == null : a.name().equals(b.name());
    }

    /** A record that cannot be written: to the worker's errant record reporter (DLQ) if there is one, else fail. */
    void badRecord(SinkRecord record, RuntimeException e) {
        ErrantRecordReporter reporter = errantReporter();
        if (reporter == null) {
            throw new ConnectException("Record " + RecordLocator.of(record) + " cannot be written: " + e.getMessage() + ". Set errors.tolerance=all "
                    + "(and errors.deadletterqueue.topic.name) to route such records instead of failing.", e);
        }
        reports.add(reporter.report(record, e));
        metrics.recordsReported.incrementAndGet();
    }

    /**
     * A tombstone dropped under behavior.on.null.values=ignore: counted as skipped, and also sent to the dead-letter
     * queue when report.null.values.to.dlq is on and the worker has one (errors.tolerance=all), as Confluent's sink does.
     */
    void ignoredNull(SinkRecord record) {
        ErrantRecordReporter reporter = reportIgnoredNulls ? errantReporter() : null;
        if (reporter != null) {
            reports.add(reporter.report(record, new org.apache.kafka.connect.errors.DataException(
                    "Null value ignored (behavior.on.null.values=ignore, report.null.values.to.dlq=true)")));
            metrics.recordsReported.incrementAndGet();
        }
        metrics.recordsSkipped.incrementAndGet();
    }

    private ErrantRecordReporter errantReporter() {
        try {
            return task.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null;
        }
    }
}
