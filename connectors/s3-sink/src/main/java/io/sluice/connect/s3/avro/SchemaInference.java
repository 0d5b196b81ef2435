package io.sluice.connect.s3.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Schemas for schemaless values (JSON without schemas: maps, lists, strings, numbers, booleans).
 *
 * <p>A file is written with one schema. A record that {@link #fits} the open file's schema goes into it: a field
 * that is null or absent is written as null, an integer goes into a floating-point column. One that does not fit
 * closes the file, and the next file's schema {@link #merge merges} both, so alternating shapes do not produce a file
 * per record. Every inferred field is optional; integers are {@code INT64}, other numbers {@code FLOAT64}.
 */
public final class SchemaInference {

    /** An array whose element type is still unknown (it has only been seen empty or holding nulls). */
    private static final String UNKNOWN = "io.sluice.connect.s3.Unknown";

    private SchemaInference() {
    }

    /** The schema of a schemaless record value, which must be a map (a JSON object). */
    public static Schema infer(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new DataException("A schemaless record value must be a JSON object to become a Parquet row; got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return of(value);
    }

    private static Schema of(Object value) {
        if (value instanceof Map<?, ?> map) {
            SchemaBuilder struct = SchemaBuilder.struct().optional();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() != null) {
                    struct.field(e.getKey().toString(), of(e.getValue()));
                }
            }
            return struct.build();
        }
        if (value instanceof Collection<?> list) {
            Schema item = null;
            for (Object o : list) {
                if (o != null) {
                    Schema s = of(o);
                    item = item == null ? s : merge(item, s);
                    if (item == null) {
                        throw new DataException("An array mixes values of different types: " + list);
                    }
                }
            }
            return SchemaBuilder.array(item == null ? unknown() : item).optional().build();
        }
        if (value instanceof String) {
            return Schema.OPTIONAL_STRING_SCHEMA;
        }
        if (value instanceof Boolean) {
            return Schema.OPTIONAL_BOOLEAN_SCHEMA;
        }
        if (integral(value)) {
            return Schema.OPTIONAL_INT64_SCHEMA;
        }
        if (value instanceof Number) {
            return Schema.OPTIONAL_FLOAT64_SCHEMA;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return Schema.OPTIONAL_BYTES_SCHEMA;
        }
        if (value instanceof java.util.Date) {
            return Timestamp.builder().optional().build();
        }
        throw new DataException("No Parquet type for a schemaless " + value.getClass().getName());
    }

    private static Schema unknown() {
        return SchemaBuilder.string().name(UNKNOWN).optional().build();
    }

    private static boolean integral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** Whether {@code value} can be written with {@code schema} (an inferred one) without losing anything. */
    public static boolean fits(Schema schema, Object value) {
        if (value == null) {
            return true;
        }
        return switch (schema.type()) {
            case STRUCT -> {
                if (!(value instanceof Map<?, ?> map)) {
                    yield false;
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (e.getValue() != null) {
                        Field f = schema.field(e.getKey().toString());
                        if (f == null || !fits(f.schema(), e.getValue())) {
                            yield false;
                        }
                    }
                }
                yield true;
            }
            case ARRAY -> {
                if (!(value instanceof Collection<?> list)) {
                    yield false;
                }
                for (Object o : list) {
                    if (!fits(schema.valueSchema(), o)) {
                        yield false;
                    }
                }
                yield true;
            }
            case STRING -> value instanceof String && !UNKNOWN.equals(schema.name());
            case BOOLEAN -> value instanceof Boolean;
            case INT64 -> Timestamp.LOGICAL_NAME.equals(schema.name()) ? value instanceof java.util.Date : integral(value);
            case FLOAT64 -> value instanceof Number && !(value instanceof BigDecimal big && !fitsDouble(big));
            case BYTES -> value instanceof byte[] || value instanceof ByteBuffer;
            default -> false;
        };
    }

    private static boolean fitsDouble(BigDecimal big) {
        return Double.isFinite(big.doubleValue());
    }

    /** A schema that accepts what either accepts, or {@code null} when they conflict (a string and a number). */
    public static Schema merge(Schema a, Schema b) {
        if (a.equals(b)) {
            return a;
        }
        if (UNKNOWN.equals(a.name())) {
            return b;
        }
        if (UNKNOWN.equals(b.name())) {
            return a;
        }
        if (a.type() != b.type()) {
            boolean numbers = (a.type() == Schema.Type.INT64 || a.type() == Schema.Type.FLOAT64)
                    && (b.type() == Schema.Type.INT64 || b.type() == Schema.Type.FLOAT64)
                    && a.name() == null && b.name() == null;
            return numbers ? Schema.OPTIONAL_FLOAT64_SCHEMA : null;
        }
        return switch (a.type()) {
            case STRUCT -> {
                Map<String, Schema> fields = new LinkedHashMap<>();
                for (Field f : a.fields()) {
                    fields.put(f.name(), f.schema());
                }
                for (Field f : b.fields()) {
                    Schema existing = fields.get(f.name());
                    Schema merged = existing == null ? f.schema() : merge(existing, f.schema());
                    if (merged == null) {
                        yield null;
                    }
                    fields.put(f.name(), merged);
                }
                SchemaBuilder struct = SchemaBuilder.struct().optional();
                fields.forEach(struct::field);
                yield struct.build();
            }
            case ARRAY -> {
                Schema item = merge(a.valueSchema(), b.valueSchema());
                yield item == null ? null : SchemaBuilder.array(item).optional().build();
            }
            default -> null;
        };
    }
}
