package io.sluice.connect.common.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * A path to fields inside a record key or value, the same for records with a schema ({@code Struct}) and without one
 * ({@code Map}, schemaless JSON).
 *
 * <pre>
 *   customer.contact.email   nested fields (or map keys)
 *   contacts[*].phone        every element of an array (or every value of a map), then a field of each
 *   after.ssn                a field inside a Debezium-style change envelope
 *   `a.b`.c                  back-quotes for a name holding '.', '[' or ']'
 *   $                        the whole key or value
 * </pre>
 */
public final class FieldPath {

    /** One step down the tree. */
    public sealed interface Step permits Field, Each {
    }

    /** A struct field or map entry by name. */
    public record Field(String name) implements Step {
        @Override
        public String toString() {
            for (int i = 0; i < name.length(); i++) {
                if (".[]`$".indexOf(name.charAt(i)) >= 0) {
                    return "`" + name + "`";
                }
            }
            return name;
        }
    }

    /** Every element of an array, or every value of a map. */
    public record Each() implements Step {
        @Override
        public String toString() {
            return "[*]";
        }
    }

    private static final FieldPath ROOT = new FieldPath(List.of());

    private final List<Step> steps;

    private FieldPath(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException saying where the text goes wrong and what is expected there
     */
    public static FieldPath parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equals("$")) {
            return ROOT;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty path; write a field name such as customer.email, or $ for the whole record part");
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        boolean expectName = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (expectName) {
                if (c == '`') {
                    int end = s.indexOf('`', i + 1);
                    if (end < 0) {
                        throw error(s, i, "unclosed back-quote");
                    }
                    if (end == i + 1) {
                        throw error(s, i, "empty quoted name");
                    }
                    steps.add(new Field(s.substring(i + 1, end)));
                    i = end + 1;
                } else {
                    int start = i;
                    while (i < s.length() && ".[]`".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    if (i == start) {
                        throw error(s, i, "expected a field name");
                    }
                    String name = s.substring(start, i);
                    if (!name.equals(name.trim())) {
                        throw error(s, start, "field name with leading or trailing spaces; quote it with back-quotes");
                    }
                    steps.add(new Field(name));
                }
                expectName = false;
            } else if (s.startsWith("[*]", i)) {
                steps.add(new Each());
                i += 3;
            } else if (c == '.') {
                i++;
                expectName = true;
                if (i == s.length()) {
                    throw error(s, i, "expected a field name after '.'");
                }
            } else if (c == '[') {
                throw error(s, i, "only [*] (every element) is supported inside brackets");
            } else {
                throw error(s, i, "expected '.', '[*]' or the end");
            }
        }
        return new FieldPath(steps);
    }

    private static IllegalArgumentException error(String path, int at, String what) {
        return new IllegalArgumentException("bad field path '" + path + "' at position " + (at + 1) + ": " + what);
    }

    /** The whole key or value ({@code $}). */
    public static FieldPath root() {
        return ROOT;
    }

    public List<Step> steps() {
        return steps;
    }

    public boolean isRoot() {
        return steps.isEmpty();
    }

    /** True if this path equals {@code other} or leads to a field inside it, e.g. {@code a} and {@code a.b}. */
    public boolean overlaps(FieldPath other) {
        int n = Math.min(steps.size(), other.steps.size());
        return steps.subList(0, n).equals(other.steps.subList(0, n));
    }

    /** A place the path reached in a value: its concrete path, schema (null without one), value, and whether it exists. */
    public record Reached(String path, Schema schema, Object value, boolean present) {
    }

    /**
     * Everything this path reaches in a key or value, with or without a schema: one entry per array element or map
     * value for {@code [*]}, and an entry with {@code present=false} where the path stops (a missing field or key, or
     * a null on the way). An empty array or map reaches nothing.
     */
    public List<Reached> resolve(Schema schema, Object value) {
        List<Reached> out = new ArrayList<>(2);
        resolve(0, schema, value, new StringBuilder(), out);
        return out;
    }

    private void resolve(int depth, Schema schema, Object value, StringBuilder path, List<Reached> out) {
        if (depth == steps.size()) {
            out.add(new Reached(path.length() == 0 ? "$" : path.toString(), schema, value, true));
            return;
        }
        Step step = steps.get(depth);
        int mark = path.length();
        if (value == null) {
            out.add(new Reached(rest(path, depth), null, null, false));
            return;
        }
        if (step instanceof Field f) {
            path.append(mark == 0 ? "" : ".").append(f);
            if (value instanceof Struct struct) {
                org.apache.kafka.connect.data.Field field = struct.schema().field(f.name());
                if (field == null) {
                    out.add(new Reached(rest(path, depth + 1), null, null, false));
                } else {
                    resolve(depth + 1, field.schema(), struct.getWithoutDefault(f.name()), path, out);
                }
            } else if (value instanceof Map<?, ?> map && map.containsKey(f.name())) {
                resolve(depth + 1, schema == null ? null : schema.valueSchema(), map.get(f.name()), path, out);
            } else {
                out.add(new Reached(rest(path, depth + 1), null, null, false));
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                path.append('[').append(i).append(']');
                resolve(depth + 1, schema == null ? null : schema.valueSchema(), list.get(i), path, out);
                path.setLength(mark);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                path.append('[').append(e.getKey()).append(']');
                resolve(depth + 1, schema == null ? null : schema.valueSchema(), e.getValue(), path, out);
                path.setLength(mark);
            }
        } else {
            out.add(new Reached(rest(path, depth), null, null, false));
        }
        path.setLength(mark);
    }

    /** The concrete path so far plus the steps not taken, for a place the path did not reach. */
    private String rest(StringBuilder path, int from) {
        StringBuilder b = new StringBuilder(path);
        for (Step step : steps.subList(from, steps.size())) {
            if (step instanceof Field && b.length() > 0) {
                b.append('.');
            }
            b.append(step);
        }
        return b.length() == 0 ? "$" : b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath p && p.steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return steps.hashCode();
    }

    @Override
    public String toString() {
        if (steps.isEmpty()) {
            return "$";
        }
        StringBuilder b = new StringBuilder();
        for (Step step : steps) {
            if (step instanceof Field && b.length() > 0) {
                b.append('.');
            }
            b.append(step);
        }
        return b.toString();
    }
}
