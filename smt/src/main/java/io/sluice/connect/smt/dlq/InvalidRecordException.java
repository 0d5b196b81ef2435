package io.sluice.connect.smt.dlq;

import org.apache.kafka.connect.errors.DataException;

/** A record failed a validation rule; in {@code fail} mode the router throws it for Connect's own error handling. */
public class InvalidRecordException extends DataException {

    public InvalidRecordException(String message) {
        super(message);
    }
}
