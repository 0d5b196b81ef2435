package io.sluice.connect.smt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxRouterTest {

    private static final Schema ROW = SchemaBuilder.struct().name("shop.public.outbox.Value").optional()
            .field("id", Schema.STRING_SCHEMA)
            .field("aggregatetype", Schema.STRING_SCHEMA)
            .field("aggregateid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
            .field("created_at", Timestamp.builder().optional().build())
            .field("version", Schema.OPTIONAL_INT32_SCHEMA)
            .field("shard", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("shop.public.outbox.Envelope")
            .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private OutboxRouter<SourceRecord> router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    private OutboxRouter<SourceRecord> router(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        router = new OutboxRouter<>();
        router.configure(props);
        return router;
    }

    private static Struct row(String payload) {
        return new Struct(ROW).put("id", "e-1").put("aggregatetype", "Order").put("aggregateid", "o-42")
                .put("type", "OrderCreated").put("payload", payload).put("created_at", new Date(1_700_000_000_000L))
                .put("version", 3).put("shard", 2);
    }

    private static SourceRecord source(Schema schema, Object value) {
        return new SourceRecord(Map.of("table", "outbox"), Map.of("pos", 1), "shop.public.outbox", null, null, null, schema, value, 555L);
    }

    private static Object header(SourceRecord r, String name) {
        Header h = r.headers().lastWithName(name);
        return h == null ? null : h.value();
    }

    @Test
    void routesAPlainRowByAggregateTypeKeyedByAggregateId() {
        router();
        SourceRecord out = router.apply(source(ROW, row("{\"total\": 10}")));
        assertThat(out.topic()).isEqualTo("outbox.event.Order");
        assertThat(out.key()).isEqualTo("o-42");
        assertThat(out.keySchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(out.value()).isEqualTo("{\"total\": 10}");
        assertThat(out.valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(header(out, "id")).isEqualTo("e-1");
        assertThat(out.timestamp()).isEqualTo(555L);
        assertThat(out.sourceOffset()).isEqualTo(Map.of("pos", 1));
    }

    @Test
    void readsDebeziumChangeEventsLikeDebeziumsRouter() {
        router();
        Struct create = new Struct(ENVELOPE).put("after", row("p")).put("op", "c").put("ts_ms", 1_234L);
        SourceRecord out = router.apply(source(ENVELOPE, create));
        assertThat(out.topic()).isEqualTo("outbox.event.Order");
        assertThat(out.timestamp()).as("the change event's ts_ms").isEqualTo(1_234L);
        assertThat(router.apply(source(ENVELOPE, new Struct(ENVELOPE).put("after", row("p")).put("op", "r")))).isNotNull();
        assertThat(router.apply(source(ENVELOPE, new Struct(ENVELOPE).put("before", row("p")).put("op", "d")))).isNull();
        assertThat(router.apply(source(ENVELOPE, new Struct(ENVELOPE).put("before", row("p")).put("after", row("q")).put("op", "u")))).isNull();
        assertThat(router.apply(source(ENVELOPE, null))).as("tombstone").isNull();
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord beat = source(heartbeat, new Struct(heartbeat).put("ts_ms", 1L));
        assertThat(router.apply(beat)).isSameAs(beat);

        router("table.op.delete.behavior", "tombstone");
        SourceRecord tombstone = router.apply(source(ENVELOPE, new Struct(ENVELOPE).put("before", row("p")).put("op", "d")));
        assertThat(tombstone.topic()).isEqualTo("outbox.event.Order");
        assertThat(tombstone.key()).isEqualTo("o-42");
        assertThat(tombstone.value()).isNull();
        assertThatThrownBy(() -> router.apply(source(ENVELOPE, new Struct(ENVELOPE).put("op", "d"))))
                .isInstanceOf(DataException.class).hasMessageContaining("REPLICA IDENTITY FULL");

        router("table.op.invalid.behavior", "fatal");
        assertThatThrownBy(() -> router.apply(source(ENVELOPE, new Struct(ENVELOPE).put("after", row("q")).put("op", "u"))))
                .isInstanceOf(DataException.class).hasMessageContaining("insert-only");
    }

    @Test
    void schemalessRowsAndEnvelopesToo() {
        router();
        Map<String, Object> r = new LinkedHashMap<>(Map.of("id", "e-9", "aggregatetype", "customer", "aggregateid", "c-1", "payload", "{}"));
        SourceRecord out = router.apply(source(null, r));
        assertThat(out.topic()).isEqualTo("outbox.event.customer");
        assertThat(out.keySchema()).isNull();
        assertThat(router.apply(source(null, Map.of("op", "c", "after", r))).topic()).isEqualTo("outbox.event.customer");
        SourceRecord text = router.apply(source(Schema.STRING_SCHEMA,
                "{\"id\":\"e-2\",\"aggregatetype\":\"invoice\",\"aggregateid\":\"i-7\",\"payload\":{\"n\":1}}"));
        assertThat(text.topic()).isEqualTo("outbox.event.invoice");
        assertThat(text.key()).isEqualTo("i-7");
        assertThat(text.value()).isEqualTo(Map.of("n", 1));
        assertThatThrownBy(() -> router.apply(source(Schema.STRING_SCHEMA, "plain text"))).hasMessageContaining("JSON object");
    }

    @Test
    void expandsJsonPayloadsWhereDebeziumFails() {
        router("table.expand.json.payload", "true");
        String json = "{\"id\":1,\"groups\":[[],[{\"sku\":\"A\",\"qty\":2}],[{\"sku\":\"B\",\"note\":\"gift\"}]],"
                + "\"prices\":[1,2.5],\"customer\":{\"name\":\"Ann\",\"vip\":null},\"tags\":[]}";
        SourceRecord out = router.apply(source(ROW, row(json)));
        Struct v = (Struct) out.value();
        Schema s = out.valueSchema();
        assertThat(s.field("id").schema().type()).isEqualTo(Schema.Type.INT64);
        assertThat(s.field("prices").schema().valueSchema().type()).isEqualTo(Schema.Type.FLOAT64);
        Schema item = s.field("groups").schema().valueSchema().valueSchema();
        assertThat(item.fields()).extracting(f -> f.name()).containsExactly("sku", "qty", "note");
        assertThat(s.field("customer").schema().field("vip")).as("null-only fields are ignored by default").isNull();
        assertThat(s.field("tags").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        List<?> groups = v.getArray("groups");
        assertThat((List<?>) groups.get(0)).isEmpty();
        assertThat(((Struct) ((List<?>) groups.get(1)).get(0)).getInt64("qty")).isEqualTo(2L);
        assertThat(((Struct) ((List<?>) groups.get(2)).get(0)).getString("note")).isEqualTo("gift");
        assertThat(v.getArray("prices")).containsExactly(1.0, 2.5);
        assertThat(v.getStruct("customer").getString("name")).isEqualTo("Ann");

        SourceRecord again = router.apply(source(ROW, row(json.replace("Ann", "Bob"))));
        assertThat(again.valueSchema()).as("equal shapes share one schema").isSameAs(s);

        SourceRecord notJson = router.apply(source(ROW, row("not json {")));
        assertThat(notJson.value()).isEqualTo("not json {");
        SourceRecord doubleEncoded = router.apply(source(ROW, row("\"{\\\"a\\\":1}\"")));
        assertThat(((Struct) doubleEncoded.value()).getInt64("a")).isEqualTo(1L);

        router("table.expand.json.payload", "true", "table.json.payload.null.behavior", "optional_bytes");
        Schema withNull = router.apply(source(ROW, row("{\"vip\":null}"))).valueSchema();
        assertThat(withNull.field("vip").schema()).isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);

        // Debezium's default for arrays that are only ever empty: left out
        router("table.expand.json.payload", "true", "table.json.payload.empty.array.behavior", "ignore");
        SourceRecord withEmpty = router.apply(source(ROW, row("{\"tags\":[],\"n\":1,\"deep\":{\"xs\":[]}}")));
        assertThat(withEmpty.valueSchema().field("tags")).isNull();
        assertThat(withEmpty.valueSchema().field("deep").schema().field("xs")).isNull();
        assertThat(((Struct) withEmpty.value()).getInt64("n")).isEqualTo(1L);
    }

    @Test
    void additionalColumnsGoToHeadersTheEnvelopeOrThePartition() {
        router("table.fields.additional.placement", "type:header:eventType, type:envelope:eventType, shard:partition",
                "table.expand.json.payload", "true");
        SourceRecord out = router.apply(source(ROW, row("{\"total\":10}")));
        assertThat(header(out, "eventType")).isEqualTo("OrderCreated");
        assertThat(out.kafkaPartition()).isEqualTo(2);
        Struct v = (Struct) out.value();
        assertThat(v.getString("eventType")).isEqualTo("OrderCreated");
        assertThat(v.getStruct("payload").getInt64("total")).isEqualTo(10L);
        assertThat(v.schema().field("payload").schema().field("total")).as("the payload keeps its schema").isNotNull();

        router("table.fields.additional.placement", "missing:header");
        assertThatThrownBy(() -> router.apply(source(ROW, row("p")))).isInstanceOf(DataException.class)
                .hasMessageContaining("'missing'");
        router("table.fields.additional.placement", "missing:header", "table.fields.additional.error.on.missing", "false");
        assertThat(router.apply(source(ROW, row("p"))).topic()).isEqualTo("outbox.event.Order");
        // Debezium 3's key for the same, which wins when set
        router("table.fields.additional.placement", "missing:header", "table.field.additional.missing", "ignore");
        assertThat(router.apply(source(ROW, row("p"))).topic()).isEqualTo("outbox.event.Order");
        router("table.fields.additional.placement", "missing:header", "table.field.additional.missing", "error",
                "table.fields.additional.error.on.missing", "false");
        assertThatThrownBy(() -> router.apply(source(ROW, row("p")))).hasMessageContaining("'missing'");
    }

    @Test
    void timestampsSchemaVersionsTombstonesAndTopicTemplates() {
        router("table.field.event.timestamp", "created_at", "table.field.event.schema.version", "version",
                "route.topic.regex", "(?<routedByValue>.*)", "route.topic.replacement", "events.${routedByValue}.v1");
        SourceRecord out = router.apply(source(ROW, row("p")));
        assertThat(out.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(out.valueSchema().version()).isEqualTo(3);
        assertThat(out.topic()).isEqualTo("events.Order.v1");

        Schema micros = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts", Schema.INT64_SCHEMA).build();
        router("table.field.event.timestamp", "ts", "route.tombstone.on.empty.payload", "true");
        Struct r = new Struct(micros).put("id", "e").put("aggregatetype", "A").put("aggregateid", "k").put("payload", "")
                .put("ts", 1_700_000_000_123_456L);
        SourceRecord tomb = router.apply(source(micros, r));
        assertThat(tomb.timestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(tomb.value()).isNull();
        assertThat(tomb.key()).isEqualTo("k");
    }

    @Test
    void cloudEventsHeaders() {
        router("cloudevents.headers.enable", "true", "table.field.event.timestamp", "created_at");
        SourceRecord out = router.apply(source(ROW, row("p")));
        assertThat(header(out, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(out, "ce_id")).isEqualTo("e-1");
        assertThat(header(out, "ce_type")).isEqualTo("OrderCreated");
        assertThat(header(out, "ce_source")).isEqualTo("/outbox/shop.public.outbox");
        assertThat(header(out, "ce_time")).isEqualTo("2023-11-14T22:13:20Z");
    }

    @Test
    void badRowsFailNamingTheColumnOrAreRoutedAside() {
        router();
        assertThatThrownBy(() -> router.apply(source(ROW, row("p").put("aggregateid", null))))
                .isInstanceOf(DataException.class).hasMessageContaining("'aggregateid' is null")
                .hasMessageContaining("record shop.public.outbox (source record)").hasMessageContaining("invalid.behavior=route");
        assertThatThrownBy(() -> router.apply(source(null, Map.of("aggregatetype", "A", "aggregateid", "k"))))
                .hasMessageContaining("'payload'");
        router("invalid.behavior", "route");
        SourceRecord aside = router.apply(source(ROW, row("p").put("aggregateid", null)));
        assertThat(aside.topic()).isEqualTo("shop.public.outbox.dlq");
        assertThat(header(aside, "__sluice.errors.field")).isEqualTo("aggregateid");

        OutboxRouter<SinkRecord> sinkSide = new OutboxRouter<>();
        sinkSide.configure(Map.of());
        assertThatThrownBy(() -> sinkSide.apply(new SinkRecord("t", 1, null, null, ROW, row("p").put("aggregateid", null), 77)))
                .hasMessageContaining("record t-1@77");
    }

    @Test
    void badConfigsNameTheKey() {
        assertThatThrownBy(() -> router("table.fields.additional.placement", "type:body")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("table.fields.additional.placement").hasMessageContaining("header, envelope or partition");
        assertThatThrownBy(() -> router("route.topic.regex", "(")).hasMessageContaining("route.topic.regex");
        assertThatThrownBy(() -> router("table.op.invalid.behavior", "ignore")).hasMessageContaining("warn, error, fatal");
    }
}
