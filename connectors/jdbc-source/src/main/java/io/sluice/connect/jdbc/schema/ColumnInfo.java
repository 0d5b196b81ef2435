package io.sluice.connect.jdbc.schema;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** One result column as the driver describes it. */
public record ColumnInfo(String name, int jdbcType, String typeName, int precision, int scale, boolean signed,
                         boolean optional) {

    static ColumnInfo of(ResultSetMetaData md, int index) throws SQLException {
        return new ColumnInfo(md.getColumnLabel(index), md.getColumnType(index), md.getColumnTypeName(index),
                md.getPrecision(index), md.getScale(index), md.isSigned(index),
                md.isNullable(index) != ResultSetMetaData.columnNoNulls);
    }
}
