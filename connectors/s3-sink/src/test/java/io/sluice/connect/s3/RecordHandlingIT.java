package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.testkit.S3ServerExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the sink does with each kind of record, against S3Proxy: schemaless JSON, tombstones, bad records, and two
 * schema versions interleaved. Each case ends with the objects read back.
 */
class RecordHandlingIT {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();

    private static Map<String, String> props(String bucket) {
        STORE.server().createBucket(bucket);
        Map<String, String> props = new HashMap<>(STORE.server().sinkProps(bucket));
        props.put("flush.size", "1000");
        props.put("kafka.metadata.fields", "partition,offset,key");
        return props;
    }

    /** Runs records through a task and commits everything it holds (scheduled rotation after the last put). */
    private static RecordingContext write(Map<String, String> props, List<SinkRecord> records) {
        props.put("rotate.schedule.interval.ms", "1");
        RecordingContext context = new RecordingContext(Set.of(TP), true);
        S3ParquetSinkTask task = context.start(props);
        task.put(records);
        long end = records.get(records.size() - 1).kafkaOffset() + 1;
        RecordingContext.awaitCommitted(task, end, java.time.Duration.ofSeconds(30));
        task.stop();
        return context;
    }

    private static SinkRecord schemaless(long offset, Object value) {
        return new SinkRecord("orders", 0, null, "k" + offset, null, value, offset);
    }

    private static Map<String, Object> json(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void schemalessJsonIsWrittenWithAnInferredSchemaAndANewFileOnlyWhenAShapeDoesNotFit() {
        String bucket = "schemaless";
        List<SinkRecord> records = new ArrayList<>();
        records.add(schemaless(0, json("id", 1L, "name", "a", "tags", List.of("x"))));
        records.add(schemaless(1, json("id", 2L, "name", null)));                      // fits: null field
        records.add(schemaless(2, json("id", 3L, "tags", List.of())));                 // fits: absent field, empty list
        records.add(schemaless(3, json("id", 4.5, "name", "d", "extra", json("n", 1L)))); // wider: new file, merged
        records.add(schemaless(4, json("id", 5L, "name", "e")));                       // fits the merged schema
        write(props(bucket), records);

        Map<String, List<GenericRecord>> objects = ParquetObjects.read(STORE.client(), bucket, "topics/orders/");
        assertThat(objects).hasSize(2);
        List<GenericRecord> rows = new ArrayList<>();
        objects.values().forEach(rows::addAll);
        rows.sort(java.util.Comparator.comparingLong(r -> (Long) r.get("_kafka_offset")));
        assertThat(rows).extracting(r -> r.get("_kafka_offset")).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(rows.get(0).get("id")).isEqualTo(1L);
        assertThat(rows.get(1).get("name")).isNull();
        assertThat(rows.get(3).get("id")).isEqualTo(4.5);
        assertThat(rows.get(4).get("id")).isEqualTo(5.0);
        assertThat(((GenericRecord) rows.get(3).get("extra")).get("n")).isEqualTo(1L);
        assertThat(rows.get(4).get("_kafka_key").toString()).isEqualTo("k4");
    }

    /**
     * Records as Confluent's AvroConverter hands them over (unions, enums, optional fields with defaults, nested
     * optional structs, a map with int keys), written by the task and read back by DuckDB: unions are groups of
     * member0..memberN and enums strings, as in the output of Confluent's sink.
     */
    @Test
    void convertersUnionsAndEnumsReadBackByDuckDb() throws Exception {
        String bucket = "converter-shapes";
        Schema value = SchemaConversionTest.converterShapes();
        Schema ref = value.field("ref").schema();
        Schema where = value.field("where").schema();
        Struct point = new Struct(where.field("com.shop.Point").schema()).put("x", 1.5).put("y", -2.0);
        List<SinkRecord> records = List.of(
                new SinkRecord("orders", 0, null, "k0", value, new Struct(value).put("id", 1L).put("color", "RED")
                        .put("ref", new Struct(ref).put("string", "A-17")).put("where", new Struct(where).put("long", 42L))
                        .put("ship_to", new Struct(value.field("ship_to").schema()).put("city", "Oslo").put("geo", point))
                        .put("counts", Map.of(7, 70L)), 0),
                new SinkRecord("orders", 0, null, "k1", value, new Struct(value).put("id", 2L).put("color", "BLUE")
                        .put("maybe_color", "LIGHT").put("ref", new Struct(ref).put("int", 17))
                        .put("where", new Struct(where).put("com.shop.Point", point)), 1));
        write(props(bucket), records);

        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-shapes");
        STORE.server().download(bucket, "topics/orders/", dir);
        var rows = io.sluice.connect.testkit.DuckDb.query("SELECT id, color, maybe_color, ref.member0 AS ref_text, "
                + "ref.member1 AS ref_number, \"where\".member0 AS where_id, \"where\".member1.x AS where_x, qty, "
                + "ship_to.geo.y AS geo_y, counts[1].\"key\" AS count_key FROM read_parquet("
                + io.sluice.connect.testkit.DuckDb.literal(dir + "/topics/orders/**/*.parquet") + ") ORDER BY id");
        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.get(0).get("color").asText()).isEqualTo("RED");
        assertThat(rows.get(0).get("ref_text").asText()).isEqualTo("A-17");
        assertThat(rows.get(0).get("ref_number").isNull()).isTrue();
        assertThat(rows.get(0).get("where_id").asLong()).isEqualTo(42L);
        assertThat(rows.get(0).get("geo_y").asDouble()).isEqualTo(-2.0);
        assertThat(rows.get(0).get("count_key").asInt()).isEqualTo(7);
        assertThat(rows.get(0).get("qty").asInt()).as("an unset field with a default holds the default").isEqualTo(1);
        assertThat(rows.get(1).get("maybe_color").asText()).isEqualTo("LIGHT");
        assertThat(rows.get(1).get("ref_number").asInt()).isEqualTo(17);
        assertThat(rows.get(1).get("where_x").asDouble()).isEqualTo(1.5);
    }

    @Test
    void tombstonesFailByDefaultNamingTheKeyAndAreIgnoredOrWrittenWhenConfigured() {
        Schema schema = SchemaBuilder.struct().name("V").field("v", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        List<SinkRecord> records = List.of(
                new SinkRecord("orders", 0, null, "a", schema, new Struct(schema).put("v", "x"), 0),
                new SinkRecord("orders", 0, null, "b", schema, null, 1),
                new SinkRecord("orders", 0, null, "c", schema, new Struct(schema).put("v", "z"), 2));

        RecordingContext context = new RecordingContext(Set.of(TP), false);
        S3ParquetSinkTask failing = context.start(props("tombstones-fail"));
        failing.put(records);
        assertThatThrownBy(() -> failing.preCommit(Map.of())).isInstanceOf(ConnectException.class)
                .hasMessageContaining("behavior.on.null.values").hasMessageContaining("orders-0@1");
        failing.stop();

        Map<String, String> ignore = props("tombstones-ignore");
        ignore.put("behavior.on.null.values", "ignore");
        RecordingContext ignored = write(ignore, records);
        assertThat(rowsOf("tombstones-ignore")).extracting(r -> r.get("_kafka_offset")).containsExactly(0L, 2L);
        // report.null.values.to.dlq (Confluent's default true): the ignored tombstone also goes to the DLQ
        assertThat(ignored.errant).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        Map<String, String> silently = props("tombstones-ignore-unreported");
        silently.put("behavior.on.null.values", "ignore");
        silently.put("report.null.values.to.dlq", "false");
        assertThat(write(silently, records).errant).isEmpty();
        assertThat(rowsOf("tombstones-ignore-unreported")).extracting(r -> r.get("_kafka_offset"))
                .containsExactly(0L, 2L);

        Map<String, String> keep = props("tombstones-write");
        keep.put("behavior.on.null.values", "write");
        write(keep, records);
        List<GenericRecord> rows = rowsOf("tombstones-write");
        assertThat(rows).extracting(r -> r.get("_kafka_offset")).containsExactly(0L, 1L, 2L);
        assertThat(rows.get(1).get("v")).isNull();
        assertThat(rows.get(1).get("_kafka_key").toString()).isEqualTo("b");
    }

    @Test
    void aRecordThatCannotBePlacedGoesToTheErrantRecordReporterAndNothingElseIsLost() {
        Map<String, String> props = props("bad-records");
        props.put("partitioner.class", "field");
        props.put("partition.field.name", "region");
        List<SinkRecord> records = List.of(
                schemaless(0, json("region", "eu", "n", 1L)),
                schemaless(1, json("n", 2L)),                    // no region: cannot be placed
                schemaless(2, "not an object"),                  // not a row
                schemaless(3, json("region", "us", "n", 4L)));
        RecordingContext context = write(props, records);
        assertThat(context.errant).extracting(SinkRecord::kafkaOffset).containsExactly(1L, 2L);
        assertThat(rowsOf("bad-records")).extracting(r -> r.get("_kafka_offset")).containsExactlyInAnyOrder(0L, 3L);
        assertThat(ParquetObjects.read(STORE.client(), "bad-records", "topics/orders/").keySet())
                .anyMatch(k -> k.startsWith("topics/orders/region=eu/"))
                .anyMatch(k -> k.startsWith("topics/orders/region=us/"));
    }

    /**
     * A topic-renaming transform on the sink (RegexRouter, an outbox router) changes record.topic() to text from the
     * data: objects, the offset index and offsets still follow the partition the record was read from, and a field
     * value with '=', '/' or a newline stays inside its one directory level.
     */
    @Test
    void renamedTopicsAndHostileValuesNeverShapeKeysOrPartitions() {
        Map<String, String> props = props("renamed");
        props.put("partitioner.class", "field");
        props.put("partition.field.name", "region");
        List<SinkRecord> records = new ArrayList<>();
        for (long o = 0; o < 4; o++) {
            SinkRecord read = schemaless(o, json("region", o % 2 == 0 ? "a=b/../c" : "x\ny", "n", o));
            records.add(read.newRecord("events.Order/../../evil", 7, null, read.key(), null, read.value(),
                    read.timestamp())); // renamed and moved by a transform
        }
        RecordingContext context = write(props, records);
        assertThat(context.errant).isEmpty();
        var objects = ParquetObjects.read(STORE.client(), "renamed", "").keySet();
        assertThat(objects).isNotEmpty().allMatch(k -> k.startsWith("topics/orders/region="))
                .anyMatch(k -> k.startsWith("topics/orders/region=a%3Db%2F..%2Fc/orders+0+"))
                .anyMatch(k -> k.startsWith("topics/orders/region=x%0Ay/orders+0+"));
        assertThat(STORE.client().listObjectsV2(b -> b.bucket("renamed")).contents()).extracting(o -> o.key())
                .contains("topics/orders/_sluice/0.json").noneMatch(k -> k.contains("evil"));
        assertThat(rowsOf("renamed")).extracting(r -> r.get("_kafka_offset")).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
    }

    /** A key longer than the 1,024 bytes S3 allows is a bad record, reported as such, not a request retried forever. */
    @Test
    void aKeyLongerThanS3AllowsIsABadRecord() {
        Map<String, String> props = props("long-keys");
        props.put("partitioner.class", "field");
        props.put("partition.field.name", "region");
        List<SinkRecord> records = List.of(schemaless(0, json("region", "eu", "n", 1L)),
                schemaless(1, json("region", "r".repeat(1_100), "n", 2L)),
                schemaless(2, json("region", "us", "n", 3L)));
        RecordingContext context = write(props, records);
        assertThat(context.errant).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        assertThat(rowsOf("long-keys")).extracting(r -> r.get("_kafka_offset")).containsExactlyInAnyOrder(0L, 2L);
    }

    @Test
    void interleavedSchemaVersionsShareAFileUnderBackwardCompatibility() {
        Schema v1 = SchemaBuilder.struct().name("Order").version(1).field("id", Schema.INT64_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("Order").version(2).field("id", Schema.INT64_SCHEMA)
                .field("note", SchemaBuilder.string().optional().defaultValue("none").build()).build();
        List<SinkRecord> records = new ArrayList<>();
        for (long o = 0; o < 40; o++) {
            Schema s = o % 2 == 0 ? v2 : v1;
            Struct value = new Struct(s).put("id", o);
            if (s == v2) {
                value.put("note", "n" + o);
            }
            records.add(new SinkRecord("orders", 0, null, null, s, value, o));
        }
        Map<String, String> backward = props("evolution-backward");
        backward.put("schema.compatibility", "backward");
        write(backward, records);
        Map<String, List<GenericRecord>> objects = ParquetObjects.read(STORE.client(), "evolution-backward", "topics/orders/");
        assertThat(objects).as("one file: v1 records are projected to v2").hasSize(1);
        List<GenericRecord> rows = objects.values().iterator().next();
        assertThat(rows).hasSize(40);
        assertThat(rows.get(1).get("note").toString()).isEqualTo("none");

        Map<String, String> none = props("evolution-none");
        write(none, records);
        assertThat(ParquetObjects.read(STORE.client(), "evolution-none", "topics/orders/")).as("a file per change").hasSize(40);
    }

    @Test
    void rotateIntervalCutsFilesByRecordTimeAndRotateSizeBySize() {
        Schema schema = SchemaBuilder.struct().name("E").field("id", Schema.INT64_SCHEMA)
                .field("text", Schema.STRING_SCHEMA).build();
        List<SinkRecord> records = new ArrayList<>();
        for (long o = 0; o < 300; o++) {
            // one record every 30 s: the records span 2.5 hours of record time
            records.add(new SinkRecord("orders", 0, null, null, schema, new Struct(schema).put("id", o)
                    .put("text", "x".repeat(200) + o), o, 1_795_000_000_000L + o * 30_000L,
                    org.apache.kafka.common.record.TimestampType.CREATE_TIME));
        }
        Map<String, String> interval = props("rotate-interval");
        interval.put("timestamp.extractor", "Record");
        interval.put("rotate.interval.ms", "3600000");
        write(interval, records);
        assertThat(ParquetObjects.read(STORE.client(), "rotate-interval", "topics/orders/").keySet())
                .extracting(k -> k.substring(k.lastIndexOf('+') + 1, k.indexOf('.', k.lastIndexOf('+'))))
                .containsExactlyInAnyOrder("0000000000", "0000000120", "0000000240");

        Map<String, String> size = props("rotate-size");
        size.put("rotate.size.bytes", "20000");
        size.put("parquet.dictionary.encoding", "false");
        write(size, records);
        Map<String, List<GenericRecord>> objects = ParquetObjects.read(STORE.client(), "rotate-size", "topics/orders/");
        assertThat(objects).hasSizeGreaterThan(2);
        assertThat(objects.values().stream().mapToInt(List::size).sum()).isEqualTo(300);
    }

    private static List<GenericRecord> rowsOf(String bucket) {
        List<GenericRecord> rows = new ArrayList<>();
        ParquetObjects.read(STORE.client(), bucket, "topics/orders/").values().forEach(rows::addAll);
        rows.sort(java.util.Comparator.comparingLong(r -> (Long) r.get("_kafka_offset")));
        return rows;
    }
}
