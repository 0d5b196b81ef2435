package io.sluice.connect.s3;

import io.sluice.connect.s3.parquet.Codecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads the Parquet objects of a bucket back with parquet-avro's reader: an independent check of what was written. */
final class ParquetObjects {

    private ParquetObjects() {
    }

    /** Every Parquet object under {@code prefix}, by key, with its rows. */
    static Map<String, List<GenericRecord>> read(S3Client s3, String bucket, String prefix) {
        Map<String, List<GenericRecord>> out = new LinkedHashMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (o.key().endsWith(".parquet")) {
                out.put(o.key(), rows(s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray()));
            }
        }
        return out;
    }

    static List<GenericRecord> rows(byte[] file) {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        List<GenericRecord> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new Bytes(file), conf)
                .withDataModel(GenericData.get()).withCodecFactory(Codecs.INSTANCE).build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                rows.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** The Parquet schema in the file's footer. */
    static org.apache.parquet.schema.MessageType schema(byte[] file) {
        var options = org.apache.parquet.ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(Codecs.INSTANCE).build();
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(new Bytes(file), options)) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Bytes(byte[] data) implements InputFile {
        @Override
        public long getLength() {
            return data.length;
        }

        @Override
        public SeekableInputStream newStream() {
            Positioned in = new Positioned(data);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return in.position();
                }

                @Override
                public void seek(long newPos) {
                    in.seek((int) newPos);
                }
            };
        }
    }

    private static final class Positioned extends java.io.ByteArrayInputStream {
        Positioned(byte[] data) {
            super(data);
        }

        long position() {
            return pos;
        }

        void seek(int p) {
            pos = p;
        }
    }

    /** A Parquet file written to memory. */
    static final class Buffer extends org.apache.parquet.io.PositionOutputStream {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public long getPos() {
            return bytes.size();
        }

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }
    }
}
