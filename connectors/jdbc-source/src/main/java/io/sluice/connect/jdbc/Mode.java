package io.sluice.connect.jdbc;

import java.util.Arrays;
import java.util.Locale;

/** How rows are found: the whole table each time, or new rows after a stored position. */
public enum Mode {
    BULK("bulk"),
    INCREMENTING("incrementing"),
    TIMESTAMP("timestamp"),
    TIMESTAMP_INCREMENTING("timestamp+incrementing");

    private final String configValue;

    Mode(String configValue) {
        this.configValue = configValue;
    }

    public static Mode parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.configValue.equals(v)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown mode " + value));
    }

    static String[] names() {
        return Arrays.stream(values()).map(m -> m.configValue).toArray(String[]::new);
    }

    public boolean usesIncrementing() {
        return this == INCREMENTING || this == TIMESTAMP_INCREMENTING;
    }

    public boolean usesTimestamp() {
        return this == TIMESTAMP || this == TIMESTAMP_INCREMENTING;
    }

    @Override
    public String toString() {
        return configValue;
    }
}
