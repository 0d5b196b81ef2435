package io.sluice.connect.smt.dlq;

import io.sluice.connect.common.path.FieldPath;
import io.sluice.connect.common.rules.PathRule;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * One validation rule on a field path, compiled from {@code path=check(arguments)}:
 * <pre>
 *   required            the path exists and is not null
 *   not.null            where the path exists, it is not null (a missing field is fine)
 *   type(int32)         string, boolean, bytes, int8..int64, integer, float32, float64, number, decimal, date,
 *                       time, timestamp, struct, array, map
 *   regex(^[A-Z]{3}$)   strings match (the whole value)
 *   range(0,1000)       numbers within bounds, either may be left out: range(0,) range(,1000)
 *   in(NEW|PAID)        the value's text is one of these
 *   max.length(64)      strings (characters), bytes, arrays and maps at most this long
 * </pre>
 * Nulls pass every check but {@code required} and {@code not.null}; a missing path passes every check but
 * {@code required}.
 */
abstract class Check {

    /** The checks a rule may name. */
    static final List<String> NAMES = List.of("required", "not.null", "type", "regex", "range", "in", "max.length");

    final PathRule rule;
    /** For a path of field names only (the common case): the names, and the fields last found for each depth. */
    private final String[] names;
    private final Schema[] seenSchemas;
    private final Field[] seenFields;
    private final String pathText;

    private Check(PathRule rule) {
        this.rule = rule;
        List<FieldPath.Step> steps = rule.path().steps();
        boolean simple = steps.stream().allMatch(st -> st instanceof FieldPath.Field);
        this.names = simple ? steps.stream().map(st -> ((FieldPath.Field) st).name()).toArray(String[]::new) : null;
        this.seenSchemas = simple ? new Schema[names.length] : null;
        this.seenFields = simple ? new Field[names.length] : null;
        this.pathText = rule.path().toString();
    }

    /** The first place the rule fails in a key or value, or null. */
    Violation check(Schema schema, Object value) {
        return names != null ? checkFieldPath(schema, value) : checkAnyPath(schema, value);
    }

    /** Walks a path of field names without allocating; a task sees few schemas, so fields are looked up once. */
    private Violation checkFieldPath(Schema schema, Object value) {
        Object v = value;
        Schema s = schema;
        for (int i = 0; i < names.length; i++) {
            if (v instanceof Struct struct) {
                Field f = field(i, struct.schema());
                if (f == null) {
                    return violation(onMissing());
                }
                v = f.schema().defaultValue() == null ? struct.get(f) : struct.getWithoutDefault(names[i]);
                s = f.schema();
            } else if (v instanceof Map<?, ?> map && map.containsKey(names[i])) {
                v = map.get(names[i]);
                s = s == null ? null : s.valueSchema();
            } else {
                return violation(onMissing()); // a missing key, a null on the way, or not a record at all
            }
        }
        return violation(v == null ? onNull() : onValue(s, v));
    }

    private Field field(int depth, Schema struct) {
        if (seenSchemas[depth] != struct) {
            seenFields[depth] = struct.field(names[depth]);
            seenSchemas[depth] = struct;
        }
        return seenFields[depth];
    }

    private Violation violation(String problem) {
        return problem == null ? null : new Violation(rule.text(), pathText, pathText + " " + problem);
    }

    private Violation checkAnyPath(Schema schema, Object value) {
        for (FieldPath.Reached r : rule.path().resolve(schema, value)) {
            String problem = r.present() ? (r.value() == null ? onNull() : onValue(r.schema(), r.value())) : onMissing();
            if (problem != null) {
                return new Violation(rule.text(), r.path(), r.path() + " " + problem);
            }
        }
        return null;
    }

    String onMissing() {
        return null;
    }

    String onNull() {
        return null;
    }

    String onValue(Schema schema, Object value) {
        return null;
    }

    /**
     * Compiles a rule.
     *
     * @throws IllegalArgumentException naming the rule and what would fix it
     */
    static Check of(PathRule rule) {
        String where = "rule '" + rule + "': ";
        return switch (rule.name()) {
            case "required" -> new Required(rule);
            case "not.null" -> new NotNull(rule);
            case "type" -> new OfType(rule, where);
            case "regex" -> new Matches(rule, where);
            case "range" -> new InRange(rule, where);
            case "in" -> new OneOf(rule, where);
            case "max.length" -> new MaxLength(rule, where);
            default -> throw new IllegalArgumentException(where + "unknown check '" + rule.name() + "'; use one of "
                    + String.join(", ", NAMES));
        };
    }

    /** {@code required}: the path exists and is not null. */
    private static final class Required extends Check {
        Required(PathRule rule) {
            super(rule);
        }

        @Override
        String onMissing() {
            return "is missing";
        }

        @Override
        String onNull() {
            return "is null";
        }
    }

    /** {@code not.null}: where the path exists, it is not null. */
    private static final class NotNull extends Check {
        NotNull(PathRule rule) {
            super(rule);
        }

        @Override
        String onNull() {
            return "is null";
        }
    }

    /** {@code type(t)}: the value's Connect type (or, without a schema, its Java type's) is t or falls under it. */
    private static final class OfType extends Check {
        private final String expected;

        OfType(PathRule rule, String where) {
            super(rule);
            expected = rule.raw().trim().toLowerCase(Locale.ROOT);
            if (!TYPES.contains(expected)) {
                throw new IllegalArgumentException(where + "type(" + rule.raw() + ") names no type; use one of "
                        + String.join(", ", TYPES));
            }
        }

        @Override
        String onValue(Schema schema, Object value) {
            String actual = schema != null ? typeOf(schema) : typeOf(value);
            return matches(expected, actual, schema == null ? value : null) ? null : "is " + actual + ", not " + expected;
        }
    }

    /** {@code regex(p)}: strings match p as a whole. */
    private static final class Matches extends Check {
        private final Pattern pattern;

        Matches(PathRule rule, String where) {
            super(rule);
            try {
                pattern = Pattern.compile(rule.raw());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + "not a valid regular expression: " + e.getDescription());
            }
        }

        @Override
        String onValue(Schema schema, Object value) {
            if (!(value instanceof String s)) {
                return "is " + typeOf(value) + ", not a string to match";
            }
            return pattern.matcher(s).matches() ? null : "does not match " + pattern.pattern();
        }
    }

    /** {@code range(min,max)}: numbers within the bounds, either of which may be left out. */
    private static final class InRange extends Check {
        private final BigDecimal min;
        private final BigDecimal max;
        /** The bounds as doubles, and whether they are exact, for comparing without allocating. */
        private final double lo;
        private final double hi;
        private final boolean exact;

        InRange(PathRule rule, String where) {
            super(rule);
            String[] bounds = rule.raw().split(",", -1);
            if (bounds.length != 2) {
                throw new IllegalArgumentException(where + "write range(min,max); either may be empty, e.g. range(0,)");
            }
            min = bound(where, bounds[0]);
            max = bound(where, bounds[1]);
            if (min != null && max != null && min.compareTo(max) > 0) {
                throw new IllegalArgumentException(where + "min is above max");
            }
            lo = min == null ? Double.NEGATIVE_INFINITY : min.doubleValue();
            hi = max == null ? Double.POSITIVE_INFINITY : max.doubleValue();
            exact = (min == null || BigDecimal.valueOf(lo).compareTo(min) == 0)
                    && (max == null || BigDecimal.valueOf(hi).compareTo(max) == 0);
        }

        @Override
        String onValue(Schema schema, Object value) {
            if (exact && (value instanceof Double || value instanceof Float || value instanceof Integer
                    || value instanceof Short || value instanceof Byte)) {
                // Exact in a double: compare without allocating (longs may exceed 2^53, so they take the slow path).
                double d = ((Number) value).doubleValue();
                if (d >= lo && d <= hi) {
                    return null;
                }
            }
            BigDecimal n = number(value);
            if (n == null) {
                return "is " + typeOf(value) + ", not a number";
            }
            if ((min != null && n.compareTo(min) < 0) || (max != null && n.compareTo(max) > 0)) {
                return "is out of range [" + (min == null ? "" : min.toPlainString()) + ", "
                        + (max == null ? "" : max.toPlainString()) + "]";
            }
            return null;
        }
    }

    /** {@code in(A|B|C)}: the value's text is one of these. */
    private static final class OneOf extends Check {
        private final Set<String> allowed;

        OneOf(PathRule rule, String where) {
            super(rule);
            if (rule.raw().isEmpty()) {
                throw new IllegalArgumentException(where + "write in(A|B|C)");
            }
            allowed = new LinkedHashSet<>(Arrays.asList(rule.raw().split("\\|", -1)));
        }

        @Override
        String onValue(Schema schema, Object value) {
            return allowed.contains(value instanceof String str ? str : text(value)) ? null
                    : "is not one of the allowed values";
        }
    }

    /** {@code max.length(n)}: strings (in characters), bytes, arrays and maps at most n long. */
    private static final class MaxLength extends Check {
        private final int max;

        MaxLength(PathRule rule, String where) {
            super(rule);
            try {
                max = Integer.parseInt(rule.raw().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "write max.length(N) with N a whole number");
            }
        }

        @Override
        String onValue(Schema schema, Object value) {
            int length = length(value);
            return length > max ? "is " + length + " long, over " + max : null;
        }
    }

    static final List<String> TYPES = List.of("string", "boolean", "bytes", "int8", "int16", "int32", "int64", "integer",
            "float32", "float64", "number", "decimal", "date", "time", "timestamp", "struct", "array", "map");

    /** @param schemaless the value when it has no schema (JSON numbers are int64 or float64), else null */
    private static boolean matches(String expected, String actual, Object schemaless) {
        if (expected.equals(actual)) {
            return true;
        }
        boolean integral = actual.startsWith("int");
        switch (expected) {
            case "integer":
                return integral;
            case "number":
                return integral || actual.startsWith("float") || actual.equals("decimal");
            case "int8":
            case "int16":
            case "int32":
                // Schemaless JSON numbers arrive as int64: accept them when the value fits.
                if (schemaless instanceof Long l) {
                    long limit = expected.equals("int8") ? Byte.MAX_VALUE : expected.equals("int16") ? Short.MAX_VALUE : Integer.MAX_VALUE;
                    return l >= -limit - 1 && l <= limit;
                }
                return false;
            case "float32":
                return schemaless instanceof Double;
            default:
                return false;
        }
    }

    static String typeOf(Schema schema) {
        if (schema.name() != null) {
            switch (schema.name()) {
                case Decimal.LOGICAL_NAME:
                    return "decimal";
                case org.apache.kafka.connect.data.Date.LOGICAL_NAME:
                    return "date";
                case org.apache.kafka.connect.data.Time.LOGICAL_NAME:
                    return "time";
                case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME:
                    return "timestamp";
                default:
                    break;
            }
        }
        return schema.type().getName();
    }

    static String typeOf(Object value) {
        if (value instanceof String) {
            return "string";
        } else if (value instanceof Boolean) {
            return "boolean";
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            return "bytes";
        } else if (value instanceof Byte) {
            return "int8";
        } else if (value instanceof Short) {
            return "int16";
        } else if (value instanceof Integer) {
            return "int32";
        } else if (value instanceof Long) {
            return "int64";
        } else if (value instanceof Float) {
            return "float32";
        } else if (value instanceof Double) {
            return "float64";
        } else if (value instanceof BigDecimal) {
            return "decimal";
        } else if (value instanceof Date) {
            return "timestamp";
        } else if (value instanceof Struct || value instanceof Map) {
            return value instanceof Struct ? "struct" : "map";
        } else if (value instanceof List) {
            return "array";
        }
        return value.getClass().getSimpleName();
    }

    private static BigDecimal bound(String where, String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "'" + text.trim() + "' is not a number");
        }
    }

    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        if (value instanceof Number n) {
            return BigDecimal.valueOf(n.longValue());
        }
        return null;
    }

    private static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return String.valueOf(value);
    }

    private static int length(Object value) {
        if (value instanceof String s) {
            return s.codePointCount(0, s.length());
        } else if (value instanceof byte[] b) {
            return b.length;
        } else if (value instanceof ByteBuffer b) {
            return b.remaining();
        } else if (value instanceof List<?> l) {
            return l.size();
        } else if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        return 0;
    }
}
