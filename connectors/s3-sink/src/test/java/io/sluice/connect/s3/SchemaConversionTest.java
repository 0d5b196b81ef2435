package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.avro.SchemaInference;
import io.sluice.connect.s3.parquet.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaConversionTest {

    @Test
    void recordNamesNeverCollideAndBadFieldNamesAreRewritten() {
        Schema inner = SchemaBuilder.struct().name("Node").field("v", Schema.INT32_SCHEMA).build();
        Schema other = SchemaBuilder.struct().name("Node").field("w", Schema.STRING_SCHEMA).build();
        Schema value = SchemaBuilder.struct().name("Node")
                .field("a", inner).field("b", other)
                .field("user-id", Schema.STRING_SCHEMA).field("user_id", Schema.STRING_SCHEMA)
                .field("items", SchemaBuilder.array(SchemaBuilder.struct().field("x", Schema.INT64_SCHEMA).build()))
                .field("byId", SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.STRING_SCHEMA).build())
                .build();
        org.apache.avro.Schema avro = AvroSchemas.toAvro(value);
        // Parsing the printed schema fails on any duplicate or invalid name.
        org.apache.avro.Schema reparsed = new org.apache.avro.Schema.Parser().parse(avro.toString());
        assertThat(reparsed.getField("a").schema().getFullName())
                .isNotEqualTo(reparsed.getField("b").schema().getFullName())
                .isNotEqualTo(reparsed.getFullName());
        assertThat(reparsed.getFields()).extracting(org.apache.avro.Schema.Field::name)
                .contains("user_id", "user_id_2");
        assertThat(reparsed.getField("byId").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.ARRAY);
    }

    @Test
    void schemalessRecordsShareAFileUntilTheyNoLongerFitAndThenMerge() {
        Map<String, Object> first = new HashMap<>(Map.of("id", 1L, "name", "a"));
        Schema s = SchemaInference.infer(first);
        assertThat(SchemaInference.fits(s, Map.of("id", 2))).isTrue();
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("id", 3L);
        withNull.put("name", null);
        assertThat(SchemaInference.fits(s, withNull)).isTrue();
        Map<String, Object> wider = Map.of("id", 4.5, "tags", List.of("x"));
        assertThat(SchemaInference.fits(s, wider)).isFalse();
        Schema merged = SchemaInference.merge(s, SchemaInference.infer(wider));
        assertThat(merged.field("id").schema().type()).isEqualTo(Schema.Type.FLOAT64);
        assertThat(merged.field("name")).isNotNull();
        assertThat(SchemaInference.fits(merged, first)).isTrue();
        assertThat(SchemaInference.merge(s, SchemaInference.infer(Map.of("id", "text")))).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "ZSTD", "GZIP", "LZ4_RAW"})
    void everyCodecWritesFilesTheReaderDecodes(CompressionCodecName codec) throws Exception {
        Schema value = SchemaBuilder.struct().name("Row").field("id", Schema.INT64_SCHEMA)
                .field("text", Schema.STRING_SCHEMA).build();
        org.apache.avro.Schema avro = AvroSchemas.toAvro(value);
        AvroValues.Converter converter = AvroValues.compile(value, avro);
        Buffer out = new Buffer();
        try (ParquetWriter<GenericRecord> writer = ParquetFiles.writer(out, avro,
                new ParquetFiles.Settings(codec, 64 * 1024, 4096, true))) {
            for (long i = 0; i < 20_000; i++) {
                writer.write((GenericData.Record) converter.convert(new Struct(value).put("id", i)
                        .put("text", "row " + i % 97)));
            }
        }
        List<GenericRecord> rows = ParquetObjects.rows(out.bytes.toByteArray());
        assertThat(rows).hasSize(20_000);
        assertThat(rows.get(12_345).get("id")).isEqualTo(12_345L);
        assertThat(rows.get(12_345).get("text").toString()).isEqualTo("row " + 12_345 % 97);
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
    }
}
