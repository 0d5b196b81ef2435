package io.sluice.connect.smt.pii;

/** A strategy cannot mask a value of this type; the caller adds the field and the record. */
public class MaskException extends RuntimeException {

    public MaskException(String reason) {
        super(reason, null, false, false);
    }
}
