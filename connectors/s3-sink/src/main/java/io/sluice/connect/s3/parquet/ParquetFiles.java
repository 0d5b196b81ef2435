package io.sluice.connect.s3.parquet;

import java.io.IOException;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.DelegatingWriteSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;

/** Parquet writers over any stream, configured without Hadoop. */
public final class ParquetFiles {

    private ParquetFiles() {
    }

    /** Writer settings shared by every file of a task. */
    public record Settings(CompressionCodecName codec, long rowGroupSize, int pageSize, boolean dictionary) {
    }

    /**
     * Heap an open writer holds whatever it has written, measured on parquet-avro 1.18 with compressors shared per
     * thread ({@link Codecs}): about 4 KiB per column, 20 KiB with dictionary encoding (its id buffers and hash
     * tables), plus the writer itself. The memory budget counts it, so many small open files stay bounded too.
     */
    public static long fixedOverhead(Schema schema, Settings settings) {
        return 16 * 1024 + leafColumns(schema) * (settings.dictionary() ? 20 * 1024 : 4 * 1024);
    }

    static int leafColumns(Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> schema.getFields().stream().mapToInt(f -> leafColumns(f.schema())).sum();
            case ARRAY -> leafColumns(schema.getElementType());
            case MAP -> 1 + leafColumns(schema.getValueType());
            // [null, T] is T; a union of several types is a group of member0..memberN, each its own columns
            case UNION -> schema.getTypes().stream().mapToInt(ParquetFiles::leafColumns).sum();
            case NULL -> 0;
            default -> 1;
        };
    }

    public static ParquetWriter<GenericRecord> writer(PositionOutputStream out, Schema schema, Settings settings)
            throws IOException {
        return writer(out, schema, settings, UnaryOperator.identity(), Set.of());
    }

    /**
     * A writer whose file schema is parquet-avro's for {@code schema} passed through {@code fileSchema}, which may
     * annotate it (Iceberg's field ids) but must keep its shape: the rows are written by parquet-avro as usual. The
     * columns in {@code plainColumns} (dotted paths) get no dictionary ({@link DictionaryChoice}).
     */
    public static ParquetWriter<GenericRecord> writer(PositionOutputStream out, Schema schema, Settings settings,
            UnaryOperator<MessageType> fileSchema, Set<String> plainColumns) throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        // Standard three-level lists, which DuckDB, Spark and Athena read as plain arrays.
        conf.set("parquet.avro.write-old-list-structure", "false");
        Builder builder = new Builder(new Stream(out), schema, fileSchema)
                .withConf(conf)
                .withCodecFactory(Codecs.INSTANCE)
                .withCompressionCodec(settings.codec())
                .withRowGroupSize(settings.rowGroupSize())
                .withPageSize(settings.pageSize())
                .withDictionaryEncoding(settings.dictionary())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
        if (settings.dictionary()) {
            plainColumns.forEach(column -> builder.withDictionaryEncoding(column, false));
        }
        return builder.build();
    }

    /** parquet-avro's writer with the file schema passed through a function. */
    private static final class Builder extends ParquetWriter.Builder<GenericRecord, Builder> {
        private final Schema schema;
        private final UnaryOperator<MessageType> fileSchema;

        Builder(OutputFile file, Schema schema, UnaryOperator<MessageType> fileSchema) {
            super(file);
            this.schema = schema;
            this.fileSchema = fileSchema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<GenericRecord> getWriteSupport(ParquetConfiguration conf) {
            WriteSupport<GenericRecord> avro = new AvroWriteSupport<>(new AvroSchemaConverter(conf).convert(schema),
                    schema, GenericData.get());
            return new DelegatingWriteSupport<>(avro) {
                @Override
                public WriteContext init(ParquetConfiguration configuration) {
                    WriteContext context = super.init(configuration);
                    return new WriteContext(fileSchema.apply(context.getSchema()), context.getExtraMetaData());
                }
            };
        }

        @Override
        protected WriteSupport<GenericRecord> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            throw new UnsupportedOperationException("configured without Hadoop");
        }
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
