package io.sluice.connect.s3.write;

import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.DictionaryChoice;
import io.sluice.connect.s3.parquet.ParquetFiles;
import io.sluice.connect.s3.storage.PartStream;
import io.sluice.connect.s3.storage.S3Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.PartitionData;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet object being written: a directory, a schema, a run of offsets of one Kafka partition.
 *
 * <p>A file is opened either <em>streaming</em>, its rows going straight into a Parquet writer whose row groups and
 * parts go to S3 as they fill, or <em>buffered</em>, its rows held as Avro binary (in memory, then in the spill area
 * when the task needs the heap) and written as Parquet only when the file is due. A Parquet writer holds kilobytes
 * per column whatever it has written, so thousands of open files (a backfill over many time paths) can only be
 * buffered; the few files of a steady stream stream. Both give the same object.
 */
final class OpenFile {

    /** Heap of a buffered file beyond its rows: the object, its buffer's slack. */
    private static final long BUFFERED_OVERHEAD = 512;
    /** Heap that keeps track of one spilled chunk. */
    private static final long CHUNK_OVERHEAD = 64;

    final String path;
    final String key;
    /** In an Iceberg table: where the table knows the file and its partition; null in the Hive layout. */
    final TableFile tableFile;
    final String attempt;
    final long startOffset;
    final Schema schema;
    final RowFormat format;
    final long firstRecordTime;
    final long openedAt;
    long endOffset;
    long records;
    /** The task's write sequence at this file's last write: the lowest is the coldest file. */
    long touched;
    private final S3Storage storage;
    private final ParquetFiles.Settings settings;
    private final int partSize;
    private final long overhead;
    private final UnaryOperator<MessageType> fileSchema;
    private PartStream out;
    private ParquetWriter<GenericRecord> writer;
    /** The columns this file's writer encodes without a dictionary. */
    private Set<String> plainColumns;
    private boolean closed;
    /** Rows of a buffered file not yet written as Parquet: in memory, then in {@link #spilled}. Null if streaming. */
    private RowCodec.Bytes rows;
    private Spill.Run spilled;
    private long spilledRowBytes;

    OpenFile(S3Storage storage, String path, String key, String attempt, long startOffset, Schema schema,
            RowFormat format, long firstRecordTime, long openedAt, ParquetFiles.Settings settings, int partSize,
            boolean streaming, TableFile tableFile, UnaryOperator<MessageType> fileSchema) {
        this.path = path;
        this.key = key;
        this.tableFile = tableFile;
        this.fileSchema = fileSchema;
        this.attempt = attempt;
        this.startOffset = startOffset;
        this.endOffset = startOffset;
        this.schema = schema;
        this.format = format;
        this.firstRecordTime = firstRecordTime;
        this.openedAt = openedAt;
        this.storage = storage;
        this.settings = settings;
        this.partSize = partSize;
        this.overhead = ParquetFiles.fixedOverhead(format.avro(), settings);
        if (streaming) {
            startWriter();
        } else {
            rows = new RowCodec.Bytes();
        }
    }

    private void startWriter() {
        out = new PartStream(storage, key, Map.of(PartitionWriter.ATTEMPT_METADATA, attempt), partSize);
        plainColumns = format.dictionaries().forNewFile();
        try {
            writer = ParquetFiles.writer(out, format.avro(), settings, fileSchema, plainColumns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean streaming() {
        return rows == null;
    }

    /** Heap a Parquet writer holds for this file's schema whatever it has written. */
    long writerOverhead() {
        return overhead;
    }

    /**
     * Adds a row. A row the buffer cannot take leaves the buffer as it was (the record can go to the dead-letter
     * topic); one a Parquet writer fails on midway leaves the file unfinishable, so the task fails and its successor
     * rewrites the file from the committed offset.
     */
    void write(GenericRecord row, long offset) {
        if (rows != null) {
            int size = rows.size();
            try {
                format.codec().encode(row, rows);
            } catch (RuntimeException e) {
                rows.truncate(size);
                throw e;
            }
        } else {
            try {
                writer.write(row);
            } catch (IOException | RuntimeException e) {
                // Not the key in the message: with field partitioning it holds record data.
                throw new ConnectException("The Parquet writer failed midway through offset " + offset + ", which "
                        + "leaves its file unfinishable; the task fails and its successor rewrites the file from the "
                        + "committed offset", e);
            }
        }
        endOffset = offset;
        records++;
    }

    /**
     * The file's size so far: for a streaming file, bytes sent and buffered plus the row group still in the writer;
     * for a buffered one, its rows' encoded size (the Parquet file is smaller: columns compress better).
     */
    long dataSize() {
        return rows != null ? spilledRowBytes + rows.size() : writer.getDataSize();
    }

    /** Heap this file holds: the writer's fixed part, the open row group and the part not yet sent; or its rows. */
    long memory() {
        if (rows != null) {
            return BUFFERED_OVERHEAD + rows.capacity() + (spilled == null ? 0 : CHUNK_OVERHEAD * spilled.chunks());
        }
        return closed ? out.bufferedBytes()
                : overhead + writer.getDataSize() - out.getPos() + out.bufferedBytes();
    }

    /** Moves the rows held in memory to the spill area: the heap freed, 0 if none, -1 if the spill took nothing. */
    long spill(Spill spill) {
        if (rows == null || rows.size() == 0) {
            return 0;
        }
        if (spilled == null) {
            spilled = spill.run();
        }
        if (!spill.enabled() || !spilled.append(rows.array(), rows.size())) {
            return -1;
        }
        long freed = rows.capacity();
        spilledRowBytes += rows.size();
        rows.release();
        return freed - rows.capacity();
    }

    /**
     * Writes the footer (a buffered file is written as Parquet first, from its spilled rows then those in memory):
     * the whole file is then in its stream, whose last part is still to send. Can be called again.
     */
    PartStream seal() {
        if (rows != null) {
            build();
        }
        if (!closed) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            closed = true;
            format.dictionaries().learn(writer.getFooter(), plainColumns);
        }
        return out;
    }

    private void build() {
        String from = String.valueOf(spilled);
        startWriter();
        try {
            if (spilled != null) {
                spilled.forEach((data, length) -> decodeInto(data, length));
            }
            decodeInto(rows.array(), rows.size());
        } catch (UncheckedIOException e) {
            abandon();
            throw new ConnectException("Could not read back the spilled rows of " + key + " from " + from + " ("
                    + e.getCause() + "): nothing of the file was committed; the task fails and its successor "
                    + "re-reads the records from the committed offsets", e);
        }
        rows = null;
        if (spilled != null) {
            spilled.delete();
            spilled = null;
        }
    }

    private void decodeInto(byte[] data, int length) {
        try {
            format.codec().decode(data, length, writer::write);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives the file up: nothing of it becomes visible. */
    void abandon() {
        if (spilled != null) {
            spilled.delete();
            spilled = null;
        }
        if (out == null) {
            return;
        }
        try {
            out.abort();
        } catch (RuntimeException e) {
            // The upload is invisible either way; a bucket lifecycle rule removes parts nobody aborted.
        }
    }

    /** The footer of a sealed file. */
    ParquetMetadata footer() {
        return writer.getFooter();
    }

    OffsetIndex.Entry entry(String uploadId) {
        return new OffsetIndex.Entry(key, path, startOffset, endOffset, uploadId, attempt);
    }

    /** A data file's location URI in its Iceberg table and its partition tuple (null if unpartitioned). */
    record TableFile(String location, PartitionData partition) {
    }

    /**
     * The Avro form of rows with one Connect schema: the Avro schema, the compiled converter, the codec of buffered
     * rows, and which columns its files write without a dictionary.
     */
    record RowFormat(org.apache.avro.Schema avro, AvroValues.Converter converter, int valueFields, RowCodec codec,
            DictionaryChoice dictionaries) {
    }
}
