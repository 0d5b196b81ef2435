package io.sluice.connect.smt.outbox;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.smt.outbox.OutboxSettings.OnDelete;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What OutboxRouter does to a record, apart from its configuration plumbing. */
public final class OutboxEvents<R extends ConnectRecord<R>> {

    private static final Logger log = LoggerFactory.getLogger(OutboxEvents.class);

    /** The router's settings, validated by its ConfigDef. */
    /** A row that cannot become an event; the column at fault and why, without the row's content. */
    public static final class InvalidRow extends RuntimeException {
        private final String column;

        InvalidRow(String column, String message) {
            super(message, null, false, false);
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    private final OutboxSettings s;
    private final Pattern topicRegex;
    private final JsonExpander expander;
    private final Map<String, String> topics = new ConcurrentHashMap<>();
    private final Cache<Schema, Schema> versioned = new SynchronizedCache<>(new LRUCache<>(64));
    private final Cache<Schema, Schema> envelopes = new SynchronizedCache<>(new LRUCache<>(64));
    private final Set<Object> invalidJsonLogged = ConcurrentHashMap.newKeySet();

    public OutboxEvents(OutboxSettings settings) {
        this.s = settings;
        try {
            this.topicRegex = Pattern.compile(settings.routing().topicRegex());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("route.topic.regex is not a valid regular expression: " + e.getDescription());
        }
        this.expander = settings.expandJson() != null ? new JsonExpander(settings.expandJson()) : null;
    }

    /**
     * The event for a record, null for a record to drop (a delete, a tombstone, an update by the op setting), or the
     * record itself when it is not an outbox row (heartbeats, schema changes).
     *
     * @throws InvalidRow when the row cannot become an event
     */
    public R route(R record) {
        Object value = record.value();
        if (value == null) {
            return null; // the outbox table's tombstones carry nothing to route
        }
        Schema schema = record.valueSchema();
        if (schema != null && schema.name() != null && (schema.name().endsWith("Heartbeat") || schema.name().contains("SchemaChange"))) {
            return record;
        }
        Row envelope = Row.of(value instanceof String || value instanceof byte[] ? JsonRows.parse(value) : value);
        if (envelope == null) {
            throw new InvalidRow("$", "the value is a " + value.getClass().getSimpleName() + ", not a row (a Struct, a Map or a JSON object)");
        }
        Long sourceTime = null;
        Row row = envelope;
        if (envelope.has("op") && envelope.has("after") && !envelope.has(s.columns().payload())) {
            String op = String.valueOf(envelope.get("op"));
            switch (op) {
                case "c":
                case "r":
                    row = Row.of(envelope.get("after"));
                    if (row == null) {
                        throw new InvalidRow("after", "a '" + op + "' change without 'after'");
                    }
                    break;
                case "u":
                    return invalidOp(record);
                case "d":
                    return s.onDelete() == OnDelete.TOMBSTONE ? tombstone(record, Row.of(envelope.get("before"))) : null;
                default:
                    return record; // truncate or message events: not outbox rows
            }
            if (envelope.get("ts_ms") instanceof Number n) {
                sourceTime = n.longValue();
            }
        }
        return event(record, row, sourceTime);
    }

    /** A delete as a tombstone for the aggregate, on the topic its events go to. */
    private R tombstone(R record, Row before) {
        if (before == null) {
            throw new InvalidRow("before", "a delete without 'before' cannot become a tombstone (REPLICA IDENTITY FULL?)");
        }
        Object routeBy = required(before, s.routing().byColumn());
        Object key = required(before, s.columns().key());
        Integer partition = record instanceof SinkRecord ? record.kafkaPartition() : null;
        return record.newRecord(topic(String.valueOf(routeBy)), partition, before.schema(s.columns().key()), key, null, null,
                record.timestamp(), record.headers().duplicate());
    }

    private R invalidOp(R record) {
        String what = "an update of an outbox row in record " + RecordLocator.of(record) + "; outbox rows are insert-only";
        switch (s.onUpdate()) {
            case FATAL -> throw new DataException("OutboxRouter: " + what + " (table.op.invalid.behavior=fatal)");
            case ERROR -> log.error("OutboxRouter dropped {}", what);
            case WARN -> log.warn("OutboxRouter dropped {}", what);
        }
        return null;
    }

    private R event(R record, Row row, Long sourceTime) {
        Object routeBy = required(row, s.routing().byColumn());
        Object key = required(row, s.columns().key());
        Payload payload = payload(record, row);
        Headers headers = record.headers().duplicate();
        Object id = row.get(s.columns().id());
        if (id != null) {
            headers.add("id", id, row.schema(s.columns().id()));
        }
        Extras extras = placeAdditional(row, headers);
        if (!extras.enveloped().isEmpty() && !payload.tombstone()) {
            payload = envelope(payload, row, extras);
        }
        long timestamp = timestamp(row, sourceTime, record);
        if (s.cloudEventsSource() != null) {
            addCloudEvents(headers, record, row, id, routeBy, timestamp);
        }
        Integer partition = extras.partition() != null ? extras.partition()
                : record instanceof SinkRecord ? record.kafkaPartition() : null;
        return record.newRecord(topic(String.valueOf(routeBy)), partition, row.schema(s.columns().key()), key,
                payload.schema(), payload.value(), timestamp, headers);
    }

    /** An event's value and schema; {@code tombstone} when an empty payload became a null value on purpose. */
    private record Payload(Object value, Schema schema, boolean tombstone) {
    }

    /** What the additional columns placed outside headers: the partition, and the fields beside the payload. */
    private record Extras(Integer partition, Map<String, Object> enveloped, Map<String, Schema> schemas) {
    }

    /** The payload column, expanded from JSON, versioned and made a tombstone when empty, as configured. */
    private Payload payload(R record, Row row) {
        String column = s.columns().payload();
        if (!row.has(column)) {
            throw new InvalidRow(column, "column '" + column + "' (table.field.event.payload) is missing");
        }
        Object payload = row.get(column);
        Schema payloadSchema = row.schema(column);
        if (expander != null && payload instanceof String json) {
            JsonExpander.Expanded expanded = expander.expand(json);
            if (expanded != null) {
                payload = expanded.value();
                payloadSchema = expanded.schema();
            } else if (invalidJsonLogged.add(payloadSchema == null ? "schemaless" : payloadSchema)) {
                log.warn("OutboxRouter: a payload in record {} is not a JSON object or array; such payloads stay strings "
                        + "(logged once per payload schema)", RecordLocator.of(record));
            }
        }
        if (s.columns().schemaVersion() != null && payloadSchema != null) {
            payloadSchema = withVersion(payloadSchema, row);
        }
        boolean empty = payload == null || (payload instanceof String str && str.isEmpty());
        if (empty && s.routing().tombstoneOnEmptyPayload()) {
            return new Payload(null, null, true);
        }
        return new Payload(payload, payloadSchema, false);
    }

    /** Adds the header placements to {@code headers}; returns the partition and envelope placements. */
    private Extras placeAdditional(Row row, Headers headers) {
        Integer partition = null;
        Map<String, Object> enveloped = new LinkedHashMap<>();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (AdditionalField p : s.additional()) {
            if (!row.has(p.column())) {
                if (s.errorOnMissing()) {
                    throw new InvalidRow(p.column(), "column '" + p.column() + "' (table.fields.additional.placement) is missing");
                }
                continue;
            }
            Object v = row.get(p.column());
            switch (p.placement()) {
                case HEADER -> headers.add(p.alias(), v, row.schema(p.column()));
                case PARTITION -> {
                    if (!(v instanceof Number n)) {
                        throw new InvalidRow(p.column(), "column '" + p.column() + "' is placed as the partition but is not a number");
                    }
                    partition = n.intValue();
                }
                case ENVELOPE -> {
                    enveloped.put(p.alias(), v);
                    schemas.put(p.alias(), row.schema(p.column()));
                }
            }
        }
        return new Extras(partition, enveloped, schemas);
    }

    /** {payload, alias...}: a struct when the row and payload have schemas, else a map. */
    private Payload envelope(Payload payload, Row row, Extras extras) {
        if (row.hasSchema() && payload.schema() != null) {
            Schema env = envelopeSchema(payload.schema(), extras.schemas());
            Struct e = new Struct(env).put("payload", payload.value());
            extras.enveloped().forEach(e::put);
            return new Payload(e, env, false);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("payload", payload.value());
        e.putAll(extras.enveloped());
        return new Payload(e, null, false);
    }

    /** CloudEvents binary-mode headers. */
    private void addCloudEvents(Headers headers, R record, Row row, Object id, Object routeBy, long timestamp) {
        headers.addString("ce_specversion", "1.0");
        if (id != null) {
            headers.addString("ce_id", String.valueOf(id));
        }
        Object type = row.get(s.columns().type());
        headers.addString("ce_type", String.valueOf(type != null ? type : routeBy));
        headers.addString("ce_source", s.cloudEventsSource().replace("${topic}", record.topic()));
        headers.addString("ce_time", Instant.ofEpochMilli(timestamp).toString());
    }

    private static Object required(Row row, String column) {
        if (!row.has(column)) {
            throw new InvalidRow(column, "column '" + column + "' is missing");
        }
        Object v = row.get(column);
        if (v == null) {
            throw new InvalidRow(column, "column '" + column + "' is null");
        }
        return v;
    }

    private String topic(String routedBy) {
        String t = topics.get(routedBy);
        if (t == null) {
            Matcher m = topicRegex.matcher(routedBy);
            t = m.matches() ? m.replaceFirst(s.routing().topicReplacement()) : routedBy;
            if (topics.size() < 10_000) {
                topics.put(routedBy, t);
            }
        }
        return t;
    }

    private Schema withVersion(Schema payloadSchema, Row row) {
        Object v = row.get(s.columns().schemaVersion());
        if (!(v instanceof Number n)) {
            if (v == null) {
                return payloadSchema;
            }
            throw new InvalidRow(s.columns().schemaVersion(), "column '" + s.columns().schemaVersion() + "' is not a number");
        }
        int version = n.intValue();
        if (payloadSchema.version() != null && payloadSchema.version() == version) {
            return payloadSchema;
        }
        Schema cached = versioned.get(payloadSchema);
        if (cached != null && cached.version() == version) {
            return cached;
        }
        SchemaBuilder b = copyOf(payloadSchema).version(version);
        Schema out = b.build();
        versioned.put(payloadSchema, out);
        return out;
    }

    /** {payload, extra fields}: the payload keeps its own schema inside the envelope. */
    private Schema envelopeSchema(Schema payloadSchema, Map<String, Schema> extra) {
        Schema cached = envelopes.get(payloadSchema);
        if (cached != null && cached.fields().size() == extra.size() + 1) {
            return cached;
        }
        SchemaBuilder b = SchemaBuilder.struct().field("payload", payloadSchema);
        extra.forEach((alias, schema) -> b.field(alias, schema == null ? Schema.OPTIONAL_STRING_SCHEMA : schema));
        Schema out = b.build();
        envelopes.put(payloadSchema, out);
        return out;
    }

    private long timestamp(Row row, Long sourceTime, R record) {
        if (s.columns().timestamp() != null && row.has(s.columns().timestamp())) {
            Object v = row.get(s.columns().timestamp());
            if (v instanceof Date d) {
                return d.getTime();
            }
            if (v instanceof Number n) {
                long t = n.longValue();
                return t > 100_000_000_000_000L ? t / 1000 : t; // microseconds: past the year 5138 in milliseconds
            }
            if (v != null) {
                throw new InvalidRow(s.columns().timestamp(), "column '" + s.columns().timestamp() + "' is neither a timestamp nor epoch time");
            }
        }
        if (sourceTime != null) {
            return sourceTime;
        }
        return record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
    }

    private static SchemaBuilder copyOf(Schema schema) {
        SchemaBuilder b;
        switch (schema.type()) {
            case STRUCT:
                b = SchemaBuilder.struct();
                schema.fields().forEach(f -> b.field(f.name(), f.schema()));
                break;
            case ARRAY:
                b = SchemaBuilder.array(schema.valueSchema());
                break;
            case MAP:
                b = SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
                break;
            default:
                b = SchemaBuilder.type(schema.type());
        }
        b.name(schema.name()).doc(schema.doc());
        if (schema.parameters() != null) {
            b.parameters(schema.parameters());
        }
        if (schema.isOptional()) {
            b.optional();
        }
        return b;
    }

}
