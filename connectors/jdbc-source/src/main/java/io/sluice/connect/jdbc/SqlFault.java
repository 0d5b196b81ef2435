package io.sluice.connect.jdbc;

import io.sluice.connect.jdbc.dialect.Dialect;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * What a failed database call means for the task: the fault classes of the guide's fault table, decided in one
 * place for the tasks' reads and the connector's table listing.
 */
enum SqlFault {
    /** The table was dropped (42P01, 42S02): skipped until the connector's table list catches up. */
    TABLE_GONE,
    /**
     * A retry cannot help: SQL syntax or unknown objects and permissions (class 42), invalid data (22), rejected
     * credentials (28, a locked account): the task fails at once naming the cause.
     */
    PERMANENT,
    /** The database cannot be reached or the connection broke (08, the drivers' connection errors). */
    CONNECTION,
    /** A query failed on a working connection (deadlock, lock or statement timeout, a killed session). */
    QUERY;

    static SqlFault of(SQLException e, Dialect dialect) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("42P01") || state.equals("42S02")) {
            return TABLE_GONE;
        }
        if (state.startsWith("42") || state.startsWith("22") || state.startsWith("28") || dialect.rejectsLogin(e)) {
            return PERMANENT;
        }
        if (state.startsWith("08") || e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException) {
            return CONNECTION;
        }
        return QUERY;
    }
}
