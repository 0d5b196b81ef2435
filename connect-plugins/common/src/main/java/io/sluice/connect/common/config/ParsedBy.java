package io.sluice.connect.common.config;

import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A validator that runs the same parser the plugin runs at start-up, so {@code config/validate} reports on the very
 * key what would otherwise fail the task: the parser's {@link IllegalArgumentException} message, which names the part
 * at fault and the fix, becomes the key's error.
 */
public final class ParsedBy implements ConfigDef.Validator {

    private final Consumer<String> parser;

    private ParsedBy(Consumer<String> parser) {
        this.parser = parser;
    }

    /** For a STRING key: the whole value goes to {@code parser}; for a LIST key: each element does. */
    public static ParsedBy of(Consumer<String> parser) {
        return new ParsedBy(parser);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        try {
            if (value instanceof List<?> list) {
                list.forEach(v -> parser.accept(String.valueOf(v)));
            } else {
                parser.accept(value.toString());
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    /** What a generated reference shows in its valid-values column: the description says what parses. */
    @Override
    public String toString() {
        return "see description";
    }
}
