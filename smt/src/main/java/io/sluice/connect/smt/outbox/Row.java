package io.sluice.connect.smt.outbox;

import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/** One outbox row, with or without a schema: a plain row polled from the table, or the {@code after} of a change. */
final class Row {

    private final Struct struct;
    private final Map<?, ?> map;

    private Row(Struct struct, Map<?, ?> map) {
        this.struct = struct;
        this.map = map;
    }

    /** The row in a value, or null when the value is neither a Struct nor a Map. */
    static Row of(Object value) {
        if (value instanceof Struct s) {
            return new Row(s, null);
        }
        if (value instanceof Map<?, ?> m) {
            return new Row(null, m);
        }
        return null;
    }

    boolean has(String column) {
        return struct != null ? struct.schema().field(column) != null : map.containsKey(column);
    }

    Object get(String column) {
        if (struct != null) {
            Field f = struct.schema().field(column);
            return f == null ? null : struct.getWithoutDefault(column);
        }
        return map.get(column);
    }

    /** The column's schema, or null without one. */
    Schema schema(String column) {
        if (struct == null) {
            return null;
        }
        Field f = struct.schema().field(column);
        return f == null ? null : f.schema();
    }

    boolean hasSchema() {
        return struct != null;
    }
}
