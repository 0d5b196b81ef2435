package io.sluice.connect.s3.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class TableRouterTest {

    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
            .field("source", SOURCE).build();

    private static SinkRecord record(String topic, String db, String table) {
        Struct value = new Struct(VALUE).put("id", 1L)
                .put("source", new Struct(SOURCE).put("db", db).put("table", table));
        return new SinkRecord(topic, 0, null, null, VALUE, value, 0);
    }

    @Test
    void withoutARouteFieldEveryRecordGoesToEveryTable() {
        TableRouter one = new TableRouter(List.of("lake.orders"), "", false, Map.of());
        assertThat(one.single()).isTrue();
        assertThat(one.route(record("t", "a", "b"))).containsExactly("lake.orders");
        TableRouter fanOut = new TableRouter(List.of("lake.a", "lake.b"), null, false, Map.of());
        assertThat(fanOut.single()).isFalse();
        assertThat(fanOut.route(record("t", "a", "b"))).containsExactly("lake.a", "lake.b");
    }

    @Test
    void aRouteFieldSendsARecordToTheTablesWhoseRegexMatchesItsWholeValueNestedFieldsToo() {
        TableRouter router = new TableRouter(List.of("lake.eu", "lake.all", "lake.none"), "source.db", false,
                Map.of("lake.eu", Pattern.compile("eu-.*"), "lake.all", Pattern.compile(".*")));
        assertThat(router.single()).isFalse();
        assertThat(router.route(record("t", "eu-west", "x"))).containsExactly("lake.eu", "lake.all");
        assertThat(router.route(record("t", "us-east", "x"))).containsExactly("lake.all");
        assertThat(router.route(record("t", "xeu-", "x"))).containsExactly("lake.all"); // matched whole, not found
        TableRouter strict = new TableRouter(List.of("lake.eu"), "source.db", false,
                Map.of("lake.eu", Pattern.compile("eu-.*")));
        assertThat(strict.route(record("t", "us-east", "x"))).isEmpty();
    }

    @Test
    void dynamicRoutingNamesTheTableByTheFieldLowerCasedAndAMissingValueIsABadRecord() {
        TableRouter router = new TableRouter(List.of(), "source.table", true, Map.of());
        assertThat(router.single()).isFalse();
        assertThat(router.route(record("t", "db", "Lake.Orders"))).containsExactly("lake.orders");
        assertThatThrownBy(() -> router.route(record("t", "db", null))).isInstanceOf(DataException.class)
                .hasMessageContaining("iceberg.tables.route-field=source.table");
        Map<String, Object> map = Map.of("source", Map.of("table", "lake.fromMap"));
        assertThat(router.route(new SinkRecord("t", 0, null, null, null, map, 0))).containsExactly("lake.frommap");
    }

    @Test
    void aTopicPlaceholderMakesATablePerTopicWithDotsAsUnderscores() {
        TableRouter router = new TableRouter(List.of("lake.${topic}"), "", false, Map.of());
        assertThat(router.single()).isFalse();
        assertThat(router.route(record("pg.public.orders", "a", "b"))).containsExactly("lake.pg_public_orders");
        assertThat(router.route(record("returns", "a", "b"))).containsExactly("lake.returns");
    }
}
