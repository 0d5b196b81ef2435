package io.sluice.connect.s3.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Rows of one Avro schema as Avro binary: how a file that is not yet written as Parquet holds its rows, in memory
 * and in the spill area. Reading them back gives the values the Parquet writer would have been handed (strings as
 * {@code Utf8}, which it writes as the same bytes), so a file built from them is the file written directly.
 */
final class RowCodec {

    private final GenericDatumWriter<Object> writer;
    private final GenericDatumReader<GenericRecord> reader;
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    RowCodec(Schema schema) {
        this.writer = new GenericDatumWriter<>(schema, GenericData.get()) {
            @Override
            protected void writeEnum(Schema enumSchema, Object datum, Encoder out) throws IOException {
                // Rows carry enum symbols as strings (Parquet takes either); Avro's own writer wants EnumSymbols.
                out.writeEnum(enumSchema.getEnumOrdinal(datum.toString()));
            }
        };
        this.reader = new GenericDatumReader<>(schema, schema, GenericData.get());
    }

    /** Appends {@code row} to {@code out}. */
    void encode(GenericRecord row, Bytes out) {
        encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
        try {
            writer.write(row, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the rows in {@code length} bytes of {@code data}, handing each to {@code sink} (the record is reused). */
    void decode(byte[] data, int length, RowSink sink) throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(data, 0, length, decoder);
        GenericRecord row = null;
        while (!decoder.isEnd()) {
            row = reader.read(row, decoder);
            sink.accept(row);
        }
    }

    @FunctionalInterface
    interface RowSink {
        void accept(GenericRecord row) throws IOException;
    }

    /** A byte buffer whose array is read in place; {@link #release} gives the array back to the heap. */
    static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(256);
        }

        byte[] array() {
            return buf;
        }

        int capacity() {
            return buf.length;
        }

        /** Drops what was written after the first {@code size} bytes. */
        void truncate(int size) {
            count = size;
        }

        void release() {
            buf = new byte[0];
            count = 0;
        }
    }
}
