package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.Codecs;
import io.sluice.connect.s3.parquet.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sink's Parquet writer against parquet-avro's own, on every shape the sink writes: the files must be the same
 * bytes (schema, footer, encodings, statistics), so readers see exactly what parquet-avro would have written.
 */
class ParquetLayoutTest {

    private static final List<String> METADATA = List.of("topic", "partition", "offset", "timestamp", "key", "headers");

    /** Everything AvroSchemas maps, nested, optional and not, next to the converters' union and enum shapes. */
    static Schema everyShape() {
        Schema item = SchemaBuilder.struct().name("shop.Item").field("sku", Schema.STRING_SCHEMA)
                .field("qty", Schema.OPTIONAL_INT32_SCHEMA).build();
        return SchemaBuilder.struct().name("shop.Everything")
                .field("shapes", SchemaConversionTest.converterShapes())
                .field("b", Schema.BOOLEAN_SCHEMA).field("i8", Schema.INT8_SCHEMA).field("i16", Schema.OPTIONAL_INT16_SCHEMA)
                .field("f", Schema.FLOAT32_SCHEMA).field("d", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("price", Decimal.builder(2).optional().build())
                .field("day", Date.builder().optional().build()).field("at", Time.SCHEMA)
                .field("ts", Timestamp.builder().optional().build())
                .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
                .field("items", SchemaBuilder.array(item).build())
                .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
                .field("matrix", SchemaBuilder.array(SchemaBuilder.array(Schema.INT64_SCHEMA).build()).optional().build())
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
    }

    private static Struct row(Schema schema, int i, Random random) {
        Schema shapes = schema.field("shapes").schema();
        Schema point = shapes.field("where").schema().field("com.shop.Point").schema();
        Struct s = new Struct(shapes).put("id", (long) i).put("color", List.of("RED", "GREEN", "BLUE").get(i % 3))
                .put("where", i % 2 == 0 ? new Struct(shapes.field("where").schema()).put("long", (long) i)
                        : new Struct(shapes.field("where").schema()).put("com.shop.Point",
                                new Struct(point).put("x", random.nextDouble()).put("y", (double) i)));
        if (i % 4 != 0) {
            s.put("maybe_color", i % 4 == 1 ? "LIGHT" : "DARK");
            s.put("ref", i % 2 == 0 ? new Struct(shapes.field("ref").schema()).put("string", "R-" + i)
                    : new Struct(shapes.field("ref").schema()).put("int", i));
            s.put("counts", Map.of(i, (long) i * 10, i + 1, -1L));
        }
        Schema itemSchema = schema.field("items").schema().valueSchema();
        List<Struct> items = new ArrayList<>();
        for (int k = 0; k < i % 3; k++) {
            items.add(new Struct(itemSchema).put("sku", "sku-" + random.nextInt(50)).put("qty", k == 1 ? null : k));
        }
        Struct row = new Struct(schema).put("shapes", s).put("b", i % 3 == 0).put("i8", (byte) i)
                .put("f", random.nextFloat()).put("at", new java.util.Date(i * 1000L % 86_400_000L))
                .put("items", items);
        if (i % 5 != 0) {
            row.put("i16", (short) i).put("d", random.nextGaussian()).put("raw", ("raw" + i).getBytes(StandardCharsets.UTF_8))
                    .put("price", BigDecimal.valueOf(random.nextInt(1_000_000), 2))
                    .put("day", new java.util.Date((i % 400) * 86_400_000L))
                    .put("ts", new java.util.Date(1_767_225_600_000L + i))
                    .put("tags", Arrays.asList("a" + i % 7, null, "b"))
                    .put("matrix", List.of(List.of(1L, (long) i), List.of()))
                    .put("note", "free text " + random.nextInt(1000));
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("k" + i % 9, "v");
            attrs.put("empty", null);
            row.put("attrs", i % 10 == 1 ? Map.of() : attrs);
        }
        return row;
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY"})
    void theSinksWriterGivesTheBytesParquetAvroGives(CompressionCodecName codec) throws Exception {
        Schema value = everyShape();
        org.apache.avro.Schema avro = AvroSchemas.withMetadata(AvroSchemas.toAvro(value), METADATA);
        AvroValues.Converter converter = AvroValues.compile(value, avro);
        Random random = new Random(42);
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            GenericData.Record r = (GenericData.Record) converter.convert(row(value, i, random));
            int m = value.fields().size();
            r.put(m, "orders");
            r.put(m + 1, i % 4);
            r.put(m + 2, (long) i);
            r.put(m + 3, i % 7 == 0 ? null : 1_767_225_600_000L + i);
            r.put(m + 4, i % 3 == 0 ? null : "key-" + i % 11);
            Map<String, String> headers = new HashMap<>();
            headers.put("h", "x" + i % 2);
            r.put(m + 5, i % 2 == 0 ? null : headers);
            rows.add(r);
        }
        // Small pages and row groups: dictionaries fall back, pages and row groups are cut many times.
        ParquetFiles.Settings settings = new ParquetFiles.Settings(codec, 256 * 1024, 8 * 1024, true);

        Buffer ours = new Buffer();
        try (ParquetWriter<IndexedRecord> writer = ParquetFiles.writer(ours, avro, settings)) {
            for (GenericRecord r : rows) {
                writer.write(r);
            }
        }
        Buffer reference = new Buffer();
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.avro.write-old-list-structure", "false");
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(reference.file())
                .withConf(conf).withSchema(avro).withDataModel(GenericData.get()).withCodecFactory(Codecs.INSTANCE)
                .withCompressionCodec(codec).withRowGroupSize(settings.rowGroupSize())
                .withPageSize(settings.pageSize()).withDictionaryEncoding(true)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (GenericRecord r : rows) {
                writer.write(r);
            }
        }

        byte[] file = ours.bytes.toByteArray();
        assertThat(ParquetObjects.rows(file)).hasSize(rows.size());
        assertThat(file.length).isGreaterThan(3 * 256 * 1024 / 4); // several row groups of real data
        assertThat(Arrays.equals(file, reference.bytes.toByteArray()))
                .as("the same %,d bytes as parquet-avro's %,d", file.length, reference.bytes.size()).isTrue();
    }

    private static final class Buffer extends PositionOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

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

        OutputFile file() {
            Buffer self = this;
            return new OutputFile() {
                @Override
                public PositionOutputStream create(long blockSizeHint) {
                    return self;
                }

                @Override
                public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                    return self;
                }

                @Override
                public boolean supportsBlockSize() {
                    return false;
                }

                @Override
                public long defaultBlockSize() {
                    return 0;
                }
            };
        }
    }
}
