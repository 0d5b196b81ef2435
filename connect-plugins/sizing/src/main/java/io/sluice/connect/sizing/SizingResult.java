package io.sluice.connect.sizing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sizer concluded: the figures in order (brokers first), the lower bounds the broker count was taken from,
 * and warnings about risky choices in the workload.
 */
public final class SizingResult {

    private final Map<String, String> workload;
    private final List<Figure> bounds;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    SizingResult(Map<String, String> workload, List<Figure> bounds) {
        this.workload = workload;
        this.bounds = List.copyOf(bounds);
    }

    void add(Figure f) {
        figures.put(f.name(), f);
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    /** The workload as sized, defaults included. */
    public Map<String, String> workload() {
        return workload;
    }

    /** Each lower bound on the broker count; the largest one binds. */
    public List<Figure> bounds() {
        return bounds;
    }

    /** The figures by name, in presentation order. */
    public Map<String, Figure> figures() {
        return figures;
    }

    public Figure figure(String name) {
        Figure f = figures.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no figure " + name + "; have " + figures.keySet());
        }
        return f;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** A tree of plain maps and lists, for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload);
        List<Object> fs = new ArrayList<>();
        figures.values().forEach(f -> fs.add(f.toMap()));
        m.put("figures", fs);
        List<Object> bs = new ArrayList<>();
        bounds.forEach(b -> bs.add(b.toMap()));
        m.put("brokerBounds", bs);
        m.put("warnings", warnings);
        return m;
    }
}
