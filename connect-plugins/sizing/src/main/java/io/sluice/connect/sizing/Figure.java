package io.sluice.connect.sizing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One computed figure and why it is what it is.
 *
 * @param name      stable identifier, e.g. {@code brokers} or {@code bound.network.out}
 * @param value     the figure in base units (a count, bytes, bytes/s, cores)
 * @param display   the figure for people, with its unit
 * @param binding   the constraint that decides it (for a bound: what it protects)
 * @param formula   the formula in symbols
 * @param explained the formula with this workload's numbers filled in
 */
public record Figure(String name, double value, String display, String binding, String formula, String explained) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("value", value == Math.rint(value) ? (Object) (long) value : (Object) value);
        m.put("display", display);
        m.put("binding", binding);
        m.put("formula", formula);
        m.put("explained", explained);
        return m;
    }
}
