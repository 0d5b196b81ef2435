package io.sluice.connect.jdbc.schema;

import io.sluice.connect.common.config.Choice;
import java.util.Locale;

/** Confluent's {@code numeric.mapping}: how NUMERIC/DECIMAL columns become Connect types. */
public enum NumericMapping {
    /** Always Connect {@code Decimal}: exact. */
    NONE,
    /** Integers when the scale is 0 and the precision fits 18 digits, else {@code Decimal}: exact. */
    PRECISION_ONLY,
    /** As precision_only, plus FLOAT64 for fractions of at most 15 digits (exact in a double). */
    BEST_FIT,
    /** As best_fit, but every fraction as FLOAT64: may round, and the user asked for it. */
    BEST_FIT_EAGER_DOUBLE;

    public static final Choice CHOICE = Choice.ofEnum(NumericMapping.class);

    public static NumericMapping parse(String value) {
        return Choice.parseEnum(NumericMapping.class, value);
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
