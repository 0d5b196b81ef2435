package io.sluice.connect.smt.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns a JSON payload string into a {@code Struct} with a schema inferred from the document. Unlike a per-node
 * inference, it first merges the shape of every element of an array, so an empty array followed by arrays of objects,
 * objects with different fields, nulls, and integers mixed with decimals all give one consistent schema. Equal shapes
 * give the same {@code Schema} object (cached), which downstream converters rely on.
 */
final class JsonExpander {

    /** An expanded payload. */
    record Expanded(Schema schema, Object value) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OutboxSettings.JsonExpansion options;
    private final Cache<String, Schema> schemas = new SynchronizedCache<>(new LRUCache<>(256));
    /** The schema of the last payload: most payloads of a stream fit it. */
    private volatile Schema last;

    JsonExpander(OutboxSettings.JsonExpansion options) {
        this.options = options;
    }

    /** The payload as a Struct (or array), or null when it is not a JSON object or array. */
    Expanded expand(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
            if (node != null && node.isTextual() && node.textValue().trim().startsWith("{")) {
                node = MAPPER.readTree(node.textValue()); // double-encoded by a string converter upstream
            }
        } catch (JsonProcessingException e) {
            return null;
        }
        if (node == null || !(node.isObject() || node.isArray())) {
            return null;
        }
        Schema schema = last;
        if (schema == null || !fits(node, schema)) {
            Shape shape = Shape.of(node);
            String signature = shape.signature();
            schema = schemas.get(signature);
            if (schema == null) {
                schema = shape.schema(options, true);
                schemas.put(signature, schema);
            }
            last = schema;
        }
        return new Expanded(schema, value(node, schema));
    }

    /**
     * True when the document's values all fit the schema (every field optional, so missing fields and nulls fit).
     * A stream of events of one type then keeps one schema, even when an event leaves an optional field out or has
     * an empty array, and skips inference altogether.
     */
    private static boolean fits(JsonNode node, Schema schema) {
        if (node == null || node.isNull()) {
            return schema.isOptional();
        }
        switch (schema.type()) {
            case STRUCT:
                if (!node.isObject()) {
                    return false;
                }
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    Field f = schema.field(e.getKey());
                    if (f == null ? !e.getValue().isNull() : !fits(e.getValue(), f.schema())) {
                        return false;
                    }
                }
                return true;
            case ARRAY:
                if (!node.isArray()) {
                    return false;
                }
                for (JsonNode e : node) {
                    if (!fits(e, schema.valueSchema())) {
                        return false;
                    }
                }
                return true;
            case INT64:
                return node.isIntegralNumber() && node.canConvertToLong();
            case FLOAT64:
                return node.isNumber();
            case BOOLEAN:
                return node.isBoolean();
            case STRING:
                return node.isTextual();
            default:
                return false;
        }
    }

    /** The value of a node under the schema inferred for its shape. */
    private static Object value(JsonNode node, Schema schema) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        switch (schema.type()) {
            case STRUCT: {
                Struct s = new Struct(schema);
                for (Field f : schema.fields()) {
                    s.put(f, value(node.get(f.name()), f.schema()));
                }
                return s;
            }
            case ARRAY: {
                List<Object> out = new ArrayList<>(node.size());
                node.forEach(e -> out.add(value(e, schema.valueSchema())));
                return out;
            }
            case INT64:
                return node.asLong();
            case FLOAT64:
                return node.asDouble();
            case BOOLEAN:
                return node.asBoolean();
            case BYTES:
                return null; // only nulls were ever seen here
            default:
                return node.isTextual() ? node.textValue() : node.toString();
        }
    }

    /** The merged shape of JSON values seen at one place in the document. */
    private static final class Shape {
        enum Kind { UNKNOWN, NULL, BOOLEAN, INTEGER, DECIMAL, TEXT, ARRAY, OBJECT }

        Kind kind;
        Shape element; // ARRAY
        final Map<String, Shape> fields = new LinkedHashMap<>(); // OBJECT

        private Shape(Kind kind) {
            this.kind = kind;
        }

        static Shape of(JsonNode node) {
            if (node == null || node.isNull()) {
                return new Shape(Kind.NULL);
            }
            if (node.isObject()) {
                Shape s = new Shape(Kind.OBJECT);
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    s.fields.put(e.getKey(), of(e.getValue()));
                }
                return s;
            }
            if (node.isArray()) {
                Shape s = new Shape(Kind.ARRAY);
                s.element = new Shape(Kind.UNKNOWN);
                node.forEach(e -> s.element = merge(s.element, of(e)));
                return s;
            }
            if (node.isBoolean()) {
                return new Shape(Kind.BOOLEAN);
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return new Shape(Kind.INTEGER);
            }
            return new Shape(node.isNumber() ? Kind.DECIMAL : Kind.TEXT);
        }

        /** The shape that holds values of both. */
        static Shape merge(Shape a, Shape b) {
            if (a.kind == Kind.UNKNOWN || a.kind == Kind.NULL) {
                return b.kind == Kind.UNKNOWN ? a : b;
            }
            if (b.kind == Kind.UNKNOWN || b.kind == Kind.NULL || a.kind == b.kind && a.kind.ordinal() < Kind.ARRAY.ordinal()) {
                return a;
            }
            if ((a.kind == Kind.INTEGER && b.kind == Kind.DECIMAL) || (a.kind == Kind.DECIMAL && b.kind == Kind.INTEGER)) {
                return new Shape(Kind.DECIMAL);
            }
            if (a.kind == Kind.ARRAY && b.kind == Kind.ARRAY) {
                Shape s = new Shape(Kind.ARRAY);
                s.element = merge(a.element, b.element);
                return s;
            }
            if (a.kind == Kind.OBJECT && b.kind == Kind.OBJECT) {
                Shape s = new Shape(Kind.OBJECT);
                s.fields.putAll(a.fields);
                b.fields.forEach((k, v) -> s.fields.merge(k, v, Shape::merge));
                return s;
            }
            return new Shape(Kind.TEXT); // irreconcilable (a string here, an object there): keep the JSON text
        }

        String signature() {
            StringBuilder b = new StringBuilder();
            sign(b);
            return b.toString();
        }

        private void sign(StringBuilder b) {
            b.append(kind.ordinal());
            if (kind == Kind.ARRAY) {
                b.append('[');
                element.sign(b);
                b.append(']');
            } else if (kind == Kind.OBJECT) {
                b.append('{');
                fields.forEach((k, v) -> {
                    b.append(k.length()).append(':').append(k);
                    v.sign(b);
                    b.append(',');
                });
                b.append('}');
            }
        }

        /** The Connect schema; every field is optional, since JSON may leave any of them out. Null if ignored. */
        Schema schema(OutboxSettings.JsonExpansion options, boolean root) {
            SchemaBuilder b;
            switch (kind) {
                case OBJECT:
                    b = SchemaBuilder.struct();
                    fields.forEach((name, shape) -> {
                        Schema fs = shape.schema(options, false);
                        if (fs != null) {
                            b.field(name, fs);
                        }
                    });
                    break;
                case ARRAY: {
                    boolean unknown = element.kind == Kind.UNKNOWN || element.kind == Kind.NULL;
                    if (unknown && !root && !options.keepEmptyArrays()) {
                        return null; // only ever empty: left out, as Debezium's empty.array.behavior=ignore
                    }
                    Schema e = unknown ? Schema.OPTIONAL_STRING_SCHEMA : element.schema(options, false);
                    b = SchemaBuilder.array(e == null ? Schema.OPTIONAL_STRING_SCHEMA : e);
                    break;
                }
                case BOOLEAN:
                    return Schema.OPTIONAL_BOOLEAN_SCHEMA;
                case INTEGER:
                    return Schema.OPTIONAL_INT64_SCHEMA;
                case DECIMAL:
                    return Schema.OPTIONAL_FLOAT64_SCHEMA;
                case TEXT:
                    return Schema.OPTIONAL_STRING_SCHEMA;
                default:
                    return options.keepNulls() ? Schema.OPTIONAL_BYTES_SCHEMA : null;
            }
            return root ? b.build() : b.optional().build();
        }
    }
}
