package io.sluice.connect.smt.pii;

import io.sluice.connect.common.path.FieldPath;

/** A field path and the strategy that masks what it reaches; {@code rule} is the rule text, for messages. */
record Target(FieldPath path, Strategy strategy, String rule) {
}
