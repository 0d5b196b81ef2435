package io.sluice.connect.smt.pii;

import java.util.function.UnaryOperator;
import org.apache.kafka.connect.data.Schema;

/** One way of masking a field: {@code redact}, {@code hash}, {@code partial}, {@code truncate} or {@code detect}. */
public interface Strategy {

    /** A strategy bound to one field schema: the schema the masked field gets, and the masking of its values. */
    record Bound(Schema schema, UnaryOperator<Object> mask) {
    }

    /** The rule text this strategy came from, e.g. {@code partial(last=4)}. */
    String describe();

    /**
     * Binds to a field schema once per input schema, so records pay no per-record type dispatch.
     *
     * @throws MaskException if this strategy cannot mask values of that schema
     */
    Bound bind(Schema schema);

    /**
     * Masks a value of a record without a schema: String, Number, Boolean, byte[], Map, List, java.util.Date.
     *
     * @throws MaskException if this strategy cannot mask that value
     */
    Object maskSchemaless(Object value);

    /** A schema's type for messages: the logical name where there is one. */
    static String typeName(Schema schema) {
        return schema.name() != null && schema.name().startsWith("org.apache.kafka.connect.data.")
                ? schema.name().substring("org.apache.kafka.connect.data.".length()) : schema.type().toString();
    }

    static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
