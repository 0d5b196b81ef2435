package io.sluice.connect.smt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PiiMaskTest {

    private static final Schema CONTACT = SchemaBuilder.struct().name("Contact")
            .field("kind", Schema.STRING_SCHEMA).field("phone", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema CUSTOMER = SchemaBuilder.struct().name("com.acme.Customer").version(3).doc("a customer")
            .field("id", Schema.INT64_SCHEMA)
            .field("email", Schema.STRING_SCHEMA)
            .field("ssn", Schema.OPTIONAL_STRING_SCHEMA)
            .field("born", Timestamp.builder().optional().build())
            .field("salary", Schema.INT32_SCHEMA)
            .field("balance", Decimal.builder(2).build())
            .field("notes", Schema.OPTIONAL_STRING_SCHEMA)
            .field("contacts", SchemaBuilder.array(CONTACT).build())
            .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .build();

    private PiiMask<SinkRecord> transform;

    @AfterEach
    void close() {
        if (transform != null) {
            transform.close();
        }
    }

    private PiiMask<SinkRecord> value(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        transform = new PiiMask.Value<>();
        transform.configure(props);
        return transform;
    }

    private static Struct customer() {
        return new Struct(CUSTOMER)
                .put("id", 42L)
                .put("email", "ann@example.com")
                .put("ssn", "123-45-6789")
                .put("born", Date.from(Instant.parse("1990-07-23T14:05:00Z")))
                .put("salary", 87_654)
                .put("balance", new BigDecimal("1234.56"))
                .put("notes", "call +1 415-555-0199 or mail ann@example.com; card 4111 1111 1111 1111, order 1234 5678 9012 3456")
                .put("contacts", List.of(new Struct(CONTACT).put("kind", "home").put("phone", "415-555-0100"),
                        new Struct(CONTACT).put("kind", "work").put("phone", null)))
                .put("tags", Map.of("vip", "yes"));
    }

    private static SinkRecord sink(Schema schema, Object value) {
        return new SinkRecord("customers", 3, Schema.STRING_SCHEMA, "k", schema, value, 1234L);
    }

    @Test
    void masksNestedFieldsArraysAndTextWithAStrategyEach() {
        value("rules", "email=hash, ssn=redact, contacts[*].phone=partial(last=4,keep=-), born=truncate(month), "
                + "salary=truncate(-3), balance=truncate(0), notes=detect, id=hash", "hash.key", "s3cret");
        Struct in = customer();
        SinkRecord out = transform.apply(sink(CUSTOMER, in));
        Struct v = (Struct) out.value();

        assertThat(v.getString("email")).hasSize(64).matches("[0-9a-f]+").doesNotContain("ann");
        assertThat(v.getString("ssn")).isEmpty();
        assertThat(v.getArray("contacts")).extracting(c -> ((Struct) c).getString("phone")).containsExactly("***-***-0100", null);
        assertThat(v.get("born")).isEqualTo(Date.from(Instant.parse("1990-07-01T00:00:00Z")));
        assertThat(v.getInt32("salary")).isEqualTo(87_000);
        assertThat((BigDecimal) v.get("balance")).isEqualByComparingTo("1234.00");
        assertThat(((BigDecimal) v.get("balance")).scale()).isEqualTo(2);
        assertThat(v.getString("notes")).isEqualTo("call [PHONE] or mail [EMAIL]; card [CARD], order 1234 5678 9012 3456");
        // hash turns the INT64 id into an optional string; everything else keeps its schema.
        assertThat(v.schema().field("id").schema()).isEqualTo(SchemaBuilder.string().optional().build());
        assertThat(v.schema().field("email").schema()).isSameAs(Schema.STRING_SCHEMA);
        assertThat(v.schema().field("contacts").schema()).isSameAs(CUSTOMER.field("contacts").schema());
        assertThat(v.schema().name()).isEqualTo("com.acme.Customer");
        assertThat(v.schema().version()).isEqualTo(3);
        assertThat(v.schema().doc()).isEqualTo("a customer");
        assertThat(v.get("tags")).isSameAs(in.get("tags"));
        assertThat(out.kafkaOffset()).isEqualTo(1234L);
        assertThat(out.key()).isEqualTo("k");
        // the input is not modified
        assertThat(in.getString("email")).isEqualTo("ann@example.com");
    }

    @Test
    void theOutputSchemaIsBuiltOncePerInputSchema() {
        value("rules", "id=hash", "hash.key", "k");
        Schema first = transform.apply(sink(CUSTOMER, customer())).valueSchema();
        Schema second = transform.apply(sink(CUSTOMER, customer())).valueSchema();
        assertThat(second).isSameAs(first).isNotSameAs(CUSTOMER);
    }

    @Test
    void recordsNoRuleReachesPassThroughUntouched() {
        value("rules", "missing.field=redact, email.inner=hash", "hash.key", "k");
        SinkRecord record = sink(CUSTOMER, customer());
        assertThat(transform.apply(record)).isSameAs(record);
        SinkRecord tombstone = sink(CUSTOMER, null);
        assertThat(transform.apply(tombstone)).isSameAs(tombstone);
    }

    @Test
    void nullsStayNull() {
        value("rules", "ssn=partial, contacts[*].phone=hash, born=truncate(day)", "hash.key", "k");
        Struct in = customer().put("ssn", null).put("born", null);
        Struct v = (Struct) transform.apply(sink(CUSTOMER, in)).value();
        assertThat(v.get("ssn")).isNull();
        assertThat(v.get("born")).isNull();
        assertThat(((Struct) v.getArray("contacts").get(1)).get("phone")).isNull();
    }

    @Test
    void reachesIntoDebeziumEnvelopes() {
        Schema row = SchemaBuilder.struct().name("db.public.customers.Value").optional()
                .field("id", Schema.INT32_SCHEMA).field("ssn", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().name("db.public.customers.Envelope")
                .field("before", row).field("after", row).field("op", Schema.STRING_SCHEMA).build();
        Struct in = new Struct(envelope).put("before", new Struct(row).put("id", 1).put("ssn", "111-22-3333"))
                .put("after", new Struct(row).put("id", 1).put("ssn", "123-45-6789")).put("op", "u");
        value("rules", "after.ssn=redact(XXX-XX-XXXX), before.ssn=redact(XXX-XX-XXXX)");
        Struct v = (Struct) transform.apply(sink(envelope, in)).value();
        assertThat(v.getStruct("after").getString("ssn")).isEqualTo("XXX-XX-XXXX");
        assertThat(v.getStruct("before").getString("ssn")).isEqualTo("XXX-XX-XXXX");
        assertThat(v.getString("op")).isEqualTo("u");
        assertThat(v.schema()).isSameAs(envelope);
    }

    @Test
    void schemalessValuesAreMaskedWithoutInsertingMissingFields() {
        value("rules", "customer.email=hash, contacts[*].phone=partial(last=2), missing=redact, born=truncate(year), notes=detect",
                "hash.key", "k");
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("customer", Map.of("email", "ann@example.com", "name", "Ann"));
        in.put("contacts", List.of(Map.of("phone", "5550100"), Map.of("kind", "none")));
        in.put("born", "1990-07-23T14:05:00Z");
        in.put("notes", "IBAN GB82 WEST 1234 5698 7654 32, ip 10.1.2.3 and 2001:db8::1");
        SinkRecord out = transform.apply(sink(null, in));
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) out.value();
        assertThat(v).doesNotContainKey("missing");
        assertThat(((Map<?, ?>) v.get("customer")).get("email")).asString().hasSize(64);
        assertThat(((Map<?, ?>) v.get("customer")).get("name")).isEqualTo("Ann");
        assertThat(((Map<?, ?>) ((List<?>) v.get("contacts")).get(0)).get("phone")).isEqualTo("*****00");
        assertThat(((List<?>) v.get("contacts")).get(1)).isEqualTo(Map.of("kind", "none"));
        assertThat(v.get("born")).isEqualTo("1990-01-01T00:00:00Z");
        assertThat(v.get("notes")).isEqualTo("IBAN [IBAN], ip [IP] and [IP]");
        assertThat(in.get("notes")).asString().startsWith("IBAN GB82"); // input untouched

        Map<String, Object> unrelated = Map.of("other", 1);
        SinkRecord record = sink(null, unrelated);
        assertThat(transform.apply(record)).isSameAs(record);
    }

    @Test
    void maskFieldKeysKeepTheirMeaningAndReachFurther() {
        value("fields", "ssn,salary,balance,born,contacts,email", "replacement", "0");
        assertThatThrownBy(() -> transform.apply(sink(CUSTOMER, customer())))
                .as("'0' is no Timestamp").isInstanceOf(DataException.class).hasMessageContaining("born");
        value("fields", "ssn,salary,balance,born,contacts,tags");
        Struct v = (Struct) transform.apply(sink(CUSTOMER, customer())).value();
        assertThat(v.getString("ssn")).isEmpty();
        assertThat(v.getInt32("salary")).isZero();
        assertThat((BigDecimal) v.get("balance")).isEqualByComparingTo("0");
        assertThat(v.get("born")).isEqualTo(new Date(0));
        assertThat(v.getArray("contacts")).isEmpty();
        assertThat(v.getMap("tags")).isEmpty();
        value("fields", "ssn, salary", "replacement", "9");
        v = (Struct) transform.apply(sink(CUSTOMER, customer())).value();
        assertThat(v.getString("ssn")).isEqualTo("9");
        assertThat(v.getInt32("salary")).isEqualTo(9);
    }

    @Test
    void aFieldTheStrategyCannotMaskFailsTheRecordNamingFieldAndOffsetOrIsRedacted() {
        value("rules", "contacts[*]=partial");
        assertThatThrownBy(() -> transform.apply(sink(CUSTOMER, customer())))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'contacts[*]'").hasMessageContaining("partial masks strings, not a STRUCT")
                .hasMessageContaining("record customers-3@1234").hasMessageContaining("on.error=redact");
        SourceRecord source = new SourceRecord(Map.of(), Map.of(), "customers", null, CUSTOMER, customer());
        PiiMask<SourceRecord> forSource = new PiiMask.Value<>();
        forSource.configure(Map.of("rules", "salary=detect"));
        assertThatThrownBy(() -> forSource.apply(source)).hasMessageContaining("(source record)");

        value("rules", "contacts[*]=partial", "on.error", "redact");
        Struct v = (Struct) transform.apply(sink(CUSTOMER, customer())).value();
        assertThat(v.getArray("contacts")).extracting(c -> ((Struct) c).getString("kind")).containsExactly("", "");
    }

    @Test
    void hashIsKeyedHmacSha256() {
        // RFC 4231, test case 2.
        value("rules", "$=hash", "hash.key", "Jefe");
        SinkRecord out = transform.apply(sink(Schema.STRING_SCHEMA, "what do ya want for nothing?"));
        assertThat(out.value()).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        value("rules", "$=hash", "hash.key", "Jefe", "hash.encoding", "base64");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "what do ya want for nothing?")).value())
                .isEqualTo("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
        value("rules", "$=hash", "hash.key", "another key");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "what do ya want for nothing?")).value())
                .isNotEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void partialNeverEchoesAShortValue() {
        value("rules", "$=partial(first=2,last=2)");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "abcd")).value()).isEqualTo("****");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "abcdef")).value()).isEqualTo("ab**ef");
        value("rules", "$=partial(last=4)", "partial.keep.chars", "\\s", "partial.mask.char", "#");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "4111 1111 1111 1111")).value()).isEqualTo("#### #### #### 1111");
    }

    @Test
    void detectorsCheckChecksumsAndCustomPatternsJoin() {
        value("rules", "$=detect", "detect.types", "email,iban,card,ssn,ip", "detect.pattern.employee", "EMP-\\d{6}");
        String text = "cards 4111-1111-1111-1111 and 4111-1111-1111-1112, ssn 078-05-1120 not 000-12-3456, "
                + "iban DE89370400440532013000 not DE00370400440532013000, emp EMP-004211, 192.168.1.300 no, 8.8.8.8 yes";
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, text)).value()).isEqualTo(
                "cards [CARD] and 4111-1111-1111-1112, ssn [SSN] not 000-12-3456, "
                        + "iban [IBAN] not DE00370400440532013000, emp [EMPLOYEE], 192.168.1.300 no, [IP] yes");
        value("rules", "$=detect(email)", "detect.mask", "char");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "to a@b.io, 555 0100")).value()).isEqualTo("to ******, 555 0100");
        value("rules", "$=detect(email)", "detect.mask", "hash", "hash.key", "k");
        String once = (String) transform.apply(sink(Schema.STRING_SCHEMA, "a@b.io")).value();
        assertThat(once).startsWith("[EMAIL:").endsWith("]");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "again a@b.io")).value()).isEqualTo("again " + once);
        value("rules", "$=detect", "detect.types", "phone");
        assertThat(transform.apply(sink(Schema.STRING_SCHEMA, "year 2024, at 10:30, call (415) 555-0100")).value())
                .isEqualTo("year 2024, at 10:30, call [PHONE]");
    }

    @Test
    void theKeyVariantMasksTheKey() {
        PiiMask<SinkRecord> key = new PiiMask.Key<>();
        key.configure(Map.of("rules", "$=partial(last=2)"));
        SinkRecord out = key.apply(new SinkRecord("t", 0, Schema.STRING_SCHEMA, "customer-1234", Schema.STRING_SCHEMA, "v", 0));
        assertThat(out.key()).isEqualTo("***********34");
        assertThat(out.value()).isEqualTo("v");
        key.close();
    }

    @Test
    void badConfigsNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> value("rules", "ssn=scramble")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rules").hasMessageContaining("unknown strategy 'scramble'").hasMessageContaining("redact, hash");
        assertThatThrownBy(() -> value("rules", "ssn")).hasMessageContaining("has no '='");
        assertThatThrownBy(() -> value("rules", "a..b=redact")).hasMessageContaining("bad field path");
        assertThatThrownBy(() -> value("rules", "d=truncate(week)")).hasMessageContaining("minute, hour, day, month, year");
        assertThatThrownBy(() -> value("rules", "p=partial(last=x)")).hasMessageContaining("last=x");
        assertThatThrownBy(() -> value("rules", "a=redact, a.b=hash")).hasMessageContaining("reach the same field");
        assertThatThrownBy(() -> value("rules", "email=hash")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hash.key");
        assertThatThrownBy(() -> value("fields", "a[1]")).hasMessageContaining("fields").hasMessageContaining("only [*]");
        assertThatThrownBy(() -> value()).hasMessageContaining("no field to mask");
        assertThatThrownBy(() -> value("rules", "$=detect", "detect.types", "email,dna")).hasMessageContaining("detect.types");
        assertThatThrownBy(() -> value("rules", "$=detect", "detect.pattern.x", "(")).hasMessageContaining("detect.pattern.x");
        assertThatThrownBy(() -> value("rules", "a=redact", "on.error", "ignore")).hasMessageContaining("fail, redact");
    }

    @Test
    void configValidationReportsPerKeyErrors() {
        Map<String, String> props = Map.of("rules", "ssn=scramble", "on.error", "ignore");
        var results = PiiMask.CONFIG_DEF.validate(props);
        var byName = new HashMap<String, List<String>>();
        results.forEach(v -> byName.put(v.name(), v.errorMessages()));
        assertThat(byName.get("rules")).singleElement().asString().contains("unknown strategy");
        assertThat(byName.get("on.error")).singleElement().asString().contains("fail, redact");
        assertThat(byName.get("hash.encoding")).isEmpty();
    }

    @Test
    void publishesMaskedFieldsAndDetectorHitsAsPluginMetrics() {
        RecordingPluginMetrics metrics = new RecordingPluginMetrics();
        PiiMask<SinkRecord> t = new PiiMask.Value<>();
        t.withPluginMetrics(metrics); // before configure, as a worker may do
        t.configure(Map.of("rules", "ssn=redact, notes=detect(email,phone)"));
        t.apply(sink(CUSTOMER, customer()));
        t.apply(sink(CUSTOMER, customer().put("ssn", null)));
        assertThat(metrics.gauge("fields-masked-total{}")).isEqualTo(3L); // ssn once, notes twice
        assertThat(metrics.gauge("detector-hits-total{detector=email}")).isEqualTo(2L);
        assertThat(metrics.gauge("detector-hits-total{detector=phone}")).isEqualTo(2L);
        t.close();
    }
}
