package io.sluice.connect.jdbc.source;

import java.util.StringJoiner;

/** A table as the database's metadata names it; catalog and schema may be null. */
public record TableId(String catalog, String schema, String table) {

    /**
     * Unquoted {@code catalog.schema.table} of the parts present: the name in Confluent's offset partitions, and
     * what table lists and mappings match against.
     */
    public String qualified() {
        StringJoiner j = new StringJoiner(".");
        if (catalog != null && !catalog.isEmpty()) {
            j.add(catalog);
        }
        if (schema != null && !schema.isEmpty()) {
            j.add(schema);
        }
        return j.add(table).toString();
    }

    /** Parses {@link #qualified()} back; a two-part name is schema.table unless {@code twoPartIsCatalog}. */
    public static TableId parse(String qualified, boolean twoPartIsCatalog) {
        String[] parts = qualified.split("\\.", 3);
        return switch (parts.length) {
            case 1 -> new TableId(null, null, parts[0]);
            case 2 -> twoPartIsCatalog ? new TableId(parts[0], null, parts[1]) : new TableId(null, parts[0], parts[1]);
            default -> new TableId(parts[0], parts[1], parts[2]);
        };
    }

    @Override
    public String toString() {
        return qualified();
    }
}
