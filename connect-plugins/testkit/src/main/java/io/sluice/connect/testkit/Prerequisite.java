package io.sluice.connect.testkit;

import org.junit.jupiter.api.Assumptions;

/**
 * What to do when a test finds a server or tool it needs missing (PostgreSQL, MariaDB, promtool, Docker). On a
 * laptop the test skips, saying why; where the run requires them ({@value #REQUIRED}=true in the environment, as
 * {@code .ci/run} sets) it fails, so that a CI run cannot pass by skipping.
 */
public final class Prerequisite {

    /** The environment variable that turns a missing prerequisite from a skip into a failure. */
    public static final String REQUIRED = "SLUICE_REQUIRE_SERVERS";

    private Prerequisite() {
    }

    /** Ends the calling test: skipped with {@code why}, or failed with it where prerequisites are required. */
    public static void missing(String why) {
        if (Boolean.parseBoolean(System.getenv(REQUIRED))) {
            throw new AssertionError(why + " (" + REQUIRED + "=true: required here, not skipped)");
        }
        System.err.println("skipped: " + why); // in the build log too, not only in the report
        Assumptions.abort(why);
    }

    /**
     * For what no machine of this kind has (a Docker engine): always a skip, even where prerequisites are required.
     */
    public static void unavailableHere(String why) {
        System.err.println("skipped: " + why);
        Assumptions.abort(why);
    }
}
