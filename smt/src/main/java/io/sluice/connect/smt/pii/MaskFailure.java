package io.sluice.connect.smt.pii;

/** A value could not be masked: where, and why. The transform turns it into a DataException with the record. */
public final class MaskFailure extends RuntimeException {

    private final String path;
    private final String rule;

    MaskFailure(String path, String rule, String reason) {
        super(reason, null, false, false);
        this.path = path;
        this.rule = rule;
    }

    /** The concrete field path, e.g. {@code contacts[*].phone}. */
    public String path() {
        return path;
    }

    public String rule() {
        return rule;
    }
}
