package io.sluice.connect.sizing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Workloads in (JSON or YAML) and results out (JSON or a text report): the one format shared by CLI and REST. */
public final class SizingFormat {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SizingFormat() {
    }

    /**
     * Reads a workload document: a JSON or YAML mapping of field names to values. Nested mappings are flattened with
     * dots, so {@code write: {throughput: {avg: 50MB/s}}} equals {@code write.throughput.avg: 50MB/s}.
     */
    public static Map<String, Object> readWorkload(String document) {
        Object tree;
        try {
            tree = YAML.readValue(document, Object.class);
        } catch (JsonProcessingException e) {
            throw new SizingException("workload", "not a JSON or YAML document: " + e.getOriginalMessage());
        }
        if (tree == null) {
            return new LinkedHashMap<>();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new SizingException("workload", "expected a mapping of field names to values, got " + tree.getClass().getSimpleName());
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", map, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (e.getValue() instanceof List<?>) {
                throw new SizingException(key, "expected a single value, got a list");
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    public static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The result as an aligned table; with {@code explain}, each figure's formula and numbers under it. */
    public static String report(SizingResult result, boolean explain) {
        StringBuilder out = new StringBuilder();
        table(out, "Figure", result.figures().values(), explain);
        out.append('\n');
        table(out, "Broker bound", result.bounds(), explain);
        if (!result.warnings().isEmpty()) {
            out.append("\nWarnings:\n");
            result.warnings().forEach(w -> out.append("  ! ").append(w).append('\n'));
        }
        return out.toString();
    }

    private static void table(StringBuilder out, String title, Iterable<Figure> figures, boolean explain) {
        int name = title.length();
        int display = "Value".length();
        for (Figure f : figures) {
            name = Math.max(name, f.name().length());
            display = Math.max(display, f.display().length());
        }
        String row = "%-" + name + "s  %-" + display + "s  %s%n";
        out.append(String.format(row, title, "Value", "Bound by"));
        out.append(String.format(row, "-".repeat(name), "-".repeat(display), "-".repeat(8)));
        for (Figure f : figures) {
            out.append(String.format(row, f.name(), f.display(), f.binding()));
            if (explain) {
                String indent = " ".repeat(name + 2);
                out.append(indent).append("= ").append(f.formula()).append('\n');
                out.append(indent).append("= ").append(f.explained()).append('\n');
            }
        }
    }
}
