package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.avro.SchemaInference;
import io.sluice.connect.s3.parquet.ParquetFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
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
        ParquetObjects.Buffer out = new ParquetObjects.Buffer();
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

    /** The Connect schema Confluent's AvroConverter makes of an enum: a string with the symbols as parameters. */
    static Schema avroConverterEnum(String name, String... symbols) {
        SchemaBuilder b = SchemaBuilder.string().parameter(AvroSchemas.ENUM, name);
        for (String symbol : symbols) {
            b.parameter(AvroSchemas.ENUM + "." + symbol, symbol);
        }
        return b.build();
    }

    /** ... and of a union: a struct named io.confluent.connect.avro.Union, one optional field per branch. */
    static SchemaBuilder avroConverterUnion(Map<String, Schema> branches) {
        SchemaBuilder b = SchemaBuilder.struct().name(AvroSchemas.UNION);
        branches.forEach((name, branch) -> b.field(name, branch));
        return b;
    }

    /** Every shape the Avro, Protobuf and JSON Schema converters hand a sink, as their documentation describes them. */
    static Schema converterShapes() {
        Schema point = SchemaBuilder.struct().name("com.shop.Point").optional()
                .field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA).build();
        java.util.LinkedHashMap<String, Schema> branches = new java.util.LinkedHashMap<>();
        branches.put("string", Schema.OPTIONAL_STRING_SCHEMA);
        branches.put("int", Schema.OPTIONAL_INT32_SCHEMA);
        java.util.LinkedHashMap<String, Schema> withRecord = new java.util.LinkedHashMap<>();
        withRecord.put("long", Schema.OPTIONAL_INT64_SCHEMA);
        withRecord.put("com.shop.Point", point);
        return SchemaBuilder.struct().name("com.shop.Order").parameter("connect.name", "com.shop.Order")
                .field("id", Schema.INT64_SCHEMA)
                .field("color", avroConverterEnum("com.shop.Color", "RED", "GREEN", "BLUE"))
                .field("maybe_color", SchemaBuilder.string().optional().parameter(AvroSchemas.ENUM, "com.shop.Shade")
                        .parameter(AvroSchemas.ENUM + ".LIGHT", "LIGHT").parameter(AvroSchemas.ENUM + ".DARK", "DARK")
                        .build())
                .field("ref", avroConverterUnion(branches).optional().build())
                .field("where", avroConverterUnion(withRecord).build())
                .field("qty", SchemaBuilder.int32().optional().defaultValue(1).build())
                .field("ship_to", SchemaBuilder.struct().name("com.shop.Address").optional()
                        .field("city", Schema.STRING_SCHEMA).field("geo", point).build())
                .field("counts", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT64_SCHEMA).optional().build())
                .build();
    }

    @Test
    void unionsAndEnumsFromConfluentsConvertersKeepTheShapeConfluentsSinkWrites() throws Exception {
        Schema value = converterShapes();
        org.apache.avro.Schema avro = AvroSchemas.toAvro(value);
        // What Confluent's Avro conversion makes of these schemas, written down by hand from its documented rules:
        // unions are Avro unions of their branches (null first when optional), enums Avro enums, the map with int
        // keys an array of key/value records, every optional field a [null, T] union defaulting to null.
        org.apache.avro.Schema confluent = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Order","namespace":"com.shop","fields":[
                 {"name":"id","type":"long"},
                 {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
                 {"name":"maybe_color","type":["null",{"type":"enum","name":"Shade","symbols":["LIGHT","DARK"]}],
                  "default":null},
                 {"name":"ref","type":["null","string","int"],"default":null},
                 {"name":"where","type":["long",{"type":"record","name":"Point","fields":[
                   {"name":"x","type":"double"},{"name":"y","type":"double"}]}]},
                 {"name":"qty","type":["null","int"],"default":null},
                 {"name":"ship_to","type":["null",{"type":"record","name":"Address","fields":[
                   {"name":"city","type":"string"},
                   {"name":"geo","type":["null","Point"],"default":null}]}],"default":null},
                 {"name":"counts","type":["null",{"type":"array","items":{"type":"record","name":"MapEntry",
                   "namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},
                   {"name":"value","type":"long"}]}}],"default":null}]}""");
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.avro.write-old-list-structure", "false"); // as ParquetFiles writes lists
        org.apache.parquet.schema.MessageType expected = new AvroSchemaConverter(conf).convert(confluent);

        Struct point = new Struct(value.field("where").schema().field("com.shop.Point").schema()).put("x", 1.5)
                .put("y", -2.0);
        List<Struct> rows = List.of(
                new Struct(value).put("id", 1L).put("color", "RED").put("maybe_color", "DARK")
                        .put("ref", new Struct(value.field("ref").schema()).put("string", "A-17"))
                        .put("where", new Struct(value.field("where").schema()).put("long", 42L))
                        .put("ship_to", new Struct(value.field("ship_to").schema()).put("city", "Oslo").put("geo", point))
                        .put("counts", Map.of(7, 70L)),
                new Struct(value).put("id", 2L).put("color", "BLUE")
                        .put("ref", new Struct(value.field("ref").schema()).put("int", 17))
                        .put("where", new Struct(value.field("where").schema()).put("com.shop.Point", point)));
        AvroValues.Converter converter = AvroValues.compile(value, avro);
        ParquetObjects.Buffer out = new ParquetObjects.Buffer();
        try (ParquetWriter<GenericRecord> writer = ParquetFiles.writer(out, avro,
                new ParquetFiles.Settings(CompressionCodecName.UNCOMPRESSED, 64 * 1024, 4096, true))) {
            for (Struct row : rows) {
                writer.write((GenericData.Record) converter.convert(row));
            }
        }
        byte[] file = out.bytes.toByteArray();
        org.apache.parquet.schema.MessageType written = ParquetObjects.schema(file);
        assertThat(written.getFields()).isEqualTo(expected.getFields());
        assertThat(written.toString()).contains("required binary color (ENUM)")
                .contains("optional group ref {").contains("optional binary member0 (STRING)")
                .contains("optional int32 member1").contains("required group where {");

        List<GenericRecord> back = ParquetObjects.rows(file);
        assertThat(back.get(0).get("color").toString()).isEqualTo("RED");
        assertThat(back.get(0).get("maybe_color").toString()).isEqualTo("DARK");
        assertThat(back.get(0).get("ref").toString()).isEqualTo("A-17");
        assertThat(back.get(1).get("ref")).isEqualTo(17);
        assertThat(back.get(0).get("where")).isEqualTo(42L);
        assertThat(((GenericRecord) back.get(1).get("where")).get("x")).isEqualTo(1.5);
        assertThat(back.get(1).get("maybe_color")).isNull();
        assertThat(back.get(1).get("ship_to")).isNull();
    }

    @Test
    void aValueOutsideItsEnumFailsTheRecordNamingTheSymbols() {
        Schema value = SchemaBuilder.struct().field("color", avroConverterEnum("Color", "RED", "GREEN")).build();
        AvroValues.Converter converter = AvroValues.compile(value, AvroSchemas.toAvro(value));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> converter.convert(new Struct(value).put("color", "PINK")))
                .isInstanceOf(org.apache.kafka.connect.errors.DataException.class)
                .hasMessageContaining("'PINK' is not a symbol").hasMessageContaining("[RED, GREEN]");
        // symbols Avro cannot name (a JSON Schema enum of "in-stock") keep the column a plain string
        Schema free = SchemaBuilder.struct().field("state", avroConverterEnum("State", "in-stock", "sold")).build();
        assertThat(AvroSchemas.toAvro(free).getField("state").schema().getType())
                .isEqualTo(org.apache.avro.Schema.Type.STRING);
    }
}
