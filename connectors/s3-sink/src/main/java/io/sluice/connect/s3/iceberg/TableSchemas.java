package io.sluice.connect.s3.iceberg;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.avro.AvroSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;

/**
 * The two schema translations a table needs: a row's Avro schema as an Iceberg schema (for creating and evolving
 * the table), and a Parquet file schema annotated with the table's field ids, so that readers match columns by id,
 * as Iceberg's spec asks, and renamed columns keep their data.
 */
public final class TableSchemas {

    private TableSchemas() {
    }

    /**
     * The Iceberg schema of rows written with {@code row} (ids are placeholders; the catalog assigns its own).
     * Connect timestamps are instants, so they become {@code timestamptz}.
     */
    public static Schema toIceberg(org.apache.avro.Schema row) {
        Schema converted = AvroSchemaUtil.toIceberg(row);
        return new Schema(withZone(converted.asStruct()).fields());
    }

    private static Types.StructType withZone(Types.StructType struct) {
        List<Types.NestedField> fields = new ArrayList<>();
        for (Types.NestedField f : struct.fields()) {
            fields.add(Types.NestedField.builder().withId(f.fieldId()).withName(f.name())
                    .isOptional(f.isOptional()).ofType(withZone(f.type())).withDoc(f.doc()).build());
        }
        return Types.StructType.of(fields);
    }

    private static Type withZone(Type type) {
        return switch (type.typeId()) {
            case TIMESTAMP -> Types.TimestampType.withZone();
            case STRUCT -> withZone(type.asStructType());
            case LIST -> {
                Types.ListType list = type.asListType();
                Type element = withZone(list.elementType());
                yield list.isElementOptional() ? Types.ListType.ofOptional(list.elementId(), element)
                        : Types.ListType.ofRequired(list.elementId(), element);
            }
            case MAP -> {
                Types.MapType map = type.asMapType();
                Type value = withZone(map.valueType());
                yield map.isValueOptional()
                        ? Types.MapType.ofOptional(map.keyId(), map.valueId(), withZone(map.keyType()), value)
                        : Types.MapType.ofRequired(map.keyId(), map.valueId(), withZone(map.keyType()), value);
            }
            default -> type;
        };
    }

    /** Names of {@code fileSchema}'s columns, nested ones dotted, that {@code table} does not have. */
    public static List<String> missingFrom(Schema table, Schema fileSchema) {
        List<String> missing = new ArrayList<>();
        for (String name : TypeUtil.indexByName(fileSchema.asStruct()).keySet()) {
            if (table.findField(name) == null) {
                missing.add(name);
            }
        }
        missing.sort(null);
        return missing;
    }

    /**
     * {@code file} with each column's id set to the id of the table's column of the same name (list elements and map
     * keys and values too). A column the table lacks keeps no id: readers then do not see it.
     */
    public static MessageType withIds(MessageType file, Schema table) {
        return new MessageType(file.getName(), fields(file, table.asStruct()));
    }

    private static List<org.apache.parquet.schema.Type> fields(GroupType group, Types.StructType struct) {
        List<org.apache.parquet.schema.Type> out = new ArrayList<>(group.getFieldCount());
        for (org.apache.parquet.schema.Type column : group.getFields()) {
            Types.NestedField field = struct.field(column.getName());
            out.add(field == null ? column : withIds(column, field.type()).withId(field.fieldId()));
        }
        return out;
    }

    private static org.apache.parquet.schema.Type withIds(org.apache.parquet.schema.Type column, Type type) {
        if (column.isPrimitive()) {
            return column;
        }
        GroupType group = column.asGroupType();
        return switch (type.typeId()) {
            case STRUCT -> group.withNewFields(fields(group, type.asStructType()));
            case LIST -> { // <list> (LIST) { repeated group list { <element> } }
                Types.ListType list = type.asListType();
                GroupType repeated = group.getType(0).asGroupType();
                org.apache.parquet.schema.Type element = repeated.getType(0);
                yield group.withNewFields(repeated.withNewFields(
                        withIds(element, list.elementType()).withId(list.elementId())));
            }
            case MAP -> { // <map> (MAP) { repeated group key_value { key; value } }
                Types.MapType map = type.asMapType();
                GroupType repeated = group.getType(0).asGroupType();
                yield group.withNewFields(repeated.withNewFields(
                        withIds(repeated.getType(0), map.keyType()).withId(map.keyId()),
                        withIds(repeated.getType(1), map.valueType()).withId(map.valueId())));
            }
            default -> group;
        };
    }
}
