package io.sluice.connect.jdbc.schema;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.kafka.connect.data.Schema;

/** A column's Connect schema and how to read its value from the current row. */
public record ColumnReader(Schema schema, Read read) {

    /** Reads the value at {@code index}; returns null for SQL NULL. */
    @FunctionalInterface
    public interface Read {
        Object from(ResultSet rs, int index) throws SQLException;
    }
}
