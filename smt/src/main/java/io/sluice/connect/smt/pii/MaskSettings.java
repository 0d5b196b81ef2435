package io.sluice.connect.smt.pii;

import java.util.List;
import java.util.Map;

/**
 * What {@link Masking} does, typed and grouped as PiiMask's config is: the rules, then the defaults each strategy
 * takes when a rule does not say otherwise. {@code PiiMask} builds it from its config; nothing here knows the keys.
 *
 * @param rules           the rule list as written ({@code path=strategy(arguments)}, comma-separated)
 * @param onError         what to do where a strategy cannot mask a field's type
 * @param schemaCacheSize how many schemas' masking plans are kept
 */
public record MaskSettings(String rules, Redaction redaction, Hashing hashing, PartialMask partial,
                           Detection detection, OnError onError, int schemaCacheSize) {

    /** Fields always redacted, and what {@code redact} writes without an argument (null: the type's empty value). */
    public record Redaction(List<String> fields, String replacement) {
    }

    /** The secret key of {@code hash} (null when unset: hash rules are refused) and how pseudonyms are written. */
    public record Hashing(byte[] key, HashEncoding encoding) {
    }

    /** The defaults of {@code partial}: the mask character and what stays readable. */
    public record PartialMask(char maskChar, int keepFirst, int keepLast, String keepChars) {
    }

    /** The detectors {@code detect} runs without arguments, what a finding becomes, and user-defined patterns. */
    public record Detection(List<String> types, DetectMask mask, Map<String, String> customPatterns) {
    }

    /** How a pseudonym is written. */
    public enum HashEncoding { HEX, BASE64 }

    /** What a finding in free text is replaced with: its label, mask characters, or a pseudonym. */
    public enum DetectMask { LABEL, CHAR, HASH }

    /** What to do where a rule's strategy cannot mask a field's type. Passing the field through is not an option. */
    public enum OnError { FAIL, REDACT }
}
