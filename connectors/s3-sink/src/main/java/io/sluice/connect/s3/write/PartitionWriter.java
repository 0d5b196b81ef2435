package io.sluice.connect.s3.write;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.s3.avro.SchemaInference;
import io.sluice.connect.s3.iceberg.IcebergTable;
import io.sluice.connect.s3.iceberg.TableSchemas;
import io.sluice.connect.s3.parquet.ParquetFiles;
import io.sluice.connect.s3.storage.PartStream;
import io.sluice.connect.s3.storage.S3Storage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionData;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaProjector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Writes one Kafka partition: its open files (one per directory), their rotation, and the exactly-once commit.
 *
 * <p>Commit of files: their last parts are sent, then the partition's {@link OffsetIndex} is rewritten with them
 * (conditionally on its entity tag, which fences a zombie), then the uploads are completed. Recovery (when the
 * partition is opened, or after a failure) aborts the uploads of listed files whose object does not exist, keeps the
 * others, bumps the epoch, and rewinds the consumer to the index's committed offset; records already in a kept
 * object are skipped. So every offset lands in exactly one object whatever rotated the files.
 */
final class PartitionWriter {

    static final String ATTEMPT_METADATA = "sluice-attempt";
    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);
    /** The longest object key S3 accepts, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    private final TopicPartition tp;
    private final WriterContext ctx;
    /** The Iceberg table this writer commits the partition's records to (table.format=iceberg), else null. */
    private final IcebergTable table;
    private final String indexKey;
    private final Map<String, OpenFile> files = new LinkedHashMap<>();
    /** Files full or cut by a rotation rule during a batch: committed together at its end (one index write). */
    private final List<OpenFile> due = new ArrayList<>();
    /** Files finished but not yet committed because S3 failed; retried first on the next put. */
    private final List<OpenFile> failed = new ArrayList<>();
    private OffsetIndex index = OffsetIndex.EMPTY;
    private String indexEtag;
    private boolean recovered;
    /** The last offset held by an object listed at recovery: only records up to it can be replays. */
    private long replayEnd = -1;
    /** Set when another task took the partition over: nothing more is written or committed for it here. */
    private boolean fenced;
    /** The next offset to write; -1 until known. */
    private long nextOffset = -1;
    /** The first offset dropped because the index could not be read (S3 away): read again once recovered. */
    private long skippedFrom = -1;
    /** Whether the last recovery attempt found S3 away (logged once per outage). */
    private boolean waitingForS3;

    PartitionWriter(TopicPartition tp, WriterContext ctx, IcebergTable table) {
        this.tp = tp;
        this.ctx = ctx;
        this.table = table;
        this.indexKey = ctx.topicsDir() + "/" + tp.topic() + "/_sluice/" + tp.partition() + ".json";
    }

    TopicPartition partition() {
        return tp;
    }

    /** The Iceberg table this writer commits to, or null (the Hive layout). */
    IcebergTable table() {
        return table;
    }

    /** Whether {@code record} is of this writer's partition (consecutive records mostly are: no lookup then). */
    boolean owns(SinkRecord record) {
        return record.originalKafkaPartition() == tp.partition() && record.originalTopic().equals(tp.topic());
    }

    /**
     * The partition a record was read from, before any transform renamed its topic or moved it (RegexRouter, an
     * outbox router): keys, the offset index and offsets are the consumer's, and data-derived text never becomes a
     * topic directory or a partition this task does not own.
     */
    static TopicPartition origin(SinkRecord record) {
        return new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
    }

    /**
     * Takes the partition over and rewinds to its committed offset: in an Iceberg table by claiming it there; in the
     * Hive layout by reading the index, settling the uploads it lists and bumping its epoch.
     */
    void recover() {
        if (table != null) {
            recoverAt(table.claim(List.of(tp)).get(tp));
            return;
        }
        close();
        for (int attempt = 1; ; attempt++) {
            S3Storage.Versioned stored = ctx.storage().get(indexKey);
            OffsetIndex read = stored == null ? OffsetIndex.EMPTY : OffsetIndex.parse(stored.bytes());
            List<OffsetIndex.Entry> kept = new ArrayList<>();
            for (OffsetIndex.Entry e : read.files()) {
                if (e.upload() != null) {
                    ctx.storage().abort(e.key(), e.upload());
                }
                Map<String, String> meta = ctx.storage().metadata(e.key());
                if (meta != null && e.attempt().equals(meta.get(ATTEMPT_METADATA))) {
                    kept.add(e);
                }
            }
            OffsetIndex next = new OffsetIndex(read.epoch() + 1, read.committed(), kept);
            try {
                indexEtag = ctx.storage().putIfUnchanged(indexKey, next.toJson(),
                        stored == null ? null : stored.etag());
                index = next;
                break;
            } catch (S3Storage.Fenced e) {
                if (attempt == 3) {
                    throw new ConnectException("Could not take over " + tp + ": its offset index " + indexKey
                            + " keeps changing. Is another connector writing the same topic to the same bucket and "
                            + "topics.dir?");
                }
            }
        }
        recovered = true;
        replayEnd = index.files().stream().mapToLong(OffsetIndex.Entry::end).max().orElse(-1);
        if (index.committed() >= 0) {
            nextOffset = index.committed();
            ctx.rewind(tp, nextOffset);
        } else if (skippedFrom >= 0) {
            ctx.rewind(tp, skippedFrom);
        }
        skippedFrom = -1;
        log.info("{}: recovered at offset {} (epoch {}, {} objects beyond it)", tp, index.committed(), index.epoch(),
                index.files().size());
    }

    /**
     * Starts where the Iceberg table holds the partition ({@code held}; null: not written yet, start where the
     * consumer is): at its first offset not in the table, skipping the records of its files beyond that offset. The
     * consumer is rewound there when this is the connector's only table; with several, each table's writer skips
     * what its own table holds.
     */
    void recoverAt(IcebergTable.Held held) {
        close();
        recovered = true;
        long committed = held == null ? -1 : held.offset();
        List<OffsetIndex.Entry> beyond = new ArrayList<>();
        if (held != null) {
            for (IcebergTable.Range r : held.ranges()) {
                beyond.add(new OffsetIndex.Entry(null, r.path(), r.start(), r.end(), null, null));
            }
        }
        index = new OffsetIndex(0, committed, beyond);
        replayEnd = beyond.stream().mapToLong(OffsetIndex.Entry::end).max().orElse(-1);
        if (committed >= 0) {
            nextOffset = committed;
        }
        if (committed >= 0 && ctx.rewindsToTable()) {
            ctx.rewind(tp, committed);
        } else if (skippedFrom >= 0) {
            ctx.rewind(tp, skippedFrom);
        }
        skippedFrom = -1;
    }

    /**
     * {@link #recover()}, unless S3 is away: then the partition stays unrecovered (and {@link #blocked()}), and
     * recovery is tried again with the next records or commit. Whether it recovered.
     */
    boolean tryRecover() {
        try {
            recover();
            waitingForS3 = false;
            ctx.health().succeeded();
            return true;
        } catch (SdkException e) {
            ctx.s3Failed(tp + ": reading its offset index " + indexKey, e); // throws unless S3 is only away
            if (!waitingForS3) {
                log.warn("{}: cannot read its offset index {} while S3 is away ({}); the partition waits, paused, "
                        + "and retries", tp, indexKey, e.getMessage());
                waitingForS3 = true;
            }
            return false;
        } catch (RuntimeException e) {
            if (table == null || e instanceof ConnectException) {
                throw e;
            }
            ctx.catalogFailed(tp + ": claiming it in Iceberg table " + table.name(), e); // throws when due
            if (!waitingForS3) {
                log.warn("{}: cannot claim it in Iceberg table {} while the catalog fails ({}); the partition waits, "
                        + "paused, and retries", tp, table.name(), e.toString());
                waitingForS3 = true;
            }
            return false;
        }
    }

    /** Writes one record, committing the files it rotates. */
    void write(SinkRecord record) {
        long offset = record.kafkaOffset();
        if (fenced) {
            return; // lost to another task
        }
        if (!recovered && !tryRecover()) {
            // Not written and not committed: recovery rewinds to it (or to the index's offset, which is lower).
            skippedFrom = skippedFrom < 0 ? offset : Math.min(skippedFrom, offset);
            return;
        }
        if (nextOffset >= 0 && offset < nextOffset) {
            return; // replayed below what is already written
        }
        try {
            place(record, offset);
        } catch (DataException | ClassCastException | IllegalArgumentException e) {
            ctx.badRecord(record, e);
        }
        nextOffset = offset + 1;
    }

    private void place(SinkRecord record, long offset) {
        Object value = record.value();
        if (value == null && !ctx.writeNulls()) {
            if (ctx.failOnNull()) {
                throw new ConnectException("Record " + RecordLocator.of(tp, offset) + " has a null value (a tombstone). Set "
                        + "behavior.on.null.values to ignore or write to accept tombstones.");
            }
            ctx.ignoredNull(record);
            return;
        }
        String path = table == null ? ctx.partitioner().path(record) : tablePath(record);
        if (offset <= replayEnd && index.find(path, offset, ctx.partitioner().deterministic()) != null) {
            return; // already in an object written before a restart
        }
        OpenFile file = files.get(path);
        Schema schema = file == null ? null : file.schema;
        Object row = value;
        boolean rotate = false;
        if (record.valueSchema() != null) {
            Schema incoming = record.valueSchema();
            if (schema == null) {
                schema = incoming;
            } else if (incoming != schema && !incoming.equals(schema)) {
                Schema target = ctx.evolve(schema, incoming);
                if (target == schema) {
                    row = value == null ? null : SchemaProjector.project(incoming, value, schema);
                } else {
                    schema = incoming;
                    rotate = true;
                }
            }
        } else if (value != null) {
            if (schema == null || !SchemaInference.fits(schema, value)) {
                Schema inferred = SchemaInference.infer(value);
                Schema merged = schema == null ? null : SchemaInference.merge(schema, inferred);
                rotate = schema != null;
                schema = merged != null ? merged : inferred;
            }
        } else if (schema == null) {
            schema = org.apache.kafka.connect.data.SchemaBuilder.struct().optional().build();
        }
        OpenFile.RowFormat format = ctx.formats().of(schema);
        var avroRow = ctx.formats().row(format, row, record);
        long time = ctx.rotation().intervalMs() > 0 ? ctx.recordTime(record) : 0L;
        if (file != null && ctx.rotation().before(rotate, file.firstRecordTime, time)) {
            due(file);
            file = null;
        }
        if (file == null) {
            file = open(path, offset, schema, format, time);
        }
        file.write(avroRow, offset);
        file.touched = ctx.tick();
        ctx.metrics().recordsWritten.incrementAndGet();
        // The size walks the writer's columns: read it only when a size rotates files.
        if (ctx.rotation().after(file.records, ctx.rotation().sizeBytes() > 0 ? file.dataSize() : 0)) {
            due(file);
        }
    }

    /** The record's partition path in the Iceberg table, created from this record's schema if it is missing. */
    private String tablePath(SinkRecord record) {
        if (!table.exists()) {
            Schema natural = record.valueSchema() != null ? record.valueSchema()
                    : record.value() != null ? SchemaInference.infer(record.value()) : null;
            if (natural == null) {
                throw new DataException("Iceberg table " + table.name() + " does not exist yet and a tombstone has no "
                        + "schema to create it from");
            }
            table.create(ctx.formats().of(natural).avro());
        }
        return table.partitions().path(record);
    }

    private void due(OpenFile file) {
        files.remove(file.path);
        due.add(file);
    }

    /** Commits the files that became due during the batch. */
    void commitDue() {
        if (!due.isEmpty()) {
            List<OpenFile> ready = new ArrayList<>(due);
            due.clear();
            complete(ready);
        }
    }

    private OpenFile open(String path, long offset, Schema schema, OpenFile.RowFormat format, long time) {
        String attempt = UUID.randomUUID().toString();
        String name = tp.topic() + "+" + tp.partition() + "+" + String.format("%010d", offset);
        OpenFile.TableFile tableFile = null;
        UnaryOperator<MessageType> fileSchema = UnaryOperator.identity();
        String key;
        if (table == null) {
            key = ctx.topicsDir() + "/" + tp.topic() + "/" + path + "/" + name + ctx.extension();
        } else {
            // A file of a rewritten offset range must not replace one in the table: the attempt makes names unique.
            org.apache.iceberg.Schema columns = table.schemaFor(format.avro());
            fileSchema = m -> TableSchemas.withIds(m, columns);
            PartitionData partition = table.partitions().partition(path);
            tableFile = new OpenFile.TableFile(table.location(partition, name + "-" + attempt + ctx.extension()),
                    partition);
            key = ctx.keyOf(table.name(), tableFile.location());
        }
        int length = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length > MAX_KEY_BYTES) { // S3 would refuse every request for it
            throw new DataException("The object key for record " + RecordLocator.of(tp, offset) + " would be " + length
                    + " bytes, more than the " + MAX_KEY_BYTES + " S3 allows: shorten the partition field values, "
                    + "path.format or topics.dir"); // the key itself holds record data: not in the message
        }
        boolean streaming = ctx.openStreaming(ParquetFiles.fixedOverhead(format.avro(), ctx.settings()));
        OpenFile file = new OpenFile(ctx.storage(), path, key, attempt, offset, schema, format, time,
                System.currentTimeMillis(), ctx.settings(), ctx.partSize(), streaming, tableFile, fileSchema);
        files.put(path, file);
        return file;
    }

    /** Commits every open file for which {@code due} holds. */
    void commitWhere(java.util.function.Predicate<OpenFile> due) {
        List<OpenFile> ready = files.values().stream().filter(due).toList();
        if (!ready.isEmpty()) {
            commit(ready);
        }
    }

    Collection<OpenFile> openFiles() {
        return files.values();
    }

    /** Retries the commits S3 failed before; false while they still fail. */
    boolean retryFailed() {
        if (!recovered && !fenced && !tryRecover()) {
            return false;
        }
        if (failed.isEmpty()) {
            return true;
        }
        List<OpenFile> retry = new ArrayList<>(failed);
        failed.clear();
        return complete(retry);
    }

    /** Whether the partition should not be consumed for now: commits are failing, or the partition was lost. */
    boolean blocked() {
        return fenced || !failed.isEmpty() || !recovered || table != null && table.hasStaged(tp);
    }

    private void commit(List<OpenFile> ready) {
        for (OpenFile f : ready) {
            files.remove(f.path);
        }
        complete(ready);
    }

    /** Lists the files in the index, then completes their uploads; on an S3 failure keeps them for a retry. */
    private boolean complete(List<OpenFile> ready) {
        if (table != null) {
            return stage(ready);
        }
        try {
            List<PartStream> streams = new ArrayList<>(ready.size());
            for (OpenFile f : ready) {
                streams.add(f.seal());
            }
            ctx.storage().eachInParallel(streams, PartStream::finish);
            List<OffsetIndex.Entry> entries = new ArrayList<>(ready.size());
            for (int i = 0; i < ready.size(); i++) {
                entries.add(ready.get(i).entry(streams.get(i).uploadId()));
            }
            OffsetIndex next = index.with(index.epoch(), durableOffset(ready), entries);
            indexEtag = ctx.storage().putIfUnchanged(indexKey, next.toJson(), indexEtag);
            index = next;
            ctx.storage().eachInParallel(streams, PartStream::complete);
            for (PartStream out : streams) {
                ctx.metrics().filesCommitted.incrementAndGet();
                ctx.metrics().bytesWritten.addAndGet(out.getPos());
            }
            ctx.health().succeeded();
            waitingForS3 = false;
            return true;
        } catch (S3Storage.Fenced e) {
            log.error("{}: another task has taken this partition over (its offset index {} changed): this task "
                    + "drops its unwritten files and stops writing the partition until it is assigned again. If this "
                    + "repeats, check that no other connector writes the same topic to the same bucket and "
                    + "topics.dir.", tp, indexKey);
            for (OpenFile f : ready) {
                f.abandon();
            }
            close();
            fenced = true;
            return true;
        } catch (SdkException e) {
            failed.addAll(ready); // kept: a failure here fails the task, whose successor re-reads them
            ctx.s3Failed(tp + ": committing " + ready.size() + " file(s)", e); // throws unless S3 is only away
            if (!waitingForS3) {
                log.warn("{}: committing {} files failed while S3 is away, the partition waits, paused, and "
                        + "retries: {}", tp, ready.size(), e.toString());
                waitingForS3 = true;
            }
            return false;
        }
    }

    /**
     * Uploads the files whole, then hands them to the task's next Iceberg commit (which makes them part of the table,
     * or deletes them if this task lost the partition); on an S3 failure keeps them for a retry.
     */
    private boolean stage(List<OpenFile> ready) {
        try {
            List<PartStream> streams = new ArrayList<>(ready.size());
            for (OpenFile f : ready) {
                streams.add(f.seal());
            }
            ctx.storage().eachInParallel(streams, PartStream::finish);
            ctx.storage().eachInParallel(streams, PartStream::complete);
            List<DataFile> files = new ArrayList<>(ready.size());
            for (int i = 0; i < ready.size(); i++) {
                OpenFile f = ready.get(i);
                files.add(table.dataFile(f.tableFile.location(), f.tableFile.partition(),
                        streams.get(i).getPos(), f.footer()));
                ctx.metrics().filesCommitted.incrementAndGet();
                ctx.metrics().bytesWritten.addAndGet(streams.get(i).getPos());
            }
            List<IcebergTable.Range> ranges = new ArrayList<>(ready.size());
            for (OpenFile f : ready) {
                ranges.add(new IcebergTable.Range(f.path, f.startOffset, f.endOffset));
            }
            table.stage(tp, files, ranges, durableOffset(List.of()));
            ctx.health().succeeded();
            waitingForS3 = false;
            return true;
        } catch (SdkException e) {
            failed.addAll(ready);
            ctx.s3Failed(tp + ": uploading " + ready.size() + " file(s)", e); // throws unless S3 is only away
            if (!waitingForS3) {
                log.warn("{}: uploading {} files failed while S3 is away, the partition waits, paused, and "
                        + "retries: {}", tp, ready.size(), e.toString());
                waitingForS3 = true;
            }
            return false;
        }
    }

    /** Another task owns the partition now: nothing more is written or committed for it here. */
    void fence() {
        close();
        fenced = true;
    }

    /**
     * The first offset not yet in a completed object: the start of the oldest open or uncommitted file, else the
     * next offset to write. {@code committing} files count as open: their uploads complete only after the index
     * write that uses this value.
     */
    private long durableOffset(List<OpenFile> committing) {
        // With several tables, this writer sees only its table's records: every record the task handled below its
        // position that goes to this table is in the table or in a file counted below.
        long min = table != null && !ctx.rewindsToTable() ? Math.max(nextOffset, ctx.position(tp)) : nextOffset;
        for (Collection<OpenFile> held : List.of(files.values(), failed, due, committing)) {
            for (OpenFile f : held) {
                min = min < 0 ? f.startOffset : Math.min(min, f.startOffset);
            }
        }
        return min;
    }

    /** The offset to commit to Kafka, or -1 if nothing is known yet. */
    long committableOffset() {
        if (fenced) {
            return -1;
        }
        if (table != null && (table.hasStaged(tp) || !failed.isEmpty())) {
            return table.committed(tp);
        }
        return durableOffset(List.of());
    }

    /**
     * With several tables: the first offset of the files this writer holds not yet in its table (open, due, failed
     * or staged), which the partition's committed offset must not pass; {@link Long#MAX_VALUE} if none; -1 once
     * fenced (the partition is another task's: nothing is committed for it).
     */
    long heldFrom() {
        if (fenced) {
            return -1;
        }
        long min = Long.MAX_VALUE;
        for (Collection<OpenFile> held : List.of(files.values(), failed, due)) {
            for (OpenFile f : held) {
                min = Math.min(min, f.startOffset);
            }
        }
        long staged = table.stagedFrom(tp);
        return staged >= 0 ? Math.min(min, staged) : min;
    }

    /** Gives up everything not committed (the partition was revoked or the task stops). */
    void close() {
        for (OpenFile f : files.values()) {
            f.abandon();
        }
        files.clear();
        for (OpenFile f : failed) {
            f.abandon();
        }
        failed.clear();
        for (OpenFile f : due) {
            f.abandon();
        }
        due.clear();
    }

    long memory() {
        long sum = failedMemory();
        for (OpenFile f : due) {
            sum += f.memory();
        }
        for (OpenFile f : files.values()) {
            sum += f.memory();
        }
        return sum;
    }

    /** Heap held by finished files waiting for a commit retry. */
    long failedMemory() {
        long sum = 0;
        for (OpenFile f : failed) {
            sum += f.memory();
        }
        return sum;
    }

}
