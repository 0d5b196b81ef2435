package io.sluice.connect.s3.iceberg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Which tables a record goes to, with the keys and meaning of Apache Iceberg's sink:
 * <ul>
 *   <li>static, no {@code iceberg.tables.route-field}: every table of {@code iceberg.tables} (one, or a fan-out);</li>
 *   <li>static with a route field: the tables whose {@code iceberg.table.<name>.route-regex} matches the field's
 *       value whole (none: the record goes to no table and is counted as skipped);</li>
 *   <li>dynamic ({@code iceberg.tables.dynamic-enabled}): the table the field's value names, lower-cased.</li>
 * </ul>
 * Ours: {@code ${topic}} in a table name of {@code iceberg.tables} stands for the record's topic with dots as
 * underscores (a table per topic, as Debezium's Iceberg sink names them).
 */
public final class TableRouter {

    public static final String TOPIC = "${topic}";

    private final List<String> tables;
    private final String field;
    private final boolean dynamic;
    private final Map<String, Pattern> regexes;
    private final boolean perTopic;

    public TableRouter(List<String> tables, String routeField, boolean dynamic, Map<String, Pattern> regexes) {
        this.tables = List.copyOf(tables);
        this.field = routeField == null || routeField.isBlank() ? null : routeField.trim();
        this.dynamic = dynamic;
        this.regexes = Map.copyOf(regexes);
        this.perTopic = tables.stream().anyMatch(t -> t.contains(TOPIC));
    }

    /** Whether every record goes to the same one table: then a task may rewind its partitions to the table's offsets. */
    public boolean single() {
        return !dynamic && field == null && !perTopic && tables.size() == 1;
    }

    /** The tables {@code record} goes to, in order; empty when static routing matches none. */
    public List<String> route(SinkRecord record) {
        if (dynamic) {
            String value = routeValue(record);
            if (value == null || value.isBlank()) {
                throw new DataException("The record has no value in iceberg.tables.route-field=" + field
                        + ", which names its table (iceberg.tables.dynamic-enabled=true)");
            }
            String table = value.trim().toLowerCase(Locale.ROOT);
            if (table.indexOf('.') <= 0 || table.endsWith(".")) {
                throw new DataException("iceberg.tables.route-field=" + field + " holds '" + value + "', which "
                        + "names no table: the value must be namespace.table (iceberg.tables.dynamic-enabled=true)");
            }
            return List.of(table);
        }
        if (field == null) {
            return perTopic ? named(record.topic(), tables) : tables;
        }
        String value = routeValue(record);
        List<String> out = new ArrayList<>(1);
        if (value != null) {
            for (String t : tables) {
                Pattern p = regexes.get(t);
                if (p != null && p.matcher(value).matches()) {
                    out.add(t);
                }
            }
        }
        return perTopic ? named(record.topic(), out) : out;
    }

    private static List<String> named(String topic, List<String> templates) {
        List<String> out = new ArrayList<>(templates.size());
        for (String t : templates) {
            out.add(t.replace(TOPIC, topic.replace('.', '_')));
        }
        return out;
    }

    /** The route field's value as text (a dotted name reaches into nested structs or maps), or null. */
    private String routeValue(SinkRecord record) {
        Object v = record.value();
        for (String part : field.split("\\.")) {
            if (v instanceof Struct s) {
                Field f = s.schema().field(part);
                v = f == null ? null : s.get(f);
            } else if (v instanceof Map<?, ?> m) {
                v = m.get(part);
            } else {
                return null;
            }
        }
        return v == null ? null : v.toString();
    }
}
