package io.sluice.connect.common.rules;

import io.sluice.connect.common.path.FieldPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One entry of a rule list as transforms take it in a single config value: {@code path=name} or
 * {@code path=name(arguments)}, entries separated by commas outside parentheses:
 *
 * <pre>
 * ssn=redact, card=partial(first=6,last=4), email=regex(^[^@]+@[^@]+$), amount=range(0,10000)
 * </pre>
 *
 * A backslash escapes the next character, so a regular expression may hold an unbalanced {@code \(}. The arguments
 * are kept both as written ({@link #raw}) and split at commas into positional and {@code key=value} ones.
 *
 * @param path  where the rule applies
 * @param name  what the rule does, lower-cased ({@code redact}, {@code regex}, ...)
 * @param raw   the text inside the parentheses as written, or empty
 * @param args  positional arguments
 * @param named {@code key=value} arguments, in the order written
 * @param text  the whole rule as written, for messages
 */
public record PathRule(FieldPath path, String name, String raw, List<String> args, Map<String, String> named, String text) {

    @Override
    public String toString() {
        return text;
    }

    /**
     * Parses a rule list.
     *
     * @throws IllegalArgumentException naming the rule at fault and what would fix it
     */
    public static List<PathRule> parseList(String text) {
        List<PathRule> rules = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return rules;
        }
        for (String part : split(text, ',', true)) {
            if (!part.isBlank()) {
                rules.add(parse(part.trim()));
            }
        }
        return rules;
    }

    /** Parses one rule. */
    public static PathRule parse(String rule) {
        int eq = indexOf(rule, '=');
        if (eq < 0) {
            throw new IllegalArgumentException("rule '" + rule + "' has no '='; write path=name, e.g. customer.email=hash");
        }
        FieldPath path;
        try {
            path = FieldPath.parse(rule.substring(0, eq));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + rule + "': " + e.getMessage());
        }
        String spec = rule.substring(eq + 1).trim();
        String name = spec;
        String raw = "";
        int open = spec.indexOf('(');
        if (open >= 0) {
            if (!spec.endsWith(")")) {
                throw new IllegalArgumentException("rule '" + rule + "': unclosed '(' in '" + spec + "'");
            }
            name = spec.substring(0, open).trim();
            raw = spec.substring(open + 1, spec.length() - 1);
        }
        if (!name.matches("[A-Za-z][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("rule '" + rule + "': '" + name + "' is not a rule name");
        }
        List<String> args = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        if (!raw.isBlank()) {
            for (String a : split(raw, ',', false)) {
                String arg = a.trim();
                int aeq = arg.indexOf('=');
                if (aeq > 0 && arg.substring(0, aeq).matches("[a-z.]+")) {
                    named.put(arg.substring(0, aeq), arg.substring(aeq + 1));
                } else {
                    args.add(arg);
                }
            }
        }
        return new PathRule(path, name.toLowerCase(Locale.ROOT), raw, List.copyOf(args), Collections.unmodifiableMap(named), rule);
    }

    /** Splits at {@code sep} outside back-quotes (and, at top level, outside parentheses), honouring backslashes. */
    private static List<String> split(String text, char sep, boolean topLevel) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '`') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (!quoted && c == sep && (!topLevel || depth == 0)) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static int indexOf(String s, char target) {
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
