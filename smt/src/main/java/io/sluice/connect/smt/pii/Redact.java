package io.sluice.connect.smt.pii;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Replaces a value with a configured replacement converted to the field's type, or with the type's empty value
 * ({@code ""}, 0, false, empty bytes, the epoch, an empty array or map, a struct of empty values). The schema stays.
 */
final class Redact implements Strategy {

    private final String replacement;

    /** @param replacement the value to write, or null for the type's empty value */
    Redact(String replacement) {
        this.replacement = replacement;
    }

    @Override
    public String describe() {
        return replacement == null ? "redact" : "redact(" + replacement + ")";
    }

    @Override
    public Bound bind(Schema schema) {
        switch (schema.type()) {
            case ARRAY:
                return new Bound(schema, v -> new ArrayList<>());
            case MAP:
                return new Bound(schema, v -> new LinkedHashMap<>());
            case STRUCT:
                return new Bound(schema, v -> emptyStruct(schema));
            default:
                Object constant = replacement == null ? empty(schema) : convert(replacement, schema);
                return new Bound(schema, constant instanceof byte[] b ? v -> b.clone() : v -> constant);
        }
    }

    @Override
    public Object maskSchemaless(Object value) {
        if (value instanceof Map) {
            return new LinkedHashMap<>();
        }
        if (value instanceof List) {
            return new ArrayList<>();
        }
        if (replacement == null) {
            if (value instanceof String) {
                return "";
            }
            if (value instanceof Number n) {
                return zeroLike(n);
            }
            if (value instanceof Boolean) {
                return Boolean.FALSE;
            }
            if (value instanceof byte[] || value instanceof ByteBuffer) {
                return new byte[0];
            }
            if (value instanceof Date) {
                return new Date(0);
            }
            throw new MaskException("redact cannot mask a " + Strategy.typeName(value));
        }
        if (value instanceof String) {
            return replacement;
        }
        try {
            if (value instanceof Byte) {
                return Byte.valueOf(replacement);
            } else if (value instanceof Short) {
                return Short.valueOf(replacement);
            } else if (value instanceof Integer) {
                return Integer.valueOf(replacement);
            } else if (value instanceof Long) {
                return Long.valueOf(replacement);
            } else if (value instanceof Float) {
                return Float.valueOf(replacement);
            } else if (value instanceof Double) {
                return Double.valueOf(replacement);
            } else if (value instanceof BigDecimal) {
                return new BigDecimal(replacement);
            }
        } catch (NumberFormatException e) {
            throw new MaskException("replacement '" + replacement + "' is not a " + Strategy.typeName(value));
        }
        if (value instanceof Boolean) {
            return parseBoolean(replacement);
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return replacement.getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof Date) {
            return parseDate(replacement);
        }
        throw new MaskException("redact cannot mask a " + Strategy.typeName(value));
    }

    private static Object zeroLike(Number n) {
        if (n instanceof Byte) {
            return (byte) 0;
        } else if (n instanceof Short) {
            return (short) 0;
        } else if (n instanceof Integer) {
            return 0;
        } else if (n instanceof Long) {
            return 0L;
        } else if (n instanceof Float) {
            return 0f;
        } else if (n instanceof BigDecimal d) {
            return BigDecimal.ZERO.setScale(d.scale(), RoundingMode.UNNECESSARY);
        }
        return 0d;
    }

    /** The empty value of a primitive or logical schema. */
    static Object empty(Schema schema) {
        if (Decimal.LOGICAL_NAME.equals(schema.name())) {
            return BigDecimal.ZERO.setScale(Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
        }
        if (schema.name() != null && schema.name().startsWith("org.apache.kafka.connect.data.")) {
            return new Date(0); // Date, Time, Timestamp
        }
        switch (schema.type()) {
            case INT8:
                return (byte) 0;
            case INT16:
                return (short) 0;
            case INT32:
                return 0;
            case INT64:
                return 0L;
            case FLOAT32:
                return 0f;
            case FLOAT64:
                return 0d;
            case BOOLEAN:
                return false;
            case STRING:
                return "";
            case BYTES:
                return new byte[0];
            case ARRAY:
                return new ArrayList<>();
            case MAP:
                return new LinkedHashMap<>();
            default:
                return emptyStruct(schema);
        }
    }

    private static Struct emptyStruct(Schema schema) {
        Struct s = new Struct(schema);
        for (Field f : schema.fields()) {
            s.put(f, f.schema().isOptional() ? null : empty(f.schema()));
        }
        return s;
    }

    private static Object convert(String text, Schema schema) {
        try {
            if (Decimal.LOGICAL_NAME.equals(schema.name())) {
                return new BigDecimal(text).setScale(Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)), RoundingMode.HALF_UP);
            }
            if (schema.name() != null && schema.name().startsWith("org.apache.kafka.connect.data.")) {
                return parseDate(text);
            }
            switch (schema.type()) {
                case INT8:
                    return Byte.valueOf(text);
                case INT16:
                    return Short.valueOf(text);
                case INT32:
                    return Integer.valueOf(text);
                case INT64:
                    return Long.valueOf(text);
                case FLOAT32:
                    return Float.valueOf(text);
                case FLOAT64:
                    return Double.valueOf(text);
                case BOOLEAN:
                    return parseBoolean(text);
                case BYTES:
                    return text.getBytes(StandardCharsets.UTF_8);
                default:
                    return text;
            }
        } catch (NumberFormatException e) {
            throw new MaskException("replacement '" + text + "' is not a " + Strategy.typeName(schema));
        }
    }

    private static Boolean parseBoolean(String text) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new MaskException("replacement '" + text + "' is not a boolean");
        }
        return Boolean.valueOf(text);
    }

    private static Date parseDate(String text) {
        try {
            return text.length() == 10 ? Date.from(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant())
                    : Date.from(Instant.parse(text));
        } catch (RuntimeException e) {
            throw new MaskException("replacement '" + text + "' is not an ISO date (2024-01-31) or instant (2024-01-31T00:00:00Z)");
        }
    }
}
