/**
 * Sluice's single message transforms: {@code DeadLetterRouter}, {@code PiiMask$Key}/{@code PiiMask$Value} and
 * {@code OutboxRouter}, one class each. They arrive with their own issues; until then this module ships nothing and the
 * bundle does not include it.
 */
package io.sluice.connect.smt;
