package io.sluice.connect.bundle.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Benchmark only: the Connect pipeline's ceiling. Emits {@code records} records shaped like the benchmark table's
 * rows (same schema, similar values, a source offset each) from a pre-built set, as fast as the worker takes them,
 * split over {@code tasks.max} tasks.
 */
public final class PrebuiltSource extends SourceConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PrebuiltTask.class;
    }

    /** The records split evenly over {@code maxTasks} tasks. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        long records = Long.parseLong(props.get("records"));
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put("records", Long.toString(records / maxTasks + (i < records % maxTasks ? 1 : 0)));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Target topic")
                .define("records", ConfigDef.Type.LONG, ConfigDef.Importance.HIGH, "How many records")
                .define("batch", ConfigDef.Type.INT, 1000, ConfigDef.Importance.LOW, "Records per poll");
    }

    @Override
    public String version() {
        return "bench";
    }

    /** The benchmark table's row schema. */
    static final Schema SCHEMA = SchemaBuilder.struct().name("bench_orders")
            .field("id", Schema.INT64_SCHEMA)
            .field("created_at", Timestamp.SCHEMA)
            .field("customer", Schema.STRING_SCHEMA)
            .field("email", Schema.STRING_SCHEMA)
            .field("amount", Decimal.schema(2))
            .field("qty", Schema.INT32_SCHEMA)
            .field("status", Schema.STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("updated_at", Timestamp.SCHEMA)
            .build();

    public static final class PrebuiltTask extends SourceTask {
        private final List<Struct> rows = new ArrayList<>();
        private final Map<String, String> partition = Map.of("table", "bench");
        private String topic;
        private long remaining;
        private int batch;
        private long next;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            remaining = Long.parseLong(props.get("records"));
            batch = Integer.parseInt(props.getOrDefault("batch", "1000"));
            java.util.Date t = new java.util.Date(1_767_225_600_000L);
            for (int i = 0; i < 1000; i++) {
                rows.add(new Struct(SCHEMA).put("id", (long) i).put("created_at", t).put("customer", "customer-" + i)
                        .put("email", "customer" + i + "@example.com").put("amount", new BigDecimal(i + ".25"))
                        .put("qty", i % 17).put("status", i % 3 == 0 ? "shipped" : "open")
                        .put("note", "note for order " + i + " with some free text to make the row wider ok")
                        .put("flag", i % 2 == 0).put("updated_at", t));
            }
        }

        @Override
        public List<SourceRecord> poll() {
            if (remaining <= 0) {
                synchronized (this) {
                    try {
                        wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return null;
            }
            int n = (int) Math.min(batch, remaining);
            List<SourceRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Map<String, Object> offset = new HashMap<>();
                offset.put("incrementing", ++next);
                out.add(new SourceRecord(partition, offset, topic, null, null, null, SCHEMA,
                        rows.get((int) (next % rows.size()))));
            }
            remaining -= n;
            return out;
        }

        @Override
        public synchronized void stop() {
            notifyAll();
        }

        @Override
        public String version() {
            return "bench";
        }
    }
}
