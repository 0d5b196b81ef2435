package io.sluice.connect.sizing;

/** A workload the helper cannot size: the message names the field and says what would fix it. */
public class SizingException extends IllegalArgumentException {

    private final String field;

    public SizingException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The workload field at fault, as written in the workload file or flag. */
    public String field() {
        return field;
    }
}
