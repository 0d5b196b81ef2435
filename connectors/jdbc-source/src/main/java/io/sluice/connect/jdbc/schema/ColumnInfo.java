package io.sluice.connect.jdbc.schema;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * One result column as the driver describes it; {@code binary} when the driver receives its values in the
 * database's binary wire format (a dialect may decode those bytes itself).
 */
public record ColumnInfo(String name, int jdbcType, String typeName, int precision, int scale, boolean signed,
                         boolean optional, boolean binary) {

    static ColumnInfo of(ResultSetMetaData md, int index, boolean binary) throws SQLException {
        return new ColumnInfo(md.getColumnLabel(index), md.getColumnType(index), md.getColumnTypeName(index),
                md.getPrecision(index), md.getScale(index), md.isSigned(index),
                md.isNullable(index) != ResultSetMetaData.columnNoNulls, binary);
    }

    public ColumnInfo asOptional() {
        return new ColumnInfo(name, jdbcType, typeName, precision, scale, signed, true, binary);
    }
}
