package io.sluice.connect.smt;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.config.Choice;
import io.sluice.connect.common.config.PeerKeys;
import io.sluice.connect.common.metrics.Gauges;
import io.sluice.connect.smt.dlq.DeadLetters;
import io.sluice.connect.smt.dlq.Violation;
import io.sluice.connect.smt.outbox.AdditionalField;
import io.sluice.connect.smt.outbox.OutboxEvents;
import io.sluice.connect.smt.outbox.OutboxSettings;
import io.sluice.connect.smt.outbox.OutboxSettings.OnDelete;
import io.sluice.connect.smt.outbox.OutboxSettings.OnUpdate;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
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
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns outbox-table rows into events on per-aggregate topics: topic from the routing column, key from the aggregate
 * id, value from the payload (optionally expanded from JSON), the event id in header {@code id}. It reads Debezium
 * change envelopes (as Debezium's EventRouter does, with the same keys and defaults) and plain rows, such as those
 * a JDBC source polls from the outbox table, which Debezium's router passes through unrouted.
 */
public class OutboxRouter<R extends ConnectRecord<R>> implements Transformation<R>, Versioned, Monitorable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRouter.class);

    public static final String OVERVIEW_DOC = "Route transactional-outbox rows (plain rows or Debezium change events) "
            + "to per-aggregate topics, keyed by aggregate id, with the payload as value.";

    public static final String FIELD_EVENT_ID = "table.field.event.id";
    public static final String FIELD_EVENT_KEY = "table.field.event.key";
    public static final String FIELD_EVENT_TYPE = "table.field.event.type";
    public static final String FIELD_EVENT_PAYLOAD = "table.field.event.payload";
    public static final String FIELD_EVENT_TIMESTAMP = "table.field.event.timestamp";
    public static final String FIELD_EVENT_SCHEMA_VERSION = "table.field.event.schema.version";
    public static final String FIELDS_ADDITIONAL_PLACEMENT = "table.fields.additional.placement";
    public static final String FIELDS_ADDITIONAL_ERROR_ON_MISSING = "table.fields.additional.error.on.missing";
    public static final String EXPAND_JSON_PAYLOAD = "table.expand.json.payload";
    public static final String JSON_PAYLOAD_NULL_BEHAVIOR = "table.json.payload.null.behavior";
    public static final String JSON_PAYLOAD_EMPTY_ARRAY_BEHAVIOR = "table.json.payload.empty.array.behavior";
    /** Debezium 3's name for what table.fields.additional.error.on.missing says: error or ignore. */
    public static final String FIELD_ADDITIONAL_MISSING = "table.field.additional.missing";
    public static final String OP_INVALID_BEHAVIOR = "table.op.invalid.behavior";
    public static final String OP_DELETE_BEHAVIOR = "table.op.delete.behavior";
    public static final String ROUTE_BY_FIELD = "route.by.field";
    public static final String ROUTE_TOPIC_REGEX = "route.topic.regex";
    public static final String ROUTE_TOPIC_REPLACEMENT = "route.topic.replacement";
    public static final String ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD = "route.tombstone.on.empty.payload";
    public static final String CLOUDEVENTS_HEADERS = "cloudevents.headers.enable";
    public static final String CLOUDEVENTS_SOURCE = "cloudevents.source";
    public static final String INVALID_BEHAVIOR = "invalid.behavior";
    public static final String INVALID_TOPIC = "invalid.topic";

    private static final String TABLE = "Table";
    private static final String ROUTER = "Router";
    private static final String EVENTS = "Event metadata";
    private static final String ERRORS = "Errors";
    private static final Choice NULL_BEHAVIORS = Choice.of("ignore", "optional_bytes");
    private static final Choice EMPTY_ARRAY_BEHAVIORS = Choice.of("ignore", "optional_string");
    private static final Choice MISSING_BEHAVIORS = Choice.of("error", "ignore");

    /** Debezium's keys that change nothing here. */
    static final PeerKeys DEBEZIUM = PeerKeys.of("Debezium's outbox EventRouter")
            .withoutEffect("tracing.span.context.field", "there is no OpenTelemetry tracing")
            .withoutEffect("tracing.operation.name", "there is no OpenTelemetry tracing")
            .withoutEffect("tracing.with.context.field.only", "there is no OpenTelemetry tracing");
    private static final Choice OP_BEHAVIORS = Choice.ofEnum(OnUpdate.class);
    private static final Choice DELETE_BEHAVIORS = Choice.ofEnum(OnDelete.class);
    private static final Choice INVALID_BEHAVIORS = Choice.of("fail", "route");

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FIELD_EVENT_ID, Type.STRING, "id", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Column with the unique event id; written to header 'id'.", TABLE, 1, Width.MEDIUM, "Event id column")
            .define(FIELD_EVENT_KEY, Type.STRING, "aggregateid", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Column with the aggregate id: the event's key, so one aggregate's events stay in order.",
                    TABLE, 2, Width.MEDIUM, "Event key column")
            .define(FIELD_EVENT_TYPE, Type.STRING, "type", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Column with the event type (used for the ce_type header).", TABLE, 3, Width.MEDIUM, "Event type column")
            .define(FIELD_EVENT_PAYLOAD, Type.STRING, "payload", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Column with the event payload: the event's value.", TABLE, 4, Width.MEDIUM, "Payload column")
            .define(FIELD_EVENT_TIMESTAMP, Type.STRING, null, Importance.LOW,
                    "Column with the event time (Timestamp, or epoch milliseconds or microseconds); unset uses the "
                            + "change event's ts_ms or the record's timestamp.", TABLE, 5, Width.MEDIUM, "Timestamp column")
            .define(FIELD_EVENT_SCHEMA_VERSION, Type.STRING, null, Importance.LOW,
                    "Column whose integer value becomes the payload schema's version.", TABLE, 6, Width.MEDIUM, "Schema version column")
            .define(FIELDS_ADDITIONAL_PLACEMENT, Type.LIST, "", AdditionalField.VALIDATOR, Importance.MEDIUM,
                    "More columns to carry: column:header|envelope|partition[:alias], comma-separated. 'envelope' "
                            + "wraps the value as {payload, alias...}; 'partition' sets the record's partition.",
                    TABLE, 7, Width.LONG, "Additional fields")
            .define(FIELDS_ADDITIONAL_ERROR_ON_MISSING, Type.BOOLEAN, true, Importance.LOW,
                    "A row without an additional column is bad input (true) or is routed without it (false).",
                    TABLE, 8, Width.SHORT, "Error on missing additional field")
            .define(EXPAND_JSON_PAYLOAD, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Expand a JSON string payload into a Struct with an inferred schema; a payload that is not a JSON "
                            + "object or array stays a string.", TABLE, 10, Width.SHORT, "Expand JSON payload")
            .define(JSON_PAYLOAD_NULL_BEHAVIOR, Type.STRING, "ignore", NULL_BEHAVIORS, Importance.LOW,
                    "JSON fields that are only ever null: ignore (leave them out) or optional_bytes.",
                    TABLE, 11, Width.SHORT, "JSON null behavior", NULL_BEHAVIORS)
            .define(JSON_PAYLOAD_EMPTY_ARRAY_BEHAVIOR, Type.STRING, "optional_string", EMPTY_ARRAY_BEHAVIORS,
                    Importance.LOW, "JSON arrays that are only ever empty: optional_string (kept, as arrays of optional "
                            + "strings, so an event keeps its fields whether or not a list is empty) or ignore (left "
                            + "out of the schema and the value, Debezium's default).", TABLE, 12, Width.SHORT,
                    "JSON empty array behavior", EMPTY_ARRAY_BEHAVIORS)
            .define(FIELD_ADDITIONAL_MISSING, Type.STRING, null, MISSING_BEHAVIORS, Importance.LOW,
                    "Debezium 3's key for a row without an additional column: error (bad input) or ignore (routed "
                            + "without it); when set it wins over table.fields.additional.error.on.missing.", TABLE,
                    9, Width.SHORT, "Missing additional field", MISSING_BEHAVIORS)
            .define(OP_INVALID_BEHAVIOR, Type.STRING, "warn", OP_BEHAVIORS, Importance.LOW,
                    "An update ('u') of an outbox row: warn or error (log and drop it), or fatal (fail the task). "
                            + "Deletes follow table.op.delete.behavior; tombstones are dropped.", TABLE, 13, Width.SHORT,
                    "Invalid op behavior", OP_BEHAVIORS)
            .define(OP_DELETE_BEHAVIOR, Type.STRING, "drop", DELETE_BEHAVIORS, Importance.LOW,
                    "A delete ('d') of an outbox row: drop it (as Debezium does), or emit a tombstone keyed by the "
                            + "aggregate id of 'before' on the routed topic, for compacted topics (needs the routing and "
                            + "key columns in 'before': REPLICA IDENTITY FULL on PostgreSQL).", TABLE, 14, Width.SHORT,
                    "Delete behavior", DELETE_BEHAVIORS)
            .define(ROUTE_BY_FIELD, Type.STRING, "aggregatetype", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column whose value names the topic.", ROUTER, 1, Width.MEDIUM, "Route by column")
            .define(ROUTE_TOPIC_REGEX, Type.STRING, "(?<routedByValue>.*)", Importance.LOW,
                    "Regular expression applied to the routing value; the replacement may use its groups.",
                    ROUTER, 2, Width.MEDIUM, "Topic regex")
            .define(ROUTE_TOPIC_REPLACEMENT, Type.STRING, "outbox.event.${routedByValue}", Importance.MEDIUM,
                    "The topic, from the regex's groups.", ROUTER, 3, Width.MEDIUM, "Topic replacement")
            .define(ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD, Type.BOOLEAN, false, Importance.LOW,
                    "A null or empty payload becomes a tombstone (null value) for compacted topics.",
                    ROUTER, 4, Width.SHORT, "Tombstone on empty payload")
            .define(CLOUDEVENTS_HEADERS, Type.BOOLEAN, false, Importance.LOW,
                    "Add CloudEvents binary-mode headers ce_specversion, ce_id, ce_type, ce_source, ce_time.",
                    EVENTS, 1, Width.SHORT, "CloudEvents headers")
            .define(CLOUDEVENTS_SOURCE, Type.STRING, "/outbox/${topic}", Importance.LOW,
                    "The ce_source header; ${topic} is the record's original topic.", EVENTS, 2, Width.MEDIUM, "CloudEvents source")
            .define(INVALID_BEHAVIOR, Type.STRING, "fail", INVALID_BEHAVIORS, Importance.MEDIUM,
                    "A row that cannot become an event (missing column, null aggregate id, wrong type): fail with a "
                            + "DataException naming column and record, or route it to invalid.topic with the "
                            + "dead-letter headers DeadLetterRouter writes.", ERRORS, 1, Width.SHORT, "Invalid row behavior",
                    INVALID_BEHAVIORS)
            .define(INVALID_TOPIC, Type.STRING, "${topic}.dlq", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Where invalid rows go with invalid.behavior=route; ${topic} is the record's topic.",
                    ERRORS, 2, Width.MEDIUM, "Invalid row topic");

    private OutboxEvents<R> events;
    private DeadLetters<R> invalid;
    private final LongAdder routed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder invalidRows = new LongAdder();

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig c = new AbstractConfig(CONFIG_DEF, configs);
        try {
            events = new OutboxEvents<>(settings(c));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        DEBEZIUM.warnings(configs).values().forEach(log::warn);
        boolean route = Choice.normalize(c.getString(INVALID_BEHAVIOR)).equals("route");
        invalid = route ? new DeadLetters<>(DeadLetters.Mode.ROUTE, c.getString(INVALID_TOPIC), true, 4096, null, 0) : null;
    }

    /** The config, typed: OutboxEvents knows no key. */
    private static OutboxSettings settings(AbstractConfig c) {
        var columns = new OutboxSettings.Columns(c.getString(FIELD_EVENT_ID), c.getString(FIELD_EVENT_KEY),
                c.getString(FIELD_EVENT_TYPE), c.getString(FIELD_EVENT_PAYLOAD), c.getString(FIELD_EVENT_TIMESTAMP),
                c.getString(FIELD_EVENT_SCHEMA_VERSION));
        var routing = new OutboxSettings.Routing(c.getString(ROUTE_BY_FIELD), c.getString(ROUTE_TOPIC_REGEX),
                c.getString(ROUTE_TOPIC_REPLACEMENT), c.getBoolean(ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD));
        var expansion = c.getBoolean(EXPAND_JSON_PAYLOAD) ? new OutboxSettings.JsonExpansion(
                Choice.normalize(c.getString(JSON_PAYLOAD_NULL_BEHAVIOR)).equals("optional_bytes"),
                Choice.normalize(c.getString(JSON_PAYLOAD_EMPTY_ARRAY_BEHAVIOR)).equals("optional_string")) : null;
        return new OutboxSettings(columns, routing, AdditionalField.parseAll(c.getList(FIELDS_ADDITIONAL_PLACEMENT)),
                errorOnMissing(c), expansion, Choice.parseEnum(OnUpdate.class, c.getString(OP_INVALID_BEHAVIOR)),
                Choice.parseEnum(OnDelete.class, c.getString(OP_DELETE_BEHAVIOR)),
                c.getBoolean(CLOUDEVENTS_HEADERS) ? c.getString(CLOUDEVENTS_SOURCE) : null);
    }

    private static boolean errorOnMissing(AbstractConfig c) {
        String debezium3 = c.getString(FIELD_ADDITIONAL_MISSING);
        return debezium3 != null ? Choice.normalize(debezium3).equals("error")
                : c.getBoolean(FIELDS_ADDITIONAL_ERROR_ON_MISSING);
    }

    @Override
    public R apply(R record) {
        try {
            R event = events.route(record);
            if (event == null) {
                dropped.increment();
            } else if (event != record) { // not a heartbeat or schema change passed through
                routed.increment();
            }
            return event;
        } catch (OutboxEvents.InvalidRow e) {
            invalidRows.increment();
            if (invalid != null) {
                return invalid.deadLetter(record, OutboxRouter.class.getName(), null, new Violation("outbox", e.column(), e.getMessage()));
            }
            throw new DataException("OutboxRouter cannot route record " + RecordLocator.of(record) + ": " + e.getMessage()
                    + "; fix the row or the column settings, or set " + INVALID_BEHAVIOR + "=route");
        }
    }

    /** Kafka 4.1+: events routed, rows dropped by design (updates, deletes, tombstones), invalid rows. */
    @Override
    public void withPluginMetrics(PluginMetrics metrics) {
        Gauges.add(metrics, "events-routed-total", "Outbox rows routed as events.", routed::sum);
        Gauges.add(metrics, "rows-dropped-total", "Outbox changes dropped by design: updates and deletes as "
                + "table.op.invalid.behavior and table.op.delete.behavior say, tombstones.", dropped::sum);
        Gauges.add(metrics, "rows-invalid-total", "Rows that could not become events (failed, or routed to invalid.topic).",
                invalidRows::sum);
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
        if (invalid != null) {
            invalid.close();
        }
    }
}
