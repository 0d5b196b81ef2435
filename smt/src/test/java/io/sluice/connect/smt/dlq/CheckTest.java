package io.sluice.connect.smt.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.common.rules.PathRule;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each check on its own, value by value: what passes, and the problem a failing value is reported with. */
class CheckTest {

    private static final Object MISSING = new Object();

    /** The problem {@code rule} finds in a schemaless value {@code {"f": value}} (no "f" for MISSING), or null. */
    private static String problem(String rule, Object value) {
        Map<String, Object> record = new HashMap<>();
        if (value != MISSING) {
            record.put("f", value);
        }
        Violation v = Check.of(PathRule.parse("f=" + rule)).check(null, record);
        return v == null ? null : v.message().substring("f ".length());
    }

    static Stream<Arguments> schemaless() {
        return Stream.of(
                // check, value, problem (null: passes)
                Arguments.of("required", "x", null),
                Arguments.of("required", null, "is null"),
                Arguments.of("required", MISSING, "is missing"),
                Arguments.of("not.null", MISSING, null),
                Arguments.of("not.null", null, "is null"),
                Arguments.of("not.null", 0, null),
                Arguments.of("type(string)", "x", null),
                Arguments.of("type(string)", 1L, "is int64, not string"),
                Arguments.of("type(int32)", 2_147_483_647L, null), // JSON numbers arrive as int64: fits
                Arguments.of("type(int32)", 2_147_483_648L, "is int64, not int32"),
                Arguments.of("type(int8)", -128L, null),
                Arguments.of("type(int8)", -129L, "is int64, not int8"),
                Arguments.of("type(integer)", 5L, null),
                Arguments.of("type(number)", 1.5, null),
                Arguments.of("type(number)", "1.5", "is string, not number"),
                Arguments.of("type(float32)", 1.5, null),
                Arguments.of("type(array)", List.of(), null),
                Arguments.of("type(map)", Map.of(), null),
                Arguments.of("type(string)", null, null), // nulls pass every check but required and not.null
                Arguments.of("type(string)", MISSING, null),
                Arguments.of("regex(^[A-Z]{3}$)", "EUR", null),
                Arguments.of("regex(^[A-Z]{3}$)", "EURO", "does not match ^[A-Z]{3}$"),
                Arguments.of("regex([A-Z]{3})", "xEURx", "does not match [A-Z]{3}"), // the whole value
                Arguments.of("regex(.*)", 3L, "is int64, not a string to match"),
                Arguments.of("range(0,10)", 0L, null),
                Arguments.of("range(0,10)", 10L, null),
                Arguments.of("range(0,10)", -1L, "is out of range [0, 10]"),
                Arguments.of("range(0,10)", 11L, "is out of range [0, 10]"),
                Arguments.of("range(0,10)", 10.000001, "is out of range [0, 10]"),
                Arguments.of("range(0,10)", 9.999999, null),
                Arguments.of("range(0,)", Long.MAX_VALUE, null),
                Arguments.of("range(,0)", Long.MIN_VALUE, null),
                Arguments.of("range(,0)", 1L, "is out of range [, 0]"),
                Arguments.of("range(0,0.1)", 0.1, null), // 0.1 is not exact in a double: the exact path decides
                Arguments.of("range(0,0.1)", 0.10000000000000002, "is out of range [0, 0.1]"),
                Arguments.of("range(0,9007199254740992)", 9007199254740993L, "is out of range [0, 9007199254740992]"),
                Arguments.of("range(0,10)", new BigDecimal("10.0"), null),
                Arguments.of("range(0,10)", Double.NaN, "is float64, not a number"),
                Arguments.of("range(0,10)", "5", "is string, not a number"),
                Arguments.of("in(NEW|PAID)", "PAID", null),
                Arguments.of("in(NEW|PAID)", "paid", "is not one of the allowed values"),
                Arguments.of("in(1|2)", 2L, null),
                Arguments.of("in(1.50|2)", new BigDecimal("1.50"), null),
                Arguments.of("max.length(3)", "abc", null),
                Arguments.of("max.length(3)", "abcd", "is 4 long, over 3"),
                Arguments.of("max.length(3)", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", null), // characters, not chars
                Arguments.of("max.length(1)", List.of(1, 2), "is 2 long, over 1"),
                Arguments.of("max.length(1)", new byte[2], "is 2 long, over 1"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("schemaless")
    void eachCheckPassesOrNamesTheProblem(String rule, Object value, String expected) {
        assertThat(problem(rule, value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "type(integr); type(integr) names no type",
            "regex([); not a valid regular expression",
            "range(5); write range(min,max)",
            "range(a,1); 'a' is not a number",
            "range(2,1); min is above max",
            "in(); write in(A|B|C)",
            "max.length(x); write max.length(N)",
            "nonsense; unknown check 'nonsense'"})
    void aBadRuleIsRefusedNamingItAndTheFix(String rule, String message) {
        assertThatThrownBy(() -> Check.of(PathRule.parse("f=" + rule)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule 'f=")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {"type(decimal); ", "type(number); ", "type(float64); is decimal, not float64",
            "range(0,1); is out of range [0, 1]"})
    void withASchemaTheSchemaDecidesTheType(String rule, String expected) {
        Schema decimal = Decimal.schema(2);
        Schema schema = SchemaBuilder.struct().field("f", decimal).build();
        Violation v = Check.of(PathRule.parse("f=" + rule)).check(schema,
                new Struct(schema).put("f", new BigDecimal("12.50")));
        assertThat(v == null ? null : v.message().substring("f ".length())).isEqualTo(expected);
    }
}
