package io.sluice.connect.smt.outbox;

import java.util.List;

/**
 * What {@link OutboxEvents} does with each row, typed and grouped as the transform's config is: which columns hold
 * what, where events go, which extra columns they carry, and what happens to JSON payloads, updates, deletes and
 * CloudEvents headers. {@code OutboxRouter} builds it from its config; nothing here knows the config keys.
 *
 * @param cloudEventsSource the {@code ce_source} template, or null without CloudEvents headers
 */
public record OutboxSettings(Columns columns, Routing routing, List<AdditionalField> additional,
                             boolean errorOnMissing, JsonExpansion expandJson, OnUpdate onUpdate, OnDelete onDelete,
                             String cloudEventsSource) {

    /** The outbox table's columns; {@code timestamp} and {@code schemaVersion} may be null (not used). */
    public record Columns(String id, String key, String type, String payload, String timestamp,
                          String schemaVersion) {
    }

    /** The topic from the {@code byColumn} value, rewritten by the regex; empty payloads as tombstones or not. */
    public record Routing(String byColumn, String topicRegex, String topicReplacement,
                          boolean tombstoneOnEmptyPayload) {
    }

    /**
     * How JSON payloads are expanded into structs (Debezium's table.expand.json.payload with its two behaviors):
     * fields only ever null, and empty arrays, are left out of the inferred schema, or kept as optional bytes and as
     * arrays of optional strings.
     */
    public record JsonExpansion(boolean keepNulls, boolean keepEmptyArrays) {
    }

    /** An update of an outbox row (they are insert-only): dropped with a warning or an error, or fails the task. */
    public enum OnUpdate { WARN, ERROR, FATAL }

    /** A delete of an outbox row: dropped, or a tombstone for the aggregate. */
    public enum OnDelete { DROP, TOMBSTONE }
}
