package io.sluice.connect.s3.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect values to Avro values, through a converter compiled once per schema pair so that writing a record walks a
 * prepared tree instead of inspecting schemas. Struct-shaped values may be {@link Struct}s or, for schemaless input,
 * {@link Map}s; numbers are widened or narrowed to the Avro type (schemaless JSON has no int/long distinction).
 */
public final class AvroValues {

    /** Converts one Connect value; {@code null} stays {@code null}. */
    @FunctionalInterface
    public interface Converter {
        Object convert(Object value);
    }

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private AvroValues() {
    }

    /** The converter for values of {@code connect}, written with {@code avro} (from {@link AvroSchemas#toAvro}). */
    public static Converter compile(org.apache.kafka.connect.data.Schema connect, Schema avro) {
        Converter c = AvroSchemas.isUnion(connect) ? union(connect, avro) : required(connect, nonNull(avro));
        return value -> value == null ? null : c.convert(value);
    }

    /**
     * A union struct (one optional field per branch, at most one set) to the value of its branch; Avro picks the
     * branch by the value's type when writing. A union with no branch set is null.
     */
    private static Converter union(org.apache.kafka.connect.data.Schema connect, Schema avro) {
        List<Field> fields = connect.fields();
        List<Schema> branches = avro.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        Converter[] converters = new Converter[fields.size()];
        for (int i = 0; i < converters.length; i++) {
            converters[i] = compile(fields.get(i).schema(), branches.get(i));
        }
        return v -> {
            Struct union = (Struct) v;
            for (int i = 0; i < converters.length; i++) {
                Object branch = union.get(fields.get(i));
                if (branch != null) {
                    return converters[i].convert(branch);
                }
            }
            return null;
        };
    }

    static Schema nonNull(Schema avro) {
        if (avro.getType() != Schema.Type.UNION) {
            return avro;
        }
        for (Schema s : avro.getTypes()) {
            if (s.getType() != Schema.Type.NULL) {
                return s;
            }
        }
        throw new IllegalArgumentException("A union of null only: " + avro);
    }

    private static Converter required(org.apache.kafka.connect.data.Schema connect, Schema avro) {
        if (avro.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            return decimal(decimal);
        }
        if (avro.getLogicalType() instanceof LogicalTypes.Date) {
            return v -> v instanceof java.util.Date d ? (int) Math.floorDiv(d.getTime(), MILLIS_PER_DAY) : toInt(v);
        }
        if (avro.getLogicalType() instanceof LogicalTypes.TimeMillis) {
            return v -> v instanceof java.util.Date d ? (int) Math.floorMod(d.getTime(), MILLIS_PER_DAY) : toInt(v);
        }
        return switch (avro.getType()) {
            case INT -> AvroValues::toInt;
            case LONG -> v -> v instanceof java.util.Date d ? d.getTime() : ((Number) v).longValue();
            case FLOAT -> v -> ((Number) v).floatValue();
            case DOUBLE -> v -> ((Number) v).doubleValue();
            case BOOLEAN -> v -> (Boolean) v;
            case STRING -> v -> (CharSequence) v;
            case ENUM -> {
                java.util.Set<String> symbols = java.util.Set.copyOf(avro.getEnumSymbols());
                yield v -> {
                    if (!symbols.contains(v.toString())) {
                        throw new DataException("'" + v + "' is not a symbol of the enum " + avro.getFullName() + " "
                                + avro.getEnumSymbols());
                    }
                    return v;
                };
            }
            case BYTES -> v -> v instanceof byte[] b ? ByteBuffer.wrap(b) : (ByteBuffer) v;
            case ARRAY -> connect.type() == org.apache.kafka.connect.data.Schema.Type.MAP
                    ? entries(connect, avro.getElementType()) : array(connect.valueSchema(), avro.getElementType());
            case MAP -> map(connect.valueSchema(), avro.getValueType());
            case RECORD -> record(connect, avro);
            default -> throw new IllegalArgumentException("No conversion to " + avro);
        };
    }

    private static Integer toInt(Object v) {
        return ((Number) v).intValue();
    }

    private static Converter decimal(LogicalTypes.Decimal decimal) {
        int scale = decimal.getScale();
        int precision = decimal.getPrecision();
        return v -> {
            BigDecimal d = v instanceof BigDecimal b ? b : Decimal.toLogical(
                    Decimal.schema(scale), v instanceof ByteBuffer buf ? bytes(buf) : (byte[]) v);
            if (d.scale() != scale) {
                throw new DataException("Decimal " + d + " has scale " + d.scale() + ", the schema says " + scale);
            }
            if (d.precision() > precision) {
                throw new DataException("Decimal " + d + " has " + d.precision() + " digits, more than the precision "
                        + precision + " of its column");
            }
            return ByteBuffer.wrap(d.unscaledValue().toByteArray());
        };
    }

    private static byte[] bytes(ByteBuffer buf) {
        byte[] b = new byte[buf.remaining()];
        buf.duplicate().get(b);
        return b;
    }

    private static Converter array(org.apache.kafka.connect.data.Schema element, Schema avroElement) {
        Converter item = compile(element, avroElement);
        return v -> {
            Collection<?> in = (Collection<?>) v;
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) {
                out.add(item.convert(o));
            }
            return out;
        };
    }

    private static Converter map(org.apache.kafka.connect.data.Schema value, Schema avroValue) {
        Converter values = compile(value, avroValue);
        return v -> {
            Map<?, ?> in = (Map<?, ?>) v;
            Map<String, Object> out = new HashMap<>(in.size() * 2);
            for (Map.Entry<?, ?> e : in.entrySet()) {
                out.put(e.getKey().toString(), values.convert(e.getValue()));
            }
            return out;
        };
    }

    private static Converter entries(org.apache.kafka.connect.data.Schema connect, Schema entry) {
        Converter key = compile(connect.keySchema(), entry.getField("key").schema());
        Converter value = compile(connect.valueSchema(), entry.getField("value").schema());
        return v -> {
            Map<?, ?> in = (Map<?, ?>) v;
            List<Object> out = new ArrayList<>(in.size());
            for (Map.Entry<?, ?> e : in.entrySet()) {
                GenericData.Record r = new GenericData.Record(entry);
                r.put(0, key.convert(e.getKey()));
                r.put(1, value.convert(e.getValue()));
                out.add(r);
            }
            return out;
        };
    }

    // Field kinds a record converts inline, without a call through a Converter: most columns are primitives, and a
    // switch on a small int beats a megamorphic interface call per value.
    private static final int NESTED = 0;
    private static final int AS_IS = 1;
    private static final int INT = 2;
    private static final int LONG = 3;
    private static final int FLOAT = 4;
    private static final int DOUBLE = 5;
    private static final int BYTES = 6;

    private static int kind(Schema avro) {
        if (avro.getLogicalType() != null && !(avro.getLogicalType() instanceof LogicalTypes.TimestampMillis)
                && !(avro.getLogicalType() instanceof LogicalTypes.TimestampMicros)
                && !(avro.getLogicalType() instanceof LogicalTypes.TimestampNanos)
                && !(avro.getLogicalType() instanceof LogicalTypes.TimeMicros)) {
            return NESTED; // decimal, date, time-millis: converted from Connect's BigDecimal and Date
        }
        return switch (avro.getType()) {
            case BOOLEAN, STRING -> AS_IS;
            case INT -> INT;
            case LONG -> LONG;
            case FLOAT -> FLOAT;
            case DOUBLE -> DOUBLE;
            case BYTES -> BYTES;
            default -> NESTED;
        };
    }

    private static Object inline(int kind, Object v) {
        return switch (kind) {
            case AS_IS -> v;
            case INT -> v instanceof Integer ? v : (Object) ((Number) v).intValue();
            case LONG -> v instanceof Long ? v : v instanceof java.util.Date d ? (Object) d.getTime()
                    : (Object) ((Number) v).longValue();
            case FLOAT -> v instanceof Float ? v : (Object) ((Number) v).floatValue();
            case DOUBLE -> v instanceof Double ? v : (Object) ((Number) v).doubleValue();
            default -> v instanceof byte[] b ? ByteBuffer.wrap(b) : (ByteBuffer) v;
        };
    }

    private static Converter record(org.apache.kafka.connect.data.Schema connect, Schema avro) {
        List<Field> fields = connect.fields();
        int n = fields.size();
        Field[] connectFields = fields.toArray(new Field[0]);
        int[] kinds = new int[n];
        Converter[] nested = new Converter[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            Schema fieldAvro = nonNull(avro.getFields().get(i).schema());
            boolean union = AvroSchemas.isUnion(connectFields[i].schema());
            kinds[i] = union ? NESTED : kind(fieldAvro);
            if (kinds[i] == NESTED) {
                nested[i] = union ? union(connectFields[i].schema(), avro.getFields().get(i).schema())
                        : required(connectFields[i].schema(), fieldAvro);
            }
            names[i] = connectFields[i].name();
        }
        return v -> {
            GenericData.Record out = new GenericData.Record(avro);
            Struct struct = v instanceof Struct s ? s : null;
            Map<?, ?> map = struct == null ? (Map<?, ?>) v : null;
            for (int i = 0; i < n; i++) {
                Object value = struct != null ? struct.get(connectFields[i]) : map.get(names[i]);
                if (value != null) {
                    out.put(i, kinds[i] == NESTED ? nested[i].convert(value) : inline(kinds[i], value));
                }
            }
            return out;
        };
    }
}
