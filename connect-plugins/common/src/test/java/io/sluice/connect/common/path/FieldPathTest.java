package io.sluice.connect.common.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.common.path.FieldPath.Each;
import io.sluice.connect.common.path.FieldPath.Field;
import org.junit.jupiter.api.Test;

class FieldPathTest {

    @Test
    void parsesNestedFieldsArraysAndQuotedNames() {
        assertThat(FieldPath.parse("customer.contact.email").steps())
                .containsExactly(new Field("customer"), new Field("contact"), new Field("email"));
        assertThat(FieldPath.parse("contacts[*].phone").steps())
                .containsExactly(new Field("contacts"), new Each(), new Field("phone"));
        assertThat(FieldPath.parse("matrix[*][*]").steps()).containsExactly(new Field("matrix"), new Each(), new Each());
        assertThat(FieldPath.parse("`a.b`.c").steps()).containsExactly(new Field("a.b"), new Field("c"));
        assertThat(FieldPath.parse("$").isRoot()).isTrue();
        assertThat(FieldPath.parse(" after.ssn ").toString()).isEqualTo("after.ssn");
    }

    @Test
    void printsWhatItParses() {
        for (String p : new String[] {"a", "a.b", "a[*].b", "a[*][*]", "`x.y`.z", "$"}) {
            assertThat(FieldPath.parse(p).toString()).isEqualTo(p);
            assertThat(FieldPath.parse(FieldPath.parse(p).toString())).isEqualTo(FieldPath.parse(p));
        }
    }

    @Test
    void overlapMeansOneLeadsIntoTheOther() {
        assertThat(FieldPath.parse("a").overlaps(FieldPath.parse("a.b"))).isTrue();
        assertThat(FieldPath.parse("a.b").overlaps(FieldPath.parse("a"))).isTrue();
        assertThat(FieldPath.parse("a.b").overlaps(FieldPath.parse("a.c"))).isFalse();
        assertThat(FieldPath.parse("$").overlaps(FieldPath.parse("a"))).isTrue();
    }

    @Test
    void badPathsSayWhereAndWhat() {
        assertThatThrownBy(() -> FieldPath.parse("")).hasMessageContaining("empty path");
        assertThatThrownBy(() -> FieldPath.parse("a..b")).hasMessageContaining("position 3").hasMessageContaining("expected a field name");
        assertThatThrownBy(() -> FieldPath.parse("a.")).hasMessageContaining("after '.'");
        assertThatThrownBy(() -> FieldPath.parse("a[0]")).hasMessageContaining("only [*]");
        assertThatThrownBy(() -> FieldPath.parse("`a")).hasMessageContaining("unclosed back-quote");
        assertThatThrownBy(() -> FieldPath.parse("a[*]b")).hasMessageContaining("expected '.', '[*]' or the end");
        assertThatThrownBy(() -> FieldPath.parse("a. b")).hasMessageContaining("spaces");
    }

    @Test
    void resolvesStructsMapsAndArraysReportingWhatIsMissing() {
        org.apache.kafka.connect.data.Schema item = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .field("sku", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).build();
        org.apache.kafka.connect.data.Schema order = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA)
                .field("items", org.apache.kafka.connect.data.SchemaBuilder.array(item).build()).build();
        org.apache.kafka.connect.data.Struct value = new org.apache.kafka.connect.data.Struct(order).put("id", 7)
                .put("items", java.util.List.of(new org.apache.kafka.connect.data.Struct(item).put("sku", "A"),
                        new org.apache.kafka.connect.data.Struct(item)));
        var skus = FieldPath.parse("items[*].sku").resolve(order, value);
        assertThat(skus).extracting(FieldPath.Reached::path).containsExactly("items[0].sku", "items[1].sku");
        assertThat(skus).extracting(FieldPath.Reached::value).containsExactly("A", null);
        assertThat(skus.get(0).schema()).isEqualTo(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA);
        var missing = FieldPath.parse("customer.email").resolve(order, value);
        assertThat(missing).singleElement().satisfies(r -> {
            assertThat(r.present()).isFalse();
            assertThat(r.path()).isEqualTo("customer.email");
        });
        var schemaless = FieldPath.parse("a.b").resolve(null, java.util.Map.of("a", java.util.Map.of("b", 1)));
        assertThat(schemaless).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(1));
        assertThat(FieldPath.parse("$").resolve(null, "x")).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("$"));
    }
}
