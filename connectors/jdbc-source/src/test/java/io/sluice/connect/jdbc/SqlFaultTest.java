package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.dialect.Dialect;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fault class of each database error, as the guide's fault table gives it. */
class SqlFaultTest {

    private static final Dialect POSTGRES = Dialect.of("", "jdbc:postgresql://db/shop", true);
    private static final Dialect MARIADB = Dialect.of("", "jdbc:mariadb://db/shop", true);

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            // sqlState, errorCode, exception kind, expected on PostgreSQL, expected on MariaDB
            "42P01, 0, plain, TABLE_GONE, TABLE_GONE",
            "42S02, 1146, plain, TABLE_GONE, TABLE_GONE",
            "42601, 0, plain, PERMANENT, PERMANENT",          // syntax
            "42501, 0, plain, PERMANENT, PERMANENT",          // permission denied
            "22P02, 0, plain, PERMANENT, PERMANENT",          // invalid data
            "28000, 0, plain, PERMANENT, PERMANENT",          // login refused
            "28P01, 0, transient, PERMANENT, PERMANENT",      // password wrong, wrapped by the pool
            "HY000, 4151, transient, CONNECTION, PERMANENT",  // MariaDB account locked, wrapped by the pool
            "HY000, 3118, plain, QUERY, PERMANENT",           // MySQL account locked
            "08006, 0, plain, CONNECTION, CONNECTION",        // connection lost
            "08001, 0, nontransient, CONNECTION, CONNECTION", // cannot connect
            ", 0, transient, CONNECTION, CONNECTION",         // pool timeout without a state
            "40P01, 0, plain, QUERY, QUERY",                  // deadlock
            "55P03, 0, plain, QUERY, QUERY",                  // lock not available
            "57014, 0, plain, QUERY, QUERY",                  // statement cancelled (timeout)
    })
    void eachErrorHasItsFaultClass(String state, int code, String kind, SqlFault onPostgres, SqlFault onMariaDb) {
        SQLException driver = new SQLException("driver says no", state, code);
        SQLException e = switch (kind) {
            case "transient" -> new SQLTransientConnectionException("pool timed out", state, driver);
            case "nontransient" -> new SQLNonTransientConnectionException("cannot connect", state, code);
            default -> driver;
        };
        assertThat(SqlFault.of(e, POSTGRES)).isEqualTo(onPostgres);
        assertThat(SqlFault.of(e, MARIADB)).isEqualTo(onMariaDb);
    }
}
