package io.sluice.connect.s3.parquet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes Avro records in exactly the layout parquet-avro gives their schema (three-level lists, {@code key_value}
 * maps, one {@code memberN} group per union branch, the Avro schema in the footer), through a tree of column writers
 * built once per schema. parquet-avro's own write support decides each value's path at run time (nullable unwrap,
 * logical-type conversion lookup, type switch); for a sink writing millions of rows of one schema that dispatch was a
 * sixth of the write thread. {@code RecordWriteSupportTest} checks that both give the same bytes.
 */
final class RecordWriteSupport extends WriteSupport<IndexedRecord> {

    /** The footer key parquet-avro's readers take the Avro schema from. */
    static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

    private final Schema avro;
    private final MessageType parquet;
    private final Fields root;
    private RecordConsumer out;

    RecordWriteSupport(Schema avro, MessageType parquet) {
        this.avro = avro;
        this.parquet = parquet;
        this.root = new Fields(parquet, avro);
    }

    /** The Parquet schema parquet-avro derives from {@code avro} (standard three-level lists). */
    static MessageType parquetSchema(Schema avro, ParquetConfiguration conf) {
        return new AvroSchemaConverter(conf).convert(avro);
    }

    @Override
    public WriteContext init(Configuration configuration) {
        throw new UnsupportedOperationException("Configured without Hadoop: use init(ParquetConfiguration)");
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(parquet, Map.of(AVRO_SCHEMA_KEY, avro.toString()));
    }

    /** The object model the footer names: readers treat the file as parquet-avro's, which it is byte for byte. */
    @Override
    public String getName() {
        return "avro";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(IndexedRecord record) {
        out.startMessage();
        root.write(out, record);
        out.endMessage();
    }

    /** Writes one non-null value of a column (or group of columns). */
    @FunctionalInterface
    private interface ValueWriter {
        void write(RecordConsumer out, Object value);
    }

    private static ValueWriter writer(Type type, Schema schema) {
        Schema avro = AvroSchemaConverter.getNonNull(schema); // [null, T] is T; other unions stay unions
        return switch (avro.getType()) {
            case BOOLEAN -> (out, v) -> out.addBoolean((Boolean) v);
            case INT -> (out, v) -> out.addInteger(v instanceof Character c ? c : ((Number) v).intValue());
            case LONG -> (out, v) -> out.addLong(((Number) v).longValue());
            case FLOAT -> (out, v) -> out.addFloat(((Number) v).floatValue());
            case DOUBLE -> (out, v) -> out.addDouble(((Number) v).doubleValue());
            case FIXED -> (out, v) -> out.addBinary(Binary.fromReusedByteArray(((GenericFixed) v).bytes()));
            case BYTES -> (out, v) -> out.addBinary(v instanceof byte[] b ? Binary.fromReusedByteArray(b)
                    : Binary.fromReusedByteBuffer((ByteBuffer) v));
            case STRING -> {
                if (type.asPrimitiveType().getLogicalTypeAnnotation()
                        instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
                    throw new IllegalArgumentException("UUID columns are not written by this sink: " + type);
                }
                yield RecordWriteSupport::writeString;
            }
            case ENUM -> (out, v) -> out.addBinary(Binary.fromString(v.toString()));
            case RECORD -> {
                Fields fields = new Fields(type.asGroupType(), avro);
                yield (out, v) -> {
                    out.startGroup();
                    fields.write(out, (IndexedRecord) v);
                    out.endGroup();
                };
            }
            case ARRAY -> list(type.asGroupType(), avro);
            case MAP -> map(type.asGroupType(), avro);
            case UNION -> union(type.asGroupType(), avro);
            default -> throw new IllegalArgumentException("No Parquet column for " + avro);
        };
    }

    private static void writeString(RecordConsumer out, Object v) {
        if (v instanceof Utf8 utf8) {
            out.addBinary(Binary.fromReusedByteArray(utf8.getBytes(), 0, utf8.getByteLength()));
        } else {
            out.addBinary(Binary.fromConstantByteArray(v.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** {@code group (LIST) { repeated group list { element } }}; a null element is written as an empty group. */
    private static ValueWriter list(GroupType type, Schema avro) {
        Type element = type.getType(0).asGroupType().getType(0);
        ValueWriter elements = writer(element, avro.getElementType());
        boolean nullable = element.isRepetition(Type.Repetition.OPTIONAL);
        return (out, v) -> {
            Collection<?> items = v instanceof Collection<?> c ? c : List.of((Object[]) v);
            out.startGroup();
            if (!items.isEmpty()) {
                out.startField("list", 0);
                for (Object item : items) {
                    out.startGroup();
                    if (item != null) {
                        out.startField("element", 0);
                        elements.write(out, item);
                        out.endField("element", 0);
                    } else if (!nullable) {
                        throw new IllegalArgumentException("Null element in the array " + type.getName()
                                + ", whose elements are required");
                    }
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
        };
    }

    /** {@code group (MAP) { repeated group key_value { key; value } }}. */
    private static ValueWriter map(GroupType type, Schema avro) {
        GroupType entry = type.getType(0).asGroupType();
        Type valueType = entry.getType(1);
        ValueWriter values = writer(valueType, avro.getValueType());
        boolean nullable = valueType.isRepetition(Type.Repetition.OPTIONAL);
        return (out, v) -> {
            Map<?, ?> map = (Map<?, ?>) v;
            out.startGroup();
            if (!map.isEmpty()) {
                out.startField("key_value", 0);
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.startGroup();
                    out.startField("key", 0);
                    writeString(out, e.getKey());
                    out.endField("key", 0);
                    if (e.getValue() != null) {
                        out.startField("value", 1);
                        values.write(out, e.getValue());
                        out.endField("value", 1);
                    } else if (!nullable) {
                        throw new IllegalArgumentException("Null value in the map " + type.getName()
                                + ", whose values are required");
                    }
                    out.endGroup();
                }
                out.endField("key_value", 0);
            }
            out.endGroup();
        };
    }

    /** One {@code memberN} group per non-null branch; the branch is the one Avro resolves for the value. */
    private static ValueWriter union(GroupType type, Schema avro) {
        List<Schema> branches = avro.getTypes();
        ValueWriter[] writers = new ValueWriter[branches.size()];
        int[] members = new int[branches.size()];
        int member = 0;
        for (int i = 0; i < branches.size(); i++) {
            if (branches.get(i).getType() != Schema.Type.NULL) {
                members[i] = member;
                writers[i] = writer(type.getType(member), branches.get(i));
                member++;
            }
        }
        return (out, v) -> {
            int branch = GenericData.get().resolveUnion(avro, v);
            String name = "member" + members[branch];
            out.startGroup();
            out.startField(name, members[branch]);
            writers[branch].write(out, v);
            out.endField(name, members[branch]);
            out.endGroup();
        };
    }

    /** The fields of a record (Avro null-typed fields have no column and are skipped). */
    private static final class Fields {
        private final int[] positions;
        private final String[] names;
        private final boolean[] required;
        private final ValueWriter[] writers;

        Fields(GroupType type, Schema avro) {
            List<Schema.Field> fields = avro.getFields().stream()
                    .filter(f -> f.schema().getType() != Schema.Type.NULL).toList();
            positions = new int[fields.size()];
            names = new String[fields.size()];
            required = new boolean[fields.size()];
            writers = new ValueWriter[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                Type column = type.getType(i);
                positions[i] = fields.get(i).pos();
                names[i] = column.getName();
                required[i] = column.isRepetition(Type.Repetition.REQUIRED);
                writers[i] = writer(column, fields.get(i).schema());
            }
        }

        void write(RecordConsumer out, IndexedRecord record) {
            for (int i = 0; i < writers.length; i++) {
                Object value = record.get(positions[i]);
                if (value != null) {
                    out.startField(names[i], i);
                    writers[i].write(out, value);
                    out.endField(names[i], i);
                } else if (required[i]) {
                    throw new IllegalArgumentException("Null value for the required field " + names[i]);
                }
            }
        }
    }
}
