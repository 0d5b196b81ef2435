package io.sluice.connect.smt.pii;

import io.sluice.connect.common.path.FieldPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * What masking does to records of one schema, worked out once and cached: the output schema, and a tree of steps
 * that copies a value and masks exactly the fields the rules reach. Fields no rule reaches are copied by reference;
 * a schema no rule reaches gives the identity plan, and the record passes through untouched.
 *
 * <p>Schema names, versions, docs, parameters, optionality and defaults are kept; a struct, array or map whose
 * content changes type (hash turns a number into a string) loses only its default, which no longer fits.
 */
public final class SchemaPlan {

    /** Masks one value of a known schema. */
    private interface Node {
        Schema schema();

        Object apply(Object value);
    }

    private final Schema input;
    private final Schema schema;
    private final Node root;

    private SchemaPlan(Schema input, Schema schema, Node root) {
        this.input = input;
        this.schema = schema;
        this.root = root;
    }

    /**
     * @param fallback applied where a rule's strategy cannot mask a field's type, or null to fail such records
     */
    static SchemaPlan build(Schema schema, List<Target> targets, Strategy fallback, LongAdder masked) {
        List<Cursor> cursors = new ArrayList<>();
        targets.forEach(t -> cursors.add(new Cursor(t, 0)));
        Node root = new Builder(fallback, masked).node(schema, cursors, "");
        return new SchemaPlan(schema, root == null ? schema : root.schema(), root);
    }

    /** The schema this plan was built for. */
    Schema input() {
        return input;
    }

    /** The output schema: the input schema itself when no rule changes a type. */
    public Schema schema() {
        return schema;
    }

    /** True when no rule reaches a field of this schema: records pass through untouched. */
    public boolean isIdentity() {
        return root == null;
    }

    /**
     * Masks a value of the input schema.
     *
     * @throws MaskFailure where a rule's strategy cannot mask a field and on.error=fail
     */
    public Object apply(Object value) {
        return root == null ? value : root.apply(value);
    }

    /** A target and how far down its path this level of the schema is. */
    private record Cursor(Target target, int depth) {
        boolean done() {
            return depth == target.path().steps().size();
        }

        FieldPath.Step next() {
            return target.path().steps().get(depth);
        }

        Cursor down() {
            return new Cursor(target, depth + 1);
        }
    }

    /** Builds the node tree for one schema; holds what every leaf needs. */
    private record Builder(Strategy fallback, LongAdder masked) {

        Node node(Schema schema, List<Cursor> cursors, String path) {
            if (cursors.isEmpty()) {
                return null;
            }
            for (Cursor c : cursors) {
                if (c.done()) {
                    return leaf(schema, c.target(), path.isEmpty() ? "$" : path); // rules never overlap
                }
            }
            switch (schema.type()) {
                case STRUCT:
                    return struct(schema, cursors, path);
                case ARRAY: {
                    List<Cursor> each = new ArrayList<>();
                    cursors.forEach(c -> {
                        if (c.next() instanceof FieldPath.Each) {
                            each.add(c.down());
                        }
                    });
                    Node element = node(schema.valueSchema(), each, path + "[*]");
                    return element == null ? null : new ArrayNode(copy(schema, SchemaBuilder.array(element.schema()), element.schema() == schema.valueSchema()), element);
                }
                case MAP:
                    return map(schema, cursors, path);
                default:
                    return null; // a path that goes on below a primitive reaches nothing
            }
        }

        Node leaf(Schema schema, Target target, String path) {
            try {
                return new Leaf(target.strategy().bind(schema), masked);
            } catch (MaskException e) {
                if (fallback != null) {
                    return new Leaf(fallback.bind(schema), masked);
                }
                return new Fail(schema, new MaskFailure(path, target.rule(), e.getMessage()));
            }
        }

        Node struct(Schema schema, List<Cursor> cursors, String path) {
            List<Field> fields = schema.fields();
            Node[] nodes = new Node[fields.size()];
            boolean any = false;
            boolean sameSchemas = true;
            for (Field f : fields) {
                List<Cursor> here = new ArrayList<>();
                for (Cursor c : cursors) {
                    if (c.next() instanceof FieldPath.Field step && step.name().equals(f.name())) {
                        here.add(c.down());
                    }
                }
                Node n = node(f.schema(), here, path.isEmpty() ? f.name() : path + "." + f.name());
                nodes[f.index()] = n;
                any |= n != null;
                sameSchemas &= n == null || n.schema() == f.schema();
            }
            if (!any) {
                return null;
            }
            Schema out = schema;
            if (!sameSchemas) {
                SchemaBuilder b = SchemaBuilder.struct();
                for (Field f : fields) {
                    b.field(f.name(), nodes[f.index()] == null ? f.schema() : nodes[f.index()].schema());
                }
                out = copy(schema, b, false);
            }
            return new StructNode(schema, out, nodes);
        }

        Node map(Schema schema, List<Cursor> cursors, String path) {
            List<Cursor> each = new ArrayList<>();
            Map<String, List<Cursor>> byKey = new LinkedHashMap<>();
            for (Cursor c : cursors) {
                if (c.next() instanceof FieldPath.Each) {
                    each.add(c.down());
                } else if (c.next() instanceof FieldPath.Field step) {
                    byKey.computeIfAbsent(step.name(), k -> new ArrayList<>()).add(c.down());
                }
            }
            Node all = node(schema.valueSchema(), each, path + "[*]");
            Map<String, Node> keyed = new LinkedHashMap<>();
            for (Map.Entry<String, List<Cursor>> e : byKey.entrySet()) {
                String keyPath = path + "." + e.getKey();
                Node n = node(schema.valueSchema(), e.getValue(), keyPath);
                if (n != null && n.schema() != schema.valueSchema()) {
                    // One entry cannot change type while its siblings keep theirs: the map has one value schema.
                    n = new Fail(schema.valueSchema(), new MaskFailure(keyPath, e.getValue().get(0).target().rule(),
                            "it would change one map value's type; mask every value with " + path + "[*] instead"));
                }
                if (n != null) {
                    keyed.put(e.getKey(), n);
                }
            }
            if (all == null && keyed.isEmpty()) {
                return null;
            }
            Schema valueOut = all == null ? schema.valueSchema() : all.schema();
            Schema out = copy(schema, SchemaBuilder.map(schema.keySchema(), valueOut), valueOut == schema.valueSchema());
            return new MapNode(out, all, keyed);
        }

    }

    /** The original schema if nothing inside it changed, else the builder with the original's metadata. */
    private static Schema copy(Schema original, SchemaBuilder builder, boolean unchanged) {
        if (unchanged) {
            return original;
        }
        builder.name(original.name()).version(original.version()).doc(original.doc());
        if (original.parameters() != null) {
            builder.parameters(original.parameters());
        }
        if (original.isOptional()) {
            builder.optional();
        }
        return builder.build();
    }

    private record Leaf(Strategy.Bound bound, LongAdder masked) implements Node {
        @Override
        public Schema schema() {
            return bound.schema();
        }

        @Override
        public Object apply(Object value) {
            if (value == null) {
                return null;
            }
            masked.increment();
            return bound.mask().apply(value);
        }
    }

    /** A field the rule's strategy cannot mask: records with a value there fail (null stays null). */
    private record Fail(Schema schema, MaskFailure failure) implements Node {
        @Override
        public Object apply(Object value) {
            if (value == null) {
                return null;
            }
            throw failure;
        }
    }

    private static final class StructNode implements Node {
        private final Schema schema;
        private final Node[] nodes;
        private final Field[] inFields;
        private final Field[] outFields;
        /** Fields with a default, read by name so a null stays null rather than becoming the default. */
        private final boolean[] hasDefault;

        StructNode(Schema in, Schema schema, Node[] nodes) {
            this.schema = schema;
            this.nodes = nodes;
            this.inFields = in.fields().toArray(Field[]::new);
            this.outFields = schema.fields().toArray(Field[]::new);
            this.hasDefault = new boolean[inFields.length];
            for (int i = 0; i < inFields.length; i++) {
                hasDefault[i] = inFields[i].schema().defaultValue() != null;
            }
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        public Object apply(Object value) {
            if (value == null) {
                return null;
            }
            Struct in = (Struct) value;
            Struct out = new Struct(schema);
            for (int i = 0; i < nodes.length; i++) {
                Object v = hasDefault[i] ? in.getWithoutDefault(inFields[i].name()) : in.get(inFields[i]);
                out.put(outFields[i], nodes[i] == null ? v : nodes[i].apply(v));
            }
            return out;
        }
    }

    private record ArrayNode(Schema schema, Node element) implements Node {
        @Override
        public Object apply(Object value) {
            if (value == null) {
                return null;
            }
            List<?> in = (List<?>) value;
            List<Object> out = new ArrayList<>(in.size());
            for (Object e : in) {
                out.add(element.apply(e));
            }
            return out;
        }
    }

    private record MapNode(Schema schema, Node all, Map<String, Node> keyed) implements Node {
        @Override
        public Object apply(Object value) {
            if (value == null) {
                return null;
            }
            Map<?, ?> in = (Map<?, ?>) value;
            Map<Object, Object> out = new LinkedHashMap<>(in.size() * 2);
            for (Map.Entry<?, ?> e : in.entrySet()) {
                Node n = keyed.getOrDefault(String.valueOf(e.getKey()), all);
                out.put(e.getKey(), n == null ? e.getValue() : n.apply(e.getValue()));
            }
            return out;
        }
    }
}
