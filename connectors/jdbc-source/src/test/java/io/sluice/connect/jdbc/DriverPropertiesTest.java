package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Confluent's connection.* keys: any driver parameter, never one of the connector's own connection keys. */
class DriverPropertiesTest {

    @Test
    void connectionPrefixedKeysThatAreNotOursGoToTheDriver() {
        JdbcSourceConfig config = new JdbcSourceConfig(Map.of(
                JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://db/shop", JdbcSourceConfig.MODE, "bulk",
                JdbcSourceConfig.CONNECTION_USER, "app", JdbcSourceConfig.CONNECTION_PASSWORD, "secret",
                JdbcSourceConfig.CONNECTION_ATTEMPTS, "5", JdbcSourceConfig.POOL_MAX_LIFETIME_MS, "600000",
                "connection.loginTimeout", "10", "connection.oracle.jdbc.ReadTimeout", "45000",
                "poll.interval.ms", "100"));
        assertThat(config.driverProperties())
                .isEqualTo(Map.of("loginTimeout", "10", "oracle.jdbc.ReadTimeout", "45000"));
    }
}
