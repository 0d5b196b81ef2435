package io.sluice.connect.smt.pii;

import io.sluice.connect.common.path.FieldPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Masks records without a schema (maps, lists and plain values, as from schemaless JSON). A path that does not exist
 * leaves the value as it is: nothing is inserted. Maps and lists are copied only along the paths that change, and
 * a value no rule changes comes back as the same object.
 */
final class SchemalessMasker {

    private final List<Target> targets;
    private final Strategy fallback;
    private final LongAdder masked;

    /**
     * @param fallback applied where a rule's strategy cannot mask a value, or null to fail such records
     * @param masked   counts the values masked
     */
    SchemalessMasker(List<Target> targets, Strategy fallback, LongAdder masked) {
        this.targets = List.copyOf(targets);
        this.fallback = fallback;
        this.masked = masked;
    }

    Object apply(Object value) {
        Object out = value;
        for (Target t : targets) {
            out = walk(out, t, 0, new StringBuilder());
        }
        return out;
    }

    private Object walk(Object value, Target t, int depth, StringBuilder path) {
        if (value == null) {
            return null;
        }
        List<FieldPath.Step> steps = t.path().steps();
        if (depth == steps.size()) {
            return mask(value, t, path.length() == 0 ? "$" : path.toString());
        }
        FieldPath.Step step = steps.get(depth);
        int mark = path.length();
        try {
            if (step instanceof FieldPath.Field f) {
                if (!(value instanceof Map<?, ?> map) || !map.containsKey(f.name())) {
                    return value;
                }
                Object child = map.get(f.name());
                Object masked = walk(child, t, depth + 1, path.append(path.length() == 0 ? "" : ".").append(f.name()));
                if (masked == child) {
                    return value;
                }
                Map<Object, Object> copy = new LinkedHashMap<>(map);
                copy.put(f.name(), masked);
                return copy;
            }
            path.append("[*]");
            if (value instanceof List<?> list) {
                List<Object> copy = null;
                for (int i = 0; i < list.size(); i++) {
                    Object child = list.get(i);
                    Object masked = walk(child, t, depth + 1, path);
                    if (masked != child && copy == null) {
                        copy = new ArrayList<>(list);
                    }
                    if (copy != null) {
                        copy.set(i, masked);
                    }
                }
                return copy == null ? value : copy;
            }
            if (value instanceof Map<?, ?> map) {
                Map<Object, Object> copy = null;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    Object masked = walk(e.getValue(), t, depth + 1, path);
                    if (masked != e.getValue()) {
                        if (copy == null) {
                            copy = new LinkedHashMap<>(map);
                        }
                        copy.put(e.getKey(), masked);
                    }
                }
                return copy == null ? value : copy;
            }
            return value;
        } finally {
            path.setLength(mark);
        }
    }

    private Object mask(Object value, Target t, String path) {
        masked.increment();
        try {
            return t.strategy().maskSchemaless(value);
        } catch (MaskException e) {
            if (fallback != null) {
                return fallback.maskSchemaless(value);
            }
            throw new MaskFailure(path, t.rule(), e.getMessage());
        }
    }
}
