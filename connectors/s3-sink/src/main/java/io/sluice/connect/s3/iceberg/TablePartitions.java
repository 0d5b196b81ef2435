package io.sluice.connect.s3.iceberg;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A table's partitioning as the sink applies it: the spec from {@code iceberg.tables.default-partition-by} terms
 * ({@code hour(ts)}, {@code days(ts)}, {@code bucket(id, 16)}, {@code region}, ...), and each record's partition
 * tuple, computed from its value's top-level fields (or its Kafka timestamp, {@code _kafka_timestamp}) with the
 * table's own transforms, so files land in the partitions Iceberg's readers prune by.
 */
public final class TablePartitions {

    /** The column of a record's Kafka timestamp (kafka.metadata.fields=timestamp). */
    public static final String KAFKA_TIMESTAMP = "_kafka_timestamp";
    private static final Pattern TERM = Pattern.compile("(\\w+)\\(\\s*([^,\\s)]+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

    private final PartitionSpec spec;
    private final String[] sources;
    private final Type[] types;
    private final List<Function<Object, Object>> transforms = new ArrayList<>();
    /** Each path's tuple, for the data files of that path (paths are few; cleared when large). */
    private final Map<String, PartitionData> byPath = new HashMap<>();

    public TablePartitions(PartitionSpec spec) {
        this.spec = spec;
        List<PartitionField> fields = spec.fields();
        this.sources = new String[fields.size()];
        this.types = new Type[fields.size()];
        Schema schema = spec.schema();
        for (int i = 0; i < fields.size(); i++) {
            PartitionField f = fields.get(i);
            sources[i] = schema.findColumnName(f.sourceId());
            types[i] = schema.findType(f.sourceId());
            @SuppressWarnings("unchecked")
            Function<Object, Object> bound = (Function<Object, Object>) (Function<?, ?>)
                    ((org.apache.iceberg.transforms.Transform<Object, Object>) f.transform()).bind(types[i]);
            transforms.add(bound);
        }
    }

    /** The spec of {@code terms} over {@code schema}; an unknown column or transform is an IllegalArgumentException. */
    public static PartitionSpec spec(Schema schema, List<String> terms) {
        PartitionSpec.Builder b = PartitionSpec.builderFor(schema);
        for (String raw : terms) {
            String term = raw.trim();
            if (term.isEmpty()) {
                continue;
            }
            Matcher m = TERM.matcher(term);
            if (!m.matches()) {
                b.identity(column(schema, term));
                continue;
            }
            String column = column(schema, m.group(2));
            String fn = m.group(1).toLowerCase(Locale.ROOT);
            Integer arg = m.group(3) == null ? null : Integer.valueOf(m.group(3));
            switch (fn) {
                case "year", "years" -> b.year(column);
                case "month", "months" -> b.month(column);
                case "day", "days" -> b.day(column);
                case "hour", "hours" -> b.hour(column);
                case "bucket" -> b.bucket(column, required(arg, term));
                case "truncate" -> b.truncate(column, required(arg, term));
                default -> throw new IllegalArgumentException("Unknown partition transform '" + fn + "' in '" + term
                        + "': use year, month, day, hour, bucket(col, n), truncate(col, w) or a column name");
            }
        }
        return b.build();
    }

    private static String column(Schema schema, String name) {
        if (schema.findField(name) == null) {
            throw new IllegalArgumentException("Cannot partition by '" + name + "': the records have no such field "
                    + "(columns: " + schema.asStruct().fields().stream().map(f -> f.name()).toList() + ")");
        }
        return name;
    }

    private static int required(Integer arg, String term) {
        if (arg == null) {
            throw new IllegalArgumentException("'" + term + "' needs a width, e.g. bucket(id, 16)");
        }
        return arg;
    }

    public PartitionSpec spec() {
        return spec;
    }

    /** The record's partition path, {@code ts_hour=2026-12-07-16/region=eu}; empty for an unpartitioned table. */
    public String path(SinkRecord record) {
        if (sources.length == 0) {
            return "";
        }
        PartitionData data = new PartitionData(spec.partitionType());
        for (int i = 0; i < sources.length; i++) {
            data.set(i, transforms.get(i).apply(internal(types[i], source(record, sources[i]))));
        }
        String path = spec.partitionToPath(data);
        if (byPath.size() > 10_000) {
            byPath.clear();
        }
        byPath.putIfAbsent(path, data);
        return path;
    }

    /** The tuple of a path returned by {@link #path}. */
    public PartitionData partition(String path) {
        return sources.length == 0 ? null : byPath.get(path);
    }

    private static Object source(SinkRecord record, String column) {
        if (column.equals(KAFKA_TIMESTAMP)) {
            return record.timestamp() == null ? null : new java.util.Date(record.timestamp());
        }
        Object value = record.value();
        if (value instanceof Struct s) {
            if (s.schema().field(column) == null) {
                throw new DataException("The table is partitioned by '" + column + "', which this record lacks");
            }
            return s.get(column);
        }
        if (value instanceof Map<?, ?> m) {
            return m.get(column);
        }
        throw new DataException("The table is partitioned by '" + column + "', and this record's value has no fields");
    }

    /** A Connect value as Iceberg's transforms take it (timestamps in microseconds, dates in days). */
    private static Object internal(Type type, Object v) {
        if (v == null) {
            return null;
        }
        return switch (type.typeId()) {
            case TIMESTAMP, TIMESTAMP_NANO -> v instanceof java.util.Date d ? Math.multiplyExact(d.getTime(), 1000L)
                    : Math.multiplyExact(((Number) v).longValue(), 1000L);
            case DATE -> v instanceof java.util.Date d ? (int) Math.floorDiv(d.getTime(), 86_400_000L)
                    : ((Number) v).intValue();
            case INTEGER -> ((Number) v).intValue();
            case LONG -> ((Number) v).longValue();
            case STRING -> v.toString();
            case BINARY, FIXED -> v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
            default -> v;
        };
    }
}
