package io.sluice.connect.smt.pii;

import io.sluice.connect.common.path.FieldPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One masking rule, {@code path=strategy} or {@code path=strategy(arguments)}, and the parser for the rule list:
 *
 * <pre>
 * ssn=redact, customer.email=hash, contacts[*].phone=partial(last=4), birth_date=truncate(month),
 * salary=truncate(-3), notes=detect(email,phone), $=detect
 * </pre>
 *
 * Rules are separated by commas outside parentheses; arguments are positional or {@code name=value}.
 */
public record MaskRule(FieldPath path, String strategy, List<String> args, Map<String, String> namedArgs) {

    /** The strategies a rule may name. */
    public static final List<String> STRATEGIES = List.of("redact", "hash", "partial", "truncate", "detect");

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(args);
        namedArgs.forEach((k, v) -> all.add(k + "=" + v));
        return path + "=" + strategy + (all.isEmpty() ? "" : "(" + String.join(",", all) + ")");
    }

    /**
     * Parses a rule list.
     *
     * @throws IllegalArgumentException naming the rule at fault and what would fix it
     */
    public static List<MaskRule> parseList(String text) {
        List<MaskRule> rules = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return rules;
        }
        for (String part : splitTopLevel(text)) {
            if (part.isBlank()) {
                continue;
            }
            rules.add(parse(part.trim()));
        }
        for (int i = 0; i < rules.size(); i++) {
            for (int j = i + 1; j < rules.size(); j++) {
                if (rules.get(i).path().overlaps(rules.get(j).path())) {
                    throw new IllegalArgumentException("rules '" + rules.get(i) + "' and '" + rules.get(j)
                            + "' reach the same field; keep one rule per field");
                }
            }
        }
        return rules;
    }

    static MaskRule parse(String rule) {
        int eq = indexOutsideQuotes(rule, '=');
        if (eq < 0) {
            throw new IllegalArgumentException("rule '" + rule + "' has no '='; write path=strategy, e.g. customer.email=hash");
        }
        FieldPath path;
        try {
            path = FieldPath.parse(rule.substring(0, eq));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + rule + "': " + e.getMessage());
        }
        String spec = rule.substring(eq + 1).trim();
        String name = spec;
        List<String> args = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        int open = spec.indexOf('(');
        if (open >= 0) {
            if (!spec.endsWith(")")) {
                throw new IllegalArgumentException("rule '" + rule + "': unclosed '(' in '" + spec + "'");
            }
            name = spec.substring(0, open).trim();
            String inner = spec.substring(open + 1, spec.length() - 1);
            if (!inner.isBlank()) {
                for (String a : inner.split(",", -1)) {
                    String arg = a.trim();
                    int aeq = arg.indexOf('=');
                    if (aeq > 0 && arg.substring(0, aeq).matches("[a-z.]+")) {
                        named.put(arg.substring(0, aeq), arg.substring(aeq + 1));
                    } else {
                        args.add(arg);
                    }
                }
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        if (!STRATEGIES.contains(name)) {
            throw new IllegalArgumentException("rule '" + rule + "': unknown strategy '" + name + "'; use one of " + String.join(", ", STRATEGIES));
        }
        return new MaskRule(path, name, List.copyOf(args), java.util.Collections.unmodifiableMap(named));
    }

    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '`') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (!quoted && depth == 0 && c == ',') {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static int indexOutsideQuotes(String s, char target) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '`') {
                quoted = !quoted;
            } else if (!quoted && c == target) {
                return i;
            }
        }
        return -1;
    }
}
