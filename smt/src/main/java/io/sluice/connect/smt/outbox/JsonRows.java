package io.sluice.connect.smt.outbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Outbox rows that arrive as JSON text (a source with a string converter, a file, a JSON export): read as schemaless
 * rows, so they route like any other.
 */
final class JsonRows {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ROW = new TypeReference<>() {
    };

    private JsonRows() {
    }

    /** The JSON object in a String or UTF-8 bytes, or null when it is not one. */
    static Map<String, Object> parse(Object value) {
        String text = value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) value;
        if (!text.trim().startsWith("{")) {
            return null;
        }
        try {
            return MAPPER.readValue(text, ROW);
        } catch (IOException e) {
            return null;
        }
    }
}
