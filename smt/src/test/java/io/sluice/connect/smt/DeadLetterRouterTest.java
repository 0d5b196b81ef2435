package io.sluice.connect.smt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.smt.dlq.InvalidRecordException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterRouterTest {

    private static final Schema ITEM = SchemaBuilder.struct().field("sku", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ORDER = SchemaBuilder.struct().name("com.acme.Order")
            .field("id", Schema.OPTIONAL_INT64_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("items", SchemaBuilder.array(ITEM).optional().build())
            .build();

    private DeadLetterRouter<SinkRecord> router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    private DeadLetterRouter<SinkRecord> router(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        router = new DeadLetterRouter<>();
        router.configure(props);
        return router;
    }

    private static Struct order() {
        return new Struct(ORDER).put("id", 7L).put("email", "ann@example.com").put("amount", 12.5).put("status", "PAID")
                .put("items", List.of(new Struct(ITEM).put("sku", "A-1")));
    }

    private static SinkRecord sink(Object value) {
        SinkRecord r = new SinkRecord("orders", 2, Schema.STRING_SCHEMA, "k7", value instanceof Struct ? ORDER : null, value, 99L);
        r.headers().addString("trace", "t-1");
        return r;
    }

    private static String header(SinkRecord r, String name) {
        List<String> values = new ArrayList<>();
        for (Header h : r.headers()) {
            if (h.key().equals(name)) {
                values.add(String.valueOf(h.value()));
            }
        }
        assertThat(values).as(name).hasSizeLessThanOrEqualTo(1);
        return values.isEmpty() ? null : values.get(0);
    }

    private static final String RULES = "id=required, email=regex(^[^@]+@[^@]+$), amount=range(0,), status=in(NEW|PAID|SHIPPED), "
            + "items[*].sku=not.null";

    @Test
    void validRecordsPassThroughAsTheSameObject() {
        router("rules", RULES);
        SinkRecord valid = sink(order());
        assertThat(router.apply(valid)).isSameAs(valid);
    }

    @Test
    void aRecordFailingARuleIsRoutedWithConnectsErrorHeaders() {
        router("rules", RULES);
        SinkRecord bad = sink(order().put("amount", -3.0));
        SinkRecord letter = router.apply(bad);
        assertThat(letter.topic()).isEqualTo("orders.dlq");
        assertThat(letter.value()).isSameAs(bad.value());
        assertThat(letter.key()).isEqualTo("k7");
        assertThat(letter.timestamp()).isEqualTo(bad.timestamp());
        assertThat(header(letter, "trace")).isEqualTo("t-1");
        assertThat(header(letter, "__connect.errors.topic")).isEqualTo("orders");
        assertThat(header(letter, "__connect.errors.partition")).isEqualTo("2");
        assertThat(header(letter, "__connect.errors.offset")).isEqualTo("99");
        assertThat(letter.headers().lastWithName("__connect.errors.offset").schema()).as("a string, as Kafka's reporter writes it")
                .isEqualTo(Schema.STRING_SCHEMA);
        assertThat(header(letter, "__connect.errors.stage")).isEqualTo("TRANSFORMATION");
        assertThat(header(letter, "__connect.errors.class.name")).isEqualTo(DeadLetterRouter.class.getName());
        assertThat(header(letter, "__connect.errors.exception.class.name")).isEqualTo(InvalidRecordException.class.getName());
        assertThat(header(letter, "__connect.errors.exception.message")).isEqualTo("amount is out of range [0, ]").doesNotContain("-3");
        assertThat(header(letter, "__sluice.errors.rule")).isEqualTo("amount=range(0,)");
        assertThat(header(letter, "__sluice.errors.field")).isEqualTo("amount");
        assertThat(bad.headers().lastWithName("__sluice.errors.rule")).as("the input is not modified").isNull();
    }

    @Test
    void everyCheckCatchesWhatItShould() {
        router("rules", RULES);
        Map<String, Struct> cases = new LinkedHashMap<>();
        cases.put("id=required", order().put("id", null));
        cases.put("email=regex(^[^@]+@[^@]+$)", order().put("email", "not-an-address"));
        cases.put("status=in(NEW|PAID|SHIPPED)", order().put("status", "LOST"));
        cases.put("items[*].sku=not.null", order().put("items", List.of(new Struct(ITEM).put("sku", "A"), new Struct(ITEM))));
        cases.forEach((rule, value) -> assertThat(header(router.apply(sink(value)), "__sluice.errors.rule")).isEqualTo(rule));
        assertThat(header(router.apply(sink(cases.get("items[*].sku=not.null"))), "__sluice.errors.field")).isEqualTo("items[1].sku");

        router("rules", "email=max.length(5), items=max.length(0), id=type(int32), amount=type(number), id=range(,5)");
        assertThat(header(router.apply(sink(order())), "__connect.errors.exception.message")).isEqualTo("email is 15 long, over 5");
        router("rules", "id=type(int32)");
        assertThat(header(router.apply(sink(order())), "__connect.errors.exception.message")).isEqualTo("id is int64, not int32");
        router("rules", "id=type(integer), amount=type(number), id=range(,5)");
        assertThat(header(router.apply(sink(order())), "__sluice.errors.rule")).isEqualTo("id=range(,5)");
    }

    @Test
    void schemalessValuesAreCheckedToo() {
        router("rules", "id=required, id=type(int32), tags[*]=max.length(3)");
        Map<String, Object> ok = new HashMap<>(Map.of("id", 5L, "tags", List.of("a", "bcd")));
        SinkRecord valid = sink(ok);
        assertThat(router.apply(valid)).isSameAs(valid); // JSON's int64 5 fits an int32
        assertThat(header(router.apply(sink(Map.of("id", 5L, "tags", List.of("abcd")))), "__sluice.errors.field")).isEqualTo("tags[0]");
        assertThat(header(router.apply(sink(Map.of("tags", List.of()))), "__connect.errors.exception.message")).isEqualTo("id is missing");
        assertThat(header(router.apply(sink(Map.of("id", 1L << 40))), "__sluice.errors.rule")).isEqualTo("id=type(int32)");
    }

    @Test
    void tombstonesPassUnlessTheWholeValueIsRequired() {
        router("rules", "id=required");
        SinkRecord tombstone = sink(null);
        assertThat(router.apply(tombstone)).isSameAs(tombstone);
        router("rules", "$=required");
        assertThat(router.apply(sink(null)).topic()).isEqualTo("orders.dlq");
    }

    @Test
    void recordLevelChecks() {
        router("key.required", "true");
        SinkRecord noKey = new SinkRecord("orders", 0, null, null, ORDER, order(), 1);
        assertThat(header(router.apply(noKey), "__sluice.errors.rule")).isEqualTo("key.required");
        router("value.schema.name", "com.acme.Order");
        assertThat(header(router.apply(sink(Map.of("id", 1L))), "__connect.errors.exception.message")).isEqualTo("the value has no schema");
        Schema other = SchemaBuilder.struct().name("com.acme.Refund").field("id", Schema.INT64_SCHEMA).build();
        SinkRecord refund = new SinkRecord("orders", 0, null, "k", other, new Struct(other).put("id", 1L), 1);
        assertThat(header(router.apply(refund), "__sluice.errors.rule")).isEqualTo("value.schema.name");
        SinkRecord valid = sink(order());
        assertThat(router.apply(valid)).isSameAs(valid);
    }

    @Test
    void deadLetteringADeadLetterReplacesItsHeadersAndKeepsItsTopic() {
        router("rules", "amount=range(0,)");
        SinkRecord first = router.apply(sink(order().put("amount", -1.0)));
        SinkRecord consumedFromDlq = new SinkRecord(first.topic(), 0, first.keySchema(), first.key(), first.valueSchema(),
                first.value(), 5L, first.timestamp(), first.timestampType(), first.headers());
        SinkRecord again = router.apply(consumedFromDlq);
        assertThat(again.topic()).isEqualTo("orders.dlq");
        assertThat(header(again, "__connect.errors.topic")).isEqualTo("orders.dlq");
        assertThat(header(again, "__connect.errors.offset")).isEqualTo("5");
    }

    @Test
    void sourceRecordsHaveNoOffsetAndCauseNoNullPointer() {
        DeadLetterRouter<SourceRecord> source = new DeadLetterRouter<>();
        source.configure(Map.of("rules", "id=required", "topic", "dead-letters"));
        SourceRecord bad = new SourceRecord(Map.of("table", "orders"), Map.of("pos", 1), "orders", 3, ORDER, order().put("id", null));
        SourceRecord letter = source.apply(bad);
        assertThat(letter.topic()).isEqualTo("dead-letters");
        assertThat(letter.headers().lastWithName("__connect.errors.offset")).isNull();
        assertThat(letter.kafkaPartition()).as("the DLQ may have fewer partitions").isNull();
        assertThat(letter.headers().lastWithName("__connect.errors.partition").value()).isEqualTo("3");
        assertThat(letter.headers().lastWithName("__connect.errors.partition").schema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(letter.sourceOffset()).isEqualTo(Map.of("pos", 1)); // the position still advances past it
        source.close();
    }

    /** A transform that throws what it is told to, or drops everything. */
    public static class Thrower implements Transformation<SinkRecord> {
        private String what;

        @Override
        public SinkRecord apply(SinkRecord record) {
            switch (what) {
                case "data":
                    throw new DataException("cannot convert field 'x'");
                case "retriable":
                    throw new RetriableException("database busy");
                case "npe":
                    throw new NullPointerException("oops");
                case "filter":
                    return null;
                default:
                    return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                            record.valueSchema(), record.value(), record.timestamp());
            }
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef();
        }

        @Override
        public void configure(Map<String, ?> configs) {
            what = String.valueOf(configs.get("what"));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void wrappedTransformsThatThrowDeadLetterTheOriginalRecord() {
        router("wrap", "first,second", "wrap.first.type", Thrower.class.getName(), "wrap.first.what", "copy",
                "wrap.second.type", Thrower.class.getName(), "wrap.second.what", "data");
        SinkRecord in = sink(order());
        SinkRecord letter = router.apply(in);
        assertThat(letter.value()).isSameAs(in.value());
        assertThat(header(letter, "__connect.errors.class.name")).isEqualTo(Thrower.class.getName());
        assertThat(header(letter, "__connect.errors.exception.class.name")).isEqualTo(DataException.class.getName());
        assertThat(header(letter, "__connect.errors.exception.message")).isEqualTo("cannot convert field 'x'");
        assertThat(header(letter, "__connect.errors.exception.stacktrace")).startsWith("org.apache.kafka.connect.errors.DataException");
        assertThat(header(letter, "__sluice.errors.rule")).isNull();

        router("wrap", "t", "wrap.t.type", Thrower.class.getName(), "wrap.t.what", "npe", "stacktrace.max.chars", "40");
        assertThat(header(router.apply(sink(order())), "__connect.errors.exception.stacktrace")).hasSize(40);
        router("wrap", "t", "wrap.t.type", Thrower.class.getName(), "wrap.t.what", "retriable");
        assertThatThrownBy(() -> router.apply(sink(order()))).isInstanceOf(RetriableException.class);
        router("wrap", "t", "wrap.t.type", Thrower.class.getName(), "wrap.t.what", "filter");
        assertThat(router.apply(sink(order()))).isNull();
    }

    @Test
    void wrappedOutputIsValidatedAndValidOutputPassesOn() {
        router("wrap", "t", "wrap.t.type", Thrower.class.getName(), "wrap.t.what", "copy", "rules", "id=required");
        SinkRecord in = sink(order());
        SinkRecord out = router.apply(in);
        assertThat(out).isNotSameAs(in);
        assertThat(out.topic()).isEqualTo("orders");
        assertThat(router.apply(sink(order().put("id", null))).topic()).isEqualTo("orders.dlq");
    }

    @Test
    void failModeThrowsForConnectsOwnErrorHandling() {
        router("rules", "id=required", "mode", "fail");
        assertThatThrownBy(() -> router.apply(sink(order().put("id", null))))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("rule 'id=required' failed: id is null");
        router("wrap", "t", "wrap.t.type", Thrower.class.getName(), "wrap.t.what", "data", "mode", "FAIL");
        assertThatThrownBy(() -> router.apply(sink(order()))).isInstanceOf(DataException.class).hasMessage("cannot convert field 'x'");
    }

    @Test
    void headersCanBeLeftOut() {
        router("rules", "id=required", "context.headers.enable", "false");
        SinkRecord letter = router.apply(sink(order().put("id", null)));
        assertThat(letter.topic()).isEqualTo("orders.dlq");
        assertThat(letter.headers().lastWithName("__connect.errors.topic")).isNull();
    }

    @Test
    void badConfigsNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> router("rules", "id=mandatory")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rules").hasMessageContaining("unknown check 'mandatory'").hasMessageContaining("required, not.null");
        assertThatThrownBy(() -> router("rules", "id=regex([)")).hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> router("rules", "id=range(5,1)")).hasMessageContaining("min is above max");
        assertThatThrownBy(() -> router("rules", "id=range(5)")).hasMessageContaining("range(min,max)");
        assertThatThrownBy(() -> router("rules", "id=type(long)")).hasMessageContaining("names no type");
        assertThatThrownBy(() -> router("wrap", "t")).hasMessageContaining("wrap.t.type");
        assertThatThrownBy(() -> router("wrap", "t", "wrap.t.type", "com.example.Nope")).hasMessageContaining("no such transform");
        assertThatThrownBy(() -> router()).hasMessageContaining("nothing to check");
        assertThatThrownBy(() -> router("rules", "id=required", "mode", "produce")).hasMessageContaining("produce.bootstrap.servers");
        assertThatThrownBy(() -> router("rules", "id=required", "mode", "drop")).hasMessageContaining("route, produce, fail");
        var results = DeadLetterRouter.CONFIG_DEF.validate(Map.of("rules", "id=mandatory"));
        assertThat(results.stream().filter(v -> v.name().equals("rules")).findFirst().orElseThrow().errorMessages())
                .singleElement().asString().contains("unknown check");
    }

    @Test
    void countsDeadLettersByRuleAndByException() {
        RecordingPluginMetrics metrics = new RecordingPluginMetrics();
        router = new DeadLetterRouter<>();
        router.configure(Map.of("rules", "id=required", "wrap", "t", "wrap.t.type", Thrower.class.getName(), "wrap.t.what", "copy"));
        router.apply(sink(order().put("id", null)));
        router.withPluginMetrics(metrics);
        router.apply(sink(order().put("id", null)));
        assertThat(metrics.gauge("dead-lettered-total{rule=id=required}")).isEqualTo(2L);
    }
}
