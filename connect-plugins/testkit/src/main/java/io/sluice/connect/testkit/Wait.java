package io.sluice.connect.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Bounded waits on real conditions: poll until true or the deadline passes, then fail saying what was awaited. */
public final class Wait {

    private static final long POLL_MS = 200;

    private Wait() {
    }

    /**
     * Polls {@code condition} until it returns true. Exceptions thrown by the condition count as "not yet"; the last
     * one is attached to the timeout error.
     */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (AssertionError | Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError timedOut = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : "; last failure: " + last));
                if (last != null) {
                    timedOut.initCause(last);
                }
                throw timedOut;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
