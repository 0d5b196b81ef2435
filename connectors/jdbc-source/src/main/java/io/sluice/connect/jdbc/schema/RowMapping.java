package io.sluice.connect.jdbc.schema;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A result's columns as a Connect struct schema plus one reader per column. Built from the result's metadata on
 * every execution (cheap), and reused while the columns stay the same, so added, dropped or widened columns take
 * effect at the next query without a restart.
 */
public final class RowMapping {

    private final List<ColumnInfo> columns;
    private final Schema schema;
    private final ColumnReader.Read[] reads;

    private RowMapping(List<ColumnInfo> columns, Schema schema, ColumnReader.Read[] reads) {
        this.columns = columns;
        this.schema = schema;
        this.reads = reads;
    }

    /** The mapping for {@code md}: {@code previous} when the columns are unchanged, else a new one. */
    public static RowMapping of(ResultSetMetaData md, String schemaName, TypeMapping types, RowMapping previous)
            throws SQLException {
        List<ColumnInfo> columns = new ArrayList<>(md.getColumnCount());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(types.column(md, i));
        }
        if (previous != null && previous.columns.equals(columns)) {
            return previous;
        }
        SchemaBuilder struct = SchemaBuilder.struct().name(schemaName);
        ColumnReader.Read[] reads = new ColumnReader.Read[columns.size()];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo c = columns.get(i);
            if (!seen.add(c.name())) {
                throw new ConnectException("The result of '" + schemaName + "' has two columns named '" + c.name()
                        + "': give them distinct aliases in the query");
            }
            ColumnReader reader = types.reader(c);
            struct.field(c.name(), reader.schema());
            reads[i] = reader.read();
        }
        return new RowMapping(List.copyOf(columns), struct.build(), reads);
    }

    public Schema schema() {
        return schema;
    }

    public List<ColumnInfo> columns() {
        return columns;
    }

    /** 1-based index of the column named {@code name} (exact, then case-insensitive), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i + 1;
            }
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The current row as a struct of {@link #schema()}. */
    public Struct read(ResultSet rs) throws SQLException {
        Struct s = new Struct(schema);
        Object[] values = StructValues.of(s);
        List<org.apache.kafka.connect.data.Field> fields = schema.fields();
        for (int i = 0; i < reads.length; i++) {
            Object v = reads[i].from(rs, i + 1);
            if (v == null && !fields.get(i).schema().isOptional()) {
                throw new ConnectException("Column '" + fields.get(i).name() + "' of '" + schema.name()
                        + "' is declared NOT NULL but returned NULL");
            }
            if (values != null) {
                values[i] = v;
            } else {
                s.put(fields.get(i), v);
            }
        }
        return s;
    }
}
