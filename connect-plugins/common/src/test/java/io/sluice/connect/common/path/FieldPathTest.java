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
}
