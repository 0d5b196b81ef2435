package io.sluice.connect.common.fault;

/**
 * How long a transient fault (a database or store that cannot be reached) is retried before the task fails: at
 * least {@code attempts} attempts, and for at least {@code timeoutMs} since the first failure in a row. Both must be
 * used up, so a routine restart or failover of the server (a minute or two) is ridden out with the defaults, while a
 * lasting outage still ends in a FAILED task whose message names both keys.
 */
public record RetryBudget(int attempts, long timeoutMs, String attemptsKey, String timeoutKey) {

    /** Whether {@code failures} failures in a row over {@code elapsedMs} use the budget up. */
    public boolean exhausted(int failures, long elapsedMs) {
        return failures >= attempts && elapsedMs >= timeoutMs;
    }

    /** The budget as the keys that set it, for messages. */
    public String describe() {
        return attemptsKey + "=" + attempts + ", " + timeoutKey + "=" + timeoutMs;
    }
}
