package io.sluice.connect.s3.write;

import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.ParquetFiles;
import io.sluice.connect.s3.storage.PartStream;
import io.sluice.connect.s3.storage.S3Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.parquet.hadoop.ParquetWriter;

/** One Parquet object being written: a directory, a schema, a run of offsets of one Kafka partition. */
final class OpenFile {

    final String path;
    final String key;
    final String attempt;
    final long startOffset;
    final Schema schema;
    final RowFormat format;
    final long firstRecordTime;
    final long openedAt;
    long endOffset;
    long records;
    private final PartStream out;
    private final ParquetWriter<GenericRecord> writer;
    private boolean closed;
    private final long overhead;

    OpenFile(S3Storage storage, String path, String key, String attempt, long startOffset, Schema schema,
            RowFormat format, long firstRecordTime, long openedAt, ParquetFiles.Settings settings, int partSize) {
        this.path = path;
        this.key = key;
        this.attempt = attempt;
        this.startOffset = startOffset;
        this.endOffset = startOffset;
        this.schema = schema;
        this.format = format;
        this.firstRecordTime = firstRecordTime;
        this.openedAt = openedAt;
        this.overhead = ParquetFiles.fixedOverhead(format.avro(), settings);
        this.out = new PartStream(storage, key, Map.of(PartitionWriter.ATTEMPT_METADATA, attempt), partSize);
        try {
            this.writer = ParquetFiles.writer(out, format.avro(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(GenericRecord row, long offset) {
        try {
            writer.write(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        endOffset = offset;
        records++;
    }

    /** The file's size so far: bytes sent and buffered plus the row group still in the writer. */
    long dataSize() {
        return writer.getDataSize();
    }

    /** Heap this file holds: the writer's fixed part, the open row group and the part not yet sent. */
    long memory() {
        return closed ? out.bufferedBytes()
                : overhead + writer.getDataSize() - out.getPos() + out.bufferedBytes();
    }

    /**
     * Writes the footer and sends what is left; the upload is then ready to complete. Can be called again after an
     * S3 failure: the footer is written once, the unsent bytes are sent again.
     */
    PartStream finish() {
        if (!closed) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            closed = true;
        }
        out.finish();
        return out;
    }

    /** Gives the file up: nothing of it becomes visible. */
    void abandon() {
        try {
            out.abort();
        } catch (RuntimeException e) {
            // The upload is invisible either way; a bucket lifecycle rule removes parts nobody aborted.
        }
    }

    OffsetIndex.Entry entry(String uploadId) {
        return new OffsetIndex.Entry(key, path, startOffset, endOffset, uploadId, attempt);
    }

    /** The Avro form of rows with one Connect schema: the Avro schema and the compiled converter. */
    record RowFormat(org.apache.avro.Schema avro, AvroValues.Converter converter, int valueFields) {
    }
}
