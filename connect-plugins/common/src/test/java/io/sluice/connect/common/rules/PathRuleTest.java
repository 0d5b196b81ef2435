package io.sluice.connect.common.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathRuleTest {

    @Test
    void parsesNamesPositionalAndNamedArguments() {
        List<PathRule> rules = PathRule.parseList("ssn=redact, card=partial(first=6,last=4), d=truncate(month), `a.b`.c=HASH");
        assertThat(rules).hasSize(4);
        assertThat(rules.get(0).name()).isEqualTo("redact");
        assertThat(rules.get(0).raw()).isEmpty();
        assertThat(rules.get(1).named()).isEqualTo(Map.of("first", "6", "last", "4"));
        assertThat(rules.get(2).args()).containsExactly("month");
        assertThat(rules.get(3).path().toString()).isEqualTo("`a.b`.c");
        assertThat(rules.get(3).name()).isEqualTo("hash");
        assertThat(rules.get(1).toString()).isEqualTo("card=partial(first=6,last=4)");
    }

    @Test
    void regularExpressionsKeepTheirCommasParenthesesAndEscapes() {
        List<PathRule> rules = PathRule.parseList("code=regex(^[A-Z]{2,3}-(\\d+|x)$), n=range(0,10), t=regex(a\\(b)");
        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).raw()).isEqualTo("^[A-Z]{2,3}-(\\d+|x)$");
        assertThat(rules.get(1).args()).containsExactly("0", "10");
        assertThat(rules.get(2).raw()).isEqualTo("a\\(b");
    }

    @Test
    void badRulesSayWhatToWrite() {
        assertThatThrownBy(() -> PathRule.parseList("ssn")).hasMessageContaining("has no '='");
        assertThatThrownBy(() -> PathRule.parseList("a..b=x")).hasMessageContaining("bad field path");
        assertThatThrownBy(() -> PathRule.parseList("a=x(1")).hasMessageContaining("unclosed '('");
        assertThatThrownBy(() -> PathRule.parseList("a=")).hasMessageContaining("is not a rule name");
        assertThat(PathRule.parseList("  ")).isEmpty();
    }
}
