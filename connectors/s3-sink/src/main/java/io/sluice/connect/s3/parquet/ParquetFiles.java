package io.sluice.connect.s3.parquet;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/** Parquet writers over any stream, configured without Hadoop. */
public final class ParquetFiles {

    private ParquetFiles() {
    }

    /** Writer settings shared by every file of a task. */
    public record Settings(CompressionCodecName codec, long rowGroupSize, int pageSize) {
    }

    public static ParquetWriter<GenericRecord> writer(PositionOutputStream out, Schema schema, Settings settings)
            throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        // Standard three-level lists, which DuckDB, Spark and Athena read as plain arrays.
        conf.set("parquet.avro.write-old-list-structure", "false");
        return AvroParquetWriter.<GenericRecord>builder(new Stream(out))
                .withConf(conf)
                .withSchema(schema)
                .withDataModel(GenericData.get())
                .withCodecFactory(Codecs.INSTANCE)
                .withCompressionCodec(settings.codec())
                .withRowGroupSize(settings.rowGroupSize())
                .withPageSize(settings.pageSize())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    /** The file-name extension of a codec, as Confluent names files: {@code .snappy.parquet}, {@code .parquet}. */
    public static String extension(CompressionCodecName codec) {
        return codec.getExtension() + ".parquet";
    }

    private record Stream(PositionOutputStream out) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return out;
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return out;
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
