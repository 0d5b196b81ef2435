package io.sluice.connect.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A config key with a fixed set of values: one object serves as the key's validator (case-insensitive, the error
 * lists what is allowed) and as its recommender (so UIs and {@code config/validate} offer the values).
 */
public final class Choice implements ConfigDef.Validator, ConfigDef.Recommender {

    private final List<String> values;
    private final boolean many;

    private Choice(List<String> values, boolean many) {
        this.values = List.copyOf(values);
        this.many = many;
    }

    /** One of {@code values} (a STRING key). */
    public static Choice of(String... values) {
        return new Choice(List.of(values), false);
    }

    /** Any subset of {@code values} (a LIST key). */
    public static Choice anyOf(String... values) {
        return new Choice(List.of(values), true);
    }

    /** The constants of {@code type}, in lower case, as the allowed values. */
    public static <E extends Enum<E>> Choice ofEnum(Class<E> type) {
        return new Choice(java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .toList(), false);
    }

    /** The constant of {@code type} a value of {@link #ofEnum} names. */
    public static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    }

    /** The value normalised to lower case. */
    public static String normalize(String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        List<Object> given = many && value instanceof List<?> list ? new ArrayList<>(list) : List.of(value);
        for (Object v : given) {
            if (!values.contains(normalize(v.toString()))) {
                throw new ConfigException(name, v, "must be " + (many ? "any of " : "one of ") + String.join(", ", values));
            }
        }
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return new ArrayList<>(values);
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
        return true;
    }

    @Override
    public String toString() {
        return (many ? "any of " : "one of ") + values;
    }
}
