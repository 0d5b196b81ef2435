package io.sluice.connect.s3.partition;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.common.path.FieldPath;
import java.util.List;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Hive-style directories from value fields, {@code <name>=<value>} per field in {@code partition.field.name} order.
 * A field may be a nested path ({@code customer.region}); the directory takes its last segment as the name. A missing
 * or null field is a bad record (Confluent fails the task), never a directory named {@code null}.
 */
public final class FieldPartitioner implements Partitioner {

    private final List<FieldPath> paths;
    private final List<String> names;
    private final List<String> texts;

    public FieldPartitioner(List<String> fields) {
        this.texts = List.copyOf(fields);
        this.paths = fields.stream().map(FieldPath::parse).toList();
        this.names = paths.stream().map(p -> escape(directoryName(p))).toList();
    }

    @Override
    public String path(SinkRecord record) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < paths.size(); i++) {
            Object value = null;
            for (FieldPath.Reached r : paths.get(i).resolve(record.valueSchema(), record.value())) {
                if (r.present() && r.value() != null) {
                    value = r.value();
                    break;
                }
            }
            if (value == null) {
                throw new DataException("Partition field '" + texts.get(i) + "' is missing or null in record "
                        + RecordLocator.of(record));
            }
            if (i > 0) {
                sb.append('/');
            }
            sb.append(names.get(i)).append('=').append(escape(value.toString()));
        }
        return sb.toString();
    }

    private static String directoryName(FieldPath path) {
        for (int i = path.steps().size() - 1; i >= 0; i--) {
            if (path.steps().get(i) instanceof FieldPath.Field f) {
                return f.name();
            }
        }
        return "value";
    }

    /**
     * Keeps a name or value inside one {@code name=value} directory level, escaped as Hive escapes partition paths
     * (and Spark, Trino and DuckDB unescape them): control characters, {@code " # % ' * / : = ? \ { [ ] ^} and DEL
     * become {@code %XX}.
     */
    static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
    }
}
