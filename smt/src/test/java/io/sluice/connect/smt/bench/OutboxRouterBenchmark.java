package io.sluice.connect.smt.bench;

import io.debezium.transforms.outbox.EventRouter;
import io.sluice.connect.smt.OutboxRouter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * OutboxRouter against Debezium's own EventRouter on identical Debezium change events of an outbox table, with and
 * without JSON payload expansion; and OutboxRouter on the plain rows a JDBC source polls, which EventRouter cannot route.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OutboxRouterBenchmark {

    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).build();
    static final Schema ROW = SchemaBuilder.struct().name("shop.public.outbox.Value").optional()
            .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
            .field("aggregateid", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
            .field("payload", Schema.OPTIONAL_STRING_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("shop.public.outbox.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    static final String PAYLOAD = "{\"orderId\":918273645,\"customerId\":42,\"status\":\"PAID\",\"total\":129.95,"
            + "\"currency\":\"USD\",\"lines\":[{\"sku\":\"A-1\",\"qty\":2,\"price\":39.99},{\"sku\":\"B-7\",\"qty\":1,\"price\":49.97}],"
            + "\"shipping\":{\"city\":\"San Francisco\",\"zip\":\"94105\",\"country\":\"US\"},\"gift\":false}";

    private Struct envelope;
    private Struct plainRowValue;
    private Transformation<SourceRecord> debezium;
    private Transformation<SourceRecord> debeziumExpand;
    private Transformation<SourceRecord> sluice;
    private Transformation<SourceRecord> sluiceExpand;

    static Struct row() {
        return new Struct(ROW).put("id", "4d47e190-0402-4048-bc2c-89dd54343cdc").put("aggregatetype", "Order")
                .put("aggregateid", "918273645").put("type", "OrderPaid").put("payload", PAYLOAD);
    }

    @Setup
    public void setup() {
        Struct source = new Struct(SOURCE).put("version", "3.7.0.Final").put("connector", "postgresql").put("name", "shop")
                .put("ts_ms", 1_700_000_000_000L).put("db", "shop").put("schema", "public").put("table", "outbox");
        envelope = new Struct(ENVELOPE).put("after", row()).put("source", source).put("op", "c").put("ts_ms", 1_700_000_000_100L);
        plainRowValue = row();
        debezium = configured(new EventRouter<>(), Map.of());
        debeziumExpand = configured(new EventRouter<>(), Map.of("table.expand.json.payload", "true"));
        sluice = configured(new OutboxRouter<>(), Map.of());
        sluiceExpand = configured(new OutboxRouter<>(), Map.of("table.expand.json.payload", "true"));
        // Both produce the same event: topic, key and value.
        for (java.util.List<Transformation<SourceRecord>> pair : java.util.List.of(java.util.List.of(debezium, sluice),
                java.util.List.of(debeziumExpand, sluiceExpand))) {
            SourceRecord a = pair.get(0).apply(change());
            SourceRecord b = pair.get(1).apply(change());
            if (!a.topic().equals(b.topic()) || !a.key().equals(b.key()) || !String.valueOf(a.value()).equals(String.valueOf(b.value()))) {
                throw new IllegalStateException("the routers disagree: " + a + " vs " + b);
            }
        }
    }

    /**
     * A fresh record per call, as a connector hands over: Debezium's EventRouter adds its headers to the input
     * record's header list, so reusing one record would make the list grow and measure that instead.
     */
    private SourceRecord change() {
        return new SourceRecord(Map.of("server", "shop"), Map.of("lsn", 1L), "shop.public.outbox", 0, null, null, ENVELOPE, envelope, 1L);
    }

    private SourceRecord plainRow() {
        return new SourceRecord(Map.of("table", "outbox"), Map.of("incrementing", 1L), "shop.outbox", null, null, null, ROW, plainRowValue, 1L);
    }

    private static <T extends Transformation<SourceRecord>> T configured(T t, Map<String, String> props) {
        t.configure(props);
        return t;
    }

    @TearDown
    public void tearDown() {
        debezium.close();
        debeziumExpand.close();
        sluice.close();
        sluiceExpand.close();
    }

    @Benchmark
    public SourceRecord debeziumEventRouter() {
        return debezium.apply(change());
    }

    @Benchmark
    public SourceRecord outboxRouter() {
        return sluice.apply(change());
    }

    @Benchmark
    public SourceRecord debeziumEventRouterExpandJson() {
        return debeziumExpand.apply(change());
    }

    @Benchmark
    public SourceRecord outboxRouterExpandJson() {
        return sluiceExpand.apply(change());
    }

    @Benchmark
    public SourceRecord outboxRouterPlainRow() {
        return sluice.apply(plainRow());
    }
}
