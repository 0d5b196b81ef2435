package io.sluice.connect.smt.bench;

import io.sluice.connect.smt.DeadLetterRouter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.ReplaceField;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * DeadLetterRouter on valid records (the common case) of the 20-field order: five validation rules against a
 * pass-through transform, and the wrapping path against calling the wrapped transform (Kafka's ReplaceField) directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeadLetterRouterBenchmark {

    /** Passes each record on as a new record with the same content: what the cheapest real transform does. */
    public static class PassThrough implements Transformation<SinkRecord> {
        @Override
        public SinkRecord apply(SinkRecord r) {
            return r.newRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), r.valueSchema(), r.value(), r.timestamp(), r.headers());
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef();
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }

        @Override
        public void close() {
        }
    }

    private SinkRecord record;
    private Transformation<SinkRecord> passThrough;
    private Transformation<SinkRecord> validate5;
    private Transformation<SinkRecord> replaceField;
    private Transformation<SinkRecord> wrappedReplaceField;

    @Setup
    public void setup() {
        record = new SinkRecord("orders", 0, null, null, PiiMaskBenchmark.SCHEMA,
                PiiMaskBenchmark.value(PiiMaskBenchmark.SCHEMA, "leave at the door"), 1);
        passThrough = new PassThrough();
        validate5 = new DeadLetterRouter<>();
        validate5.configure(Map.of("rules", "order_id=required, email=regex(^[^@\\s]+@[^@\\s]+$), amount=range(0,100000), "
                + "status=in(NEW|PAID|SHIPPED), zip=max.length(10)"));
        replaceField = new ReplaceField.Value<>();
        replaceField.configure(Map.of("exclude", "notes"));
        wrappedReplaceField = new DeadLetterRouter<>();
        wrappedReplaceField.configure(Map.of("wrap", "drop", "wrap.drop.type", ReplaceField.Value.class.getName(),
                "wrap.drop.exclude", "notes"));
        if (validate5.apply(record) != record || wrappedReplaceField.apply(record).topic().endsWith(".dlq")) {
            throw new IllegalStateException("the benchmark record must be valid");
        }
    }

    @TearDown
    public void tearDown() {
        validate5.close();
        replaceField.close();
        wrappedReplaceField.close();
    }

    @Benchmark
    public SinkRecord passThrough() {
        return passThrough.apply(record);
    }

    @Benchmark
    public SinkRecord validate5Rules() {
        return validate5.apply(record);
    }

    @Benchmark
    public SinkRecord replaceFieldDirect() {
        return replaceField.apply(record);
    }

    @Benchmark
    public SinkRecord replaceFieldWrapped() {
        return wrappedReplaceField.apply(record);
    }
}
