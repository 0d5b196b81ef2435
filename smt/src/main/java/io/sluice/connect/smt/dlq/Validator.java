package io.sluice.connect.smt.dlq;

import io.sluice.connect.common.rules.PathRule;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.connector.ConnectRecord;

/** The validation rules of one router, checked in order; the first failure is the record's violation. */
public final class Validator {

    private final List<Check> checks;
    private final boolean keyRequired;
    private final boolean valueSchemaRequired;
    private final String valueSchemaName;

    /**
     * @throws IllegalArgumentException naming the rule at fault
     */
    public Validator(String rules, boolean keyRequired, boolean valueSchemaRequired, String valueSchemaName) {
        List<Check> cs = new ArrayList<>();
        for (PathRule rule : PathRule.parseList(rules)) {
            cs.add(Check.of(rule));
        }
        this.checks = List.copyOf(cs);
        this.keyRequired = keyRequired;
        this.valueSchemaRequired = valueSchemaRequired || valueSchemaName != null;
        this.valueSchemaName = valueSchemaName;
    }

    /** Checks a rule list as the router would read it, for the config validator. */
    public static void checkRules(String rules) {
        for (PathRule rule : PathRule.parseList(rules)) {
            Check.of(rule);
        }
    }

    public boolean isEmpty() {
        return checks.isEmpty() && !keyRequired && !valueSchemaRequired;
    }

    /**
     * The record's first violation, or null. Field rules apply to the value; a tombstone passes them all unless a
     * rule says {@code $=required}.
     */
    public Violation validate(ConnectRecord<?> record) {
        if (keyRequired && record.key() == null) {
            return new Violation("key.required", "key", "the record has no key");
        }
        if (record.value() != null && valueSchemaRequired) {
            if (record.valueSchema() == null) {
                return new Violation("value.schema.required", "$", "the value has no schema");
            }
            if (valueSchemaName != null && !valueSchemaName.equals(record.valueSchema().name())) {
                return new Violation("value.schema.name", "$", "the value schema is '" + record.valueSchema().name()
                        + "', not '" + valueSchemaName + "'");
            }
        }
        for (Check c : checks) {
            if (record.value() == null && !c.rule.path().isRoot()) {
                continue; // a tombstone: only a rule on the whole value ($) speaks for it
            }
            Violation v = c.check(record.valueSchema(), record.value());
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
