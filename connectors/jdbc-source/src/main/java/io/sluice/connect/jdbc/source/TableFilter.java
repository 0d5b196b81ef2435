package io.sluice.connect.jdbc.source;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Confluent's table selection: whitelist/blacklist by name (bare, schema- or catalog-qualified, or fully
 * qualified), include/exclude lists by regular expression over the qualified name (with or without the
 * catalog) or the bare table name.
 */
public final class TableFilter {

    private final List<String> whitelist;
    private final List<String> blacklist;
    private final List<Pattern> include;
    private final List<Pattern> exclude;

    public TableFilter(List<String> whitelist, List<String> blacklist, List<String> include, List<String> exclude) {
        this.whitelist = trimmed(whitelist);
        this.blacklist = trimmed(blacklist);
        this.include = trimmed(include).stream().map(Pattern::compile).toList();
        this.exclude = trimmed(exclude).stream().map(Pattern::compile).toList();
    }

    public boolean accepts(TableId t) {
        if (!whitelist.isEmpty() && whitelist.stream().noneMatch(n -> named(t, n))) {
            return false;
        }
        if (blacklist.stream().anyMatch(n -> named(t, n))) {
            return false;
        }
        if (!include.isEmpty() && include.stream().noneMatch(p -> matches(p, t))) {
            return false;
        }
        return exclude.stream().noneMatch(p -> matches(p, t));
    }

    /** A pattern matches the fully qualified name, or the name without its catalog (schema.table), or the table. */
    private static boolean matches(Pattern p, TableId t) {
        return p.matcher(t.qualified()).matches() || p.matcher(t.table()).matches()
                || t.schema() != null && p.matcher(t.schema() + "." + t.table()).matches();
    }

    /** Whether {@code name} names {@code t}. */
    public static boolean named(TableId t, String name) {
        return name.equals(t.table()) || name.equals(t.qualified())
                || t.schema() != null && name.equals(t.schema() + "." + t.table())
                || t.catalog() != null && name.equals(t.catalog() + "." + t.table());
    }

    private static List<String> trimmed(List<String> names) {
        return names.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
