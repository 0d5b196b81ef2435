package io.sluice.connect.common.fault;

/**
 * A task's health as operators watch it: since when it has been retrying a fault (0 while it is not), and when it
 * last did its work (read a batch, committed a file). A task that is RUNNING but moving nothing shows here without
 * anyone reading its log. Written by the task's working thread, read by the metrics reporter.
 */
public final class Health {

    private volatile long retryingSinceMs;
    private volatile long lastSuccessMs;

    /** The work succeeded: the fault, if any, is over. */
    public void succeeded() {
        lastSuccessMs = System.currentTimeMillis();
        retryingSinceMs = 0;
    }

    /** The work failed at {@code nowMs} and will be retried; returns when this run of failures began. */
    public long failed(long nowMs) {
        if (retryingSinceMs == 0) {
            retryingSinceMs = nowMs;
        }
        return retryingSinceMs;
    }

    /** Epoch milliseconds of the first failure of the current run of failures, or 0 when there is none. */
    public long retryingSinceMs() {
        return retryingSinceMs;
    }

    /** Epoch milliseconds of the last success, or 0 before the first. */
    public long lastSuccessMs() {
        return lastSuccessMs;
    }
}
