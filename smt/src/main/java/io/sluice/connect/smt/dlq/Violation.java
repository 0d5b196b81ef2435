package io.sluice.connect.smt.dlq;

/**
 * Why a record is dead-lettered: the rule that failed (as written), the field it failed on, and a message that
 * describes the failure without quoting the record's content.
 */
public record Violation(String rule, String field, String message) {
}
