package io.sluice.connect.smt;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.config.Choice;
import io.sluice.connect.common.config.ParsedBy;
import io.sluice.connect.smt.dlq.DeadLetters;
import io.sluice.connect.smt.dlq.Validator;
import io.sluice.connect.smt.dlq.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.Monitorable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Keeps bad records, with the reason, without stopping the pipeline: on the source side too, where Kafka Connect has
 * no dead-letter queue of its own. A record is bad when it fails a validation rule, or when a transform the router
 * wraps throws. Bad records are routed to a dead-letter topic through the worker's own producer ({@code route}),
 * sent there by the router's producer ({@code produce}), or failed for Connect's sink DLQ to capture ({@code fail}),
 * with Connect's error-context headers. Valid records pass through untouched.
 */
public class DeadLetterRouter<R extends ConnectRecord<R>> implements Transformation<R>, Versioned, Monitorable {

    public static final String OVERVIEW_DOC = "Validate records and/or wrap other transforms; records that fail go to "
            + "a dead-letter topic with Connect's error-context headers instead of stopping the task.";

    public static final String RULES_CONFIG = "rules";
    public static final String KEY_REQUIRED_CONFIG = "key.required";
    public static final String VALUE_SCHEMA_REQUIRED_CONFIG = "value.schema.required";
    public static final String VALUE_SCHEMA_NAME_CONFIG = "value.schema.name";
    public static final String WRAP_CONFIG = "wrap";
    public static final String MODE_CONFIG = "mode";
    public static final String TOPIC_CONFIG = "topic";
    public static final String PRODUCE_PREFIX = "produce.";
    public static final String PRODUCE_TIMEOUT_CONFIG = "produce.timeout.ms";
    public static final String HEADERS_ENABLE_CONFIG = "context.headers.enable";
    public static final String STACKTRACE_MAX_CHARS_CONFIG = "stacktrace.max.chars";

    private static final String VALIDATION = "Validation";
    private static final String WRAPPING = "Wrapping";
    private static final String DEAD_LETTERS = "Dead letters";
    private static final Choice MODES = Choice.ofEnum(DeadLetters.Mode.class);

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(RULES_CONFIG, Type.STRING, "", ParsedBy.of(Validator::checkRules), Importance.HIGH,
                    "Validation rules on the value, comma-separated: path=check or path=check(argument). Checks: "
                            + "required, not.null, type(int32|string|...), regex(...), range(min,max), in(A|B|C), "
                            + "max.length(N). Paths as in PiiMask: order.id, items[*].sku, $ (the whole value: "
                            + "$=required dead-letters tombstones). Example: id=required, email=regex(^[^@]+@[^@]+$), "
                            + "amount=range(0,), status=in(NEW|PAID|SHIPPED).",
                    VALIDATION, 1, Width.LONG, "Validation rules")
            .define(KEY_REQUIRED_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Dead-letter records without a key.", VALIDATION, 2, Width.SHORT, "Key required")
            .define(VALUE_SCHEMA_REQUIRED_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Dead-letter values without a schema (tombstones excepted).", VALIDATION, 3, Width.SHORT, "Value schema required")
            .define(VALUE_SCHEMA_NAME_CONFIG, Type.STRING, null, Importance.MEDIUM,
                    "Dead-letter values whose schema has another name (tombstones excepted).",
                    VALIDATION, 4, Width.MEDIUM, "Value schema name")
            .define(WRAP_CONFIG, Type.LIST, "", Importance.HIGH,
                    "Aliases of transforms to run inside the router, in order, configured like Connect's own: "
                            + "wrap.<alias>.type=<class> and wrap.<alias>.<key>=<value>. A record a wrapped transform "
                            + "fails on (DataException or any non-retriable error) is dead-lettered as it came in; "
                            + "a RetriableException is rethrown for the worker to retry; null (a filter) drops the record.",
                    WRAPPING, 1, Width.LONG, "Wrapped transforms")
            .define(MODE_CONFIG, Type.STRING, "route", MODES, Importance.HIGH,
                    "route: rewrite the record's topic to the dead-letter topic (a DLQ for source pipelines, through "
                            + "the worker's producer); produce: send it there with the router's own producer, "
                            + "configured under produce. (produce.bootstrap.servers at least), then drop it from the "
                            + "pipeline; fail: throw a DataException, for a sink's errors.tolerance=all and "
                            + "errors.deadletterqueue.topic.name to capture the original bytes.",
                    DEAD_LETTERS, 1, Width.SHORT, "Mode", MODES)
            .define(TOPIC_CONFIG, Type.STRING, "${topic}.dlq", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The dead-letter topic; ${topic} is the record's topic (its original topic if it was dead-lettered before).",
                    DEAD_LETTERS, 2, Width.MEDIUM, "Dead-letter topic")
            .define(PRODUCE_TIMEOUT_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "mode=produce: how long to wait for a dead letter's acknowledgement before a retriable error.",
                    DEAD_LETTERS, 3, Width.SHORT, "Produce timeout")
            .define(HEADERS_ENABLE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Add error-context headers (__connect.errors.topic, .partition, .offset, .stage, .class.name, "
                            + ".exception.class.name, .exception.message, .exception.stacktrace, and "
                            + "__sluice.errors.rule, __sluice.errors.field), replacing any already there.",
                    DEAD_LETTERS, 4, Width.SHORT, "Context headers")
            .define(STACKTRACE_MAX_CHARS_CONFIG, Type.INT, 4096, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Longest __connect.errors.exception.stacktrace header; 0 leaves it out.",
                    DEAD_LETTERS, 5, Width.SHORT, "Stack trace size");

    private Validator validator;
    private final List<Transformation<R>> wrapped = new ArrayList<>();
    private DeadLetters<R> deadLetters;
    private PluginMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        try {
            validator = new Validator(config.getString(RULES_CONFIG), config.getBoolean(KEY_REQUIRED_CONFIG),
                    config.getBoolean(VALUE_SCHEMA_REQUIRED_CONFIG), config.getString(VALUE_SCHEMA_NAME_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RULES_CONFIG, config.getString(RULES_CONFIG), e.getMessage());
        }
        for (String alias : config.getList(WRAP_CONFIG)) {
            wrapped.add(wrappedTransform(alias, config.originalsWithPrefix(WRAP_CONFIG + "." + alias + ".")));
        }
        if (validator.isEmpty() && wrapped.isEmpty()) {
            throw new ConfigException(RULES_CONFIG, "", "nothing to check: give validation rules, key.required, "
                    + "value.schema.* or transforms to wrap");
        }
        DeadLetters.Mode mode = Choice.parseEnum(DeadLetters.Mode.class, config.getString(MODE_CONFIG));
        try {
            deadLetters = new DeadLetters<>(mode, config.getString(TOPIC_CONFIG),
                    config.getBoolean(HEADERS_ENABLE_CONFIG), config.getInt(STACKTRACE_MAX_CHARS_CONFIG),
                    mode == DeadLetters.Mode.PRODUCE ? produceConfig(config) : null, config.getLong(PRODUCE_TIMEOUT_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (metrics != null) {
            deadLetters.withMetrics(metrics);
        }
    }

    private static Map<String, Object> produceConfig(AbstractConfig config) {
        Map<String, Object> produce = new HashMap<>(config.originalsWithPrefix(PRODUCE_PREFIX));
        produce.remove("timeout.ms");
        return produce;
    }

    @SuppressWarnings("unchecked")
    private Transformation<R> wrappedTransform(String alias, Map<String, Object> props) {
        Object type = props.remove("type");
        String key = WRAP_CONFIG + "." + alias + ".type";
        if (type == null) {
            throw new ConfigException(key, null, "missing: the class of the wrapped transform '" + alias + "'");
        }
        try {
            // Our loader reaches the worker's classpath and, through it, the other plugins.
            Class<?> cls = Class.forName(type.toString().trim(), true, DeadLetterRouter.class.getClassLoader());
            Transformation<R> t = (Transformation<R>) cls.getDeclaredConstructor().newInstance();
            t.configure(props);
            return t;
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, type, "no such transform on this worker");
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ConfigException(key, type, "not a Transformation with a public no-argument constructor: " + e);
        }
    }

    @Override
    public R apply(R record) {
        R current = record;
        for (Transformation<R> t : wrapped) {
            try {
                current = t.apply(current);
            } catch (RetriableException e) {
                throw e;
            } catch (RuntimeException e) {
                return deadLetters.deadLetter(record, t.getClass().getName(), e, null);
            }
            if (current == null) {
                return null; // a wrapped filter dropped it
            }
        }
        Violation violation = validator.validate(current);
        return violation == null ? current : deadLetters.deadLetter(record, DeadLetterRouter.class.getName(), null, violation);
    }

    /** Kafka 4.1+ workers: dead letters by rule and by exception class (KIP-877). */
    @Override
    public void withPluginMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        if (deadLetters != null) {
            deadLetters.withMetrics(metrics);
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return SluiceVersion.get();
    }

    @Override
    public void close() {
        wrapped.forEach(Transformation::close);
        wrapped.clear();
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
