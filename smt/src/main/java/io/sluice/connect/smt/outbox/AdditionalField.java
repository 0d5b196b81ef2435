package io.sluice.connect.smt.outbox;

import io.sluice.connect.common.config.ParsedBy;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;

/** A {@code column:placement[:alias]} entry of table.fields.additional.placement: one more column an event carries. */
public record AdditionalField(String column, Placement placement, String alias) {

    /** Where the column's value goes: a header, a field beside the payload, or the record's partition. */
    public enum Placement { HEADER, ENVELOPE, PARTITION }

    /** Validates the whole list at config/validate with the parser configure() runs. */
    public static final ConfigDef.Validator VALIDATOR = ParsedBy.of(AdditionalField::parse);

    static AdditionalField parse(String entry) {
        String[] parts = entry.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException("'" + entry + "' is not column:header|envelope|partition[:alias]");
        }
        Placement placement;
        try {
            placement = Placement.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + entry + "': placement must be header, envelope or partition");
        }
        String alias = parts.length == 3 && !parts[2].isBlank() ? parts[2].trim() : parts[0].trim();
        return new AdditionalField(parts[0].trim(), placement, alias);
    }

    public static List<AdditionalField> parseAll(List<String> entries) {
        return entries.stream().filter(e -> !e.isBlank()).map(AdditionalField::parse).toList();
    }
}
