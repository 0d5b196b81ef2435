package io.sluice.connect.s3.avro;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Field;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect schema to Avro schema, as parquet-avro needs it.
 *
 * <p>Avro wants every record named, and names unique within one schema; Connect schemas are often unnamed, or reuse
 * one name for different shapes (the same struct nested twice with other fields). Records take the Connect name when
 * it is free and otherwise a name built from their path ({@code Root_address_geo}), suffixed until unique, so the
 * conversion never fails on a collision. Field names that Avro rejects are rewritten ({@code user-id} to
 * {@code user_id}); two fields that would then collide get a numeric suffix.
 *
 * <p>What Confluent's converters mark keeps its Avro form, as Confluent's own Avro conversion writes it (so Parquet
 * from either sink has one shape): a struct named {@value #UNION} (a union from the AvroConverter, one optional field
 * per branch) becomes the union of its branches, which Parquet writes as a group of {@code member0..memberN}; a string
 * with the {@value #ENUM} parameter becomes an Avro enum of the symbols in its {@code io.confluent.connect.avro.Enum.*}
 * parameters (Parquet {@code ENUM}), or stays a string when a symbol is no Avro name.
 *
 * <p>Optional schemas become {@code [null, T]} unions with a null default. Logical types: Connect Decimal to
 * {@code decimal(precision, scale)} on bytes (precision from {@code connect.decimal.precision}, else
 * {@value #DEFAULT_DECIMAL_PRECISION}), Date, Time (millis) and Timestamp (millis), and Debezium's time types to their
 * micro and nano counterparts. Maps with string keys become Avro maps, other maps arrays of key/value records.
 */
public final class AvroSchemas {

    public static final int DEFAULT_DECIMAL_PRECISION = 38;
    /** The Connect name Confluent's AvroConverter gives a union. */
    public static final String UNION = "io.confluent.connect.avro.Union";
    /** The Connect parameter naming an enum from Confluent's AvroConverter; its symbols follow as {@code ENUM.<symbol>}. */
    public static final String ENUM = "io.confluent.connect.avro.Enum";
    static final String DECIMAL_PRECISION_PARAM = "connect.decimal.precision";
    private static final String ROOT = "ConnectRecord";

    private final Set<String> usedNames = new HashSet<>();
    private final boolean enums;

    private AvroSchemas(boolean enums) {
        this.enums = enums;
    }

    /** The Avro schema of a record value (or key) whose Connect schema is {@code schema}. */
    public static Schema toAvro(org.apache.kafka.connect.data.Schema schema) {
        return toAvro(schema, true);
    }

    /** As {@link #toAvro(org.apache.kafka.connect.data.Schema)}; {@code enums} false keeps enums plain strings. */
    public static Schema toAvro(org.apache.kafka.connect.data.Schema schema, boolean enums) {
        return new AvroSchemas(enums).convert(schema, ROOT);
    }

    private Schema convert(org.apache.kafka.connect.data.Schema schema, String path) {
        if (isUnion(schema)) {
            return union(schema, path);
        }
        Schema avro = required(schema, path);
        return schema.isOptional() ? optional(avro) : avro;
    }

    /** A struct standing for a union (Confluent's AvroConverter names it {@value #UNION}). */
    public static boolean isUnion(org.apache.kafka.connect.data.Schema schema) {
        return schema.type() == org.apache.kafka.connect.data.Schema.Type.STRUCT && UNION.equals(schema.name());
    }

    /** The branches in field order, null first when the union itself is optional. */
    private Schema union(org.apache.kafka.connect.data.Schema schema, String path) {
        List<Schema> branches = new ArrayList<>(schema.fields().size() + 1);
        if (schema.isOptional()) {
            branches.add(Schema.create(Schema.Type.NULL));
        }
        for (org.apache.kafka.connect.data.Field f : schema.fields()) {
            branches.add(required(f.schema(), path + "_" + identifier(f.name())));
        }
        return Schema.createUnion(branches);
    }

    static Schema optional(Schema avro) {
        return avro.getType() == Schema.Type.UNION ? avro : Schema.createUnion(Schema.create(Schema.Type.NULL), avro);
    }

    private Schema required(org.apache.kafka.connect.data.Schema schema, String path) {
        String name = schema.name();
        if (name != null) {
            Schema logical = logical(schema, name);
            if (logical != null) {
                return logical;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32 -> Schema.create(Schema.Type.INT);
            case INT64 -> Schema.create(Schema.Type.LONG);
            case FLOAT32 -> Schema.create(Schema.Type.FLOAT);
            case FLOAT64 -> Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case STRING -> enums && schema.parameters() != null && schema.parameters().containsKey(ENUM)
                    ? enumeration(schema, path) : Schema.create(Schema.Type.STRING);
            case BYTES -> Schema.create(Schema.Type.BYTES);
            case ARRAY -> Schema.createArray(convert(schema.valueSchema(), path + "_item"));
            case MAP -> map(schema, path);
            case STRUCT -> record(schema, path);
        };
    }

    private Schema logical(org.apache.kafka.connect.data.Schema schema, String name) {
        switch (name) {
            case Decimal.LOGICAL_NAME -> {
                Map<String, String> params = schema.parameters();
                int scale = Integer.parseInt(params.get(Decimal.SCALE_FIELD));
                String p = params.get(DECIMAL_PRECISION_PARAM);
                int precision = p == null ? Math.max(DEFAULT_DECIMAL_PRECISION, scale) : Integer.parseInt(p);
                return LogicalTypes.decimal(precision, scale).addToSchema(Schema.create(Schema.Type.BYTES));
            }
            case Date.LOGICAL_NAME, "io.debezium.time.Date" -> {
                return schema.type() == org.apache.kafka.connect.data.Schema.Type.INT32
                        ? LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)) : null;
            }
            case Time.LOGICAL_NAME, "io.debezium.time.Time" -> {
                return schema.type() == org.apache.kafka.connect.data.Schema.Type.INT32
                        ? LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT)) : null;
            }
            case Timestamp.LOGICAL_NAME, "io.debezium.time.Timestamp" -> {
                return int64(schema) ? LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)) : null;
            }
            case "io.debezium.time.MicroTime" -> {
                return int64(schema) ? LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG)) : null;
            }
            case "io.debezium.time.MicroTimestamp" -> {
                return int64(schema) ? LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)) : null;
            }
            case "io.debezium.time.NanoTimestamp" -> {
                return int64(schema) ? LogicalTypes.timestampNanos().addToSchema(Schema.create(Schema.Type.LONG)) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private Schema enumeration(org.apache.kafka.connect.data.Schema schema, String path) {
        List<String> symbols = new ArrayList<>();
        schema.parameters().forEach((key, value) -> {
            if (key.startsWith(ENUM + ".")) {
                symbols.add(value);
            }
        });
        if (symbols.isEmpty() || !symbols.stream().allMatch(AvroSchemas::isAvroName)) {
            return Schema.create(Schema.Type.STRING); // Avro cannot name such symbols: the text is kept as is
        }
        String fullName = uniqueName(schema.parameters().get(ENUM), path);
        int dot = fullName.lastIndexOf('.');
        return Schema.createEnum(fullName.substring(dot + 1), schema.doc(), dot < 0 ? null : fullName.substring(0, dot),
                symbols);
    }

    private static boolean isAvroName(String s) {
        return identifier(s).equals(s);
    }

    private static boolean int64(org.apache.kafka.connect.data.Schema schema) {
        return schema.type() == org.apache.kafka.connect.data.Schema.Type.INT64;
    }

    private Schema map(org.apache.kafka.connect.data.Schema schema, String path) {
        org.apache.kafka.connect.data.Schema key = schema.keySchema();
        if (key.type() == org.apache.kafka.connect.data.Schema.Type.STRING && key.name() == null) {
            return Schema.createMap(convert(schema.valueSchema(), path + "_value"));
        }
        // Avro maps only have string keys: other maps are written as arrays of key/value pairs.
        String entryName = uniqueName(null, path + "_entry");
        List<Field> fields = List.of(field("key", convert(key, path + "_key")),
                field("value", convert(schema.valueSchema(), path + "_value")));
        return Schema.createArray(Schema.createRecord(entryName, null, null, false, fields));
    }

    /** A field; a nullable one defaults to null so readers of later schema versions can fill it. */
    private static Field field(String name, Schema schema) {
        return schema.getType() == Schema.Type.UNION && schema.getTypes().get(0).getType() == Schema.Type.NULL
                ? new Field(name, schema, null, Field.NULL_DEFAULT_VALUE)
                : new Field(name, schema);
    }

    private Schema record(org.apache.kafka.connect.data.Schema schema, String path) {
        String fullName = uniqueName(schema.name(), path);
        int dot = fullName.lastIndexOf('.');
        String namespace = dot < 0 ? null : fullName.substring(0, dot);
        String simple = fullName.substring(dot + 1);
        List<Field> fields = new ArrayList<>(schema.fields().size());
        Set<String> fieldNames = new HashSet<>();
        for (org.apache.kafka.connect.data.Field f : schema.fields()) {
            String name = uniqueIn(fieldNames, identifier(f.name()));
            Schema fieldSchema = convert(f.schema(), simple + "_" + name);
            Field field = field(name, fieldSchema);
            if (!name.equals(f.name())) {
                field.addProp("connect.name", f.name());
            }
            fields.add(field);
        }
        return Schema.createRecord(simple, schema.doc(), namespace, false, fields);
    }

    /** The Connect name if it is a valid, unused Avro full name; else one derived from the path; never a repeat. */
    private String uniqueName(String connectName, String path) {
        String candidate = connectName != null ? fullName(connectName) : null;
        if (candidate == null || usedNames.contains(candidate)) {
            candidate = identifier(path);
        }
        String unique = candidate;
        for (int i = 2; !usedNames.add(unique); i++) {
            unique = candidate + "_" + i;
        }
        return unique;
    }

    private static String fullName(String connectName) {
        String[] parts = connectName.split("\\.", -1);
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty()) {
                return null;
            }
            sb.append(sb.length() == 0 ? "" : ".").append(identifier(part));
        }
        return sb.toString();
    }

    private static String uniqueIn(Set<String> used, String name) {
        String unique = name;
        for (int i = 2; !used.add(unique.toLowerCase(Locale.ROOT)); i++) {
            unique = name + "_" + i;
        }
        return unique;
    }

    /** A name Avro accepts: letters, digits and underscores, not starting with a digit. */
    private static String identifier(String text) {
        if (text.isEmpty()) {
            return "_";
        }
        StringBuilder sb = new StringBuilder(text.length() + 1);
        if (!Character.isLetter(text.charAt(0)) && text.charAt(0) != '_') {
            sb.append('_');
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return sb.toString();
    }

    /**
     * The row schema: the value record's fields followed by Kafka metadata columns {@code _kafka_<name>}
     * ({@code topic}, {@code partition}, {@code offset}, {@code timestamp}, {@code key}, {@code headers}), renamed
     * with a suffix if the value already has such a field.
     */
    public static Schema withMetadata(Schema value, List<String> metadata) {
        Schema record = AvroValues.nonNull(value);
        if (metadata.isEmpty()) {
            return record;
        }
        List<Field> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Field f : record.getFields()) {
            fields.add(new Field(f, f.schema()));
            names.add(f.name().toLowerCase(Locale.ROOT));
        }
        for (String m : metadata) {
            Schema type = switch (m) {
                case "topic" -> Schema.create(Schema.Type.STRING);
                case "partition" -> Schema.create(Schema.Type.INT);
                case "offset" -> Schema.create(Schema.Type.LONG);
                case "timestamp" -> optional(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)));
                case "key" -> optional(Schema.create(Schema.Type.STRING));
                case "headers" -> optional(Schema.createMap(optional(Schema.create(Schema.Type.STRING))));
                default -> throw new IllegalArgumentException("Unknown metadata field " + m);
            };
            fields.add(field(uniqueIn(names, "_kafka_" + m), type));
        }
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    /** Rejects a schema this converter cannot express (only a top-level non-struct value, which Parquet has no row for). */
    public static void requireStruct(org.apache.kafka.connect.data.Schema schema) {
        if (schema.type() != org.apache.kafka.connect.data.Schema.Type.STRUCT) {
            throw new DataException("Parquet rows need a struct value; this record's value schema is "
                    + schema.type() + ". Use a converter that produces structs or wrap the value with an SMT "
                    + "(for example HoistField$Value).");
        }
    }
}
