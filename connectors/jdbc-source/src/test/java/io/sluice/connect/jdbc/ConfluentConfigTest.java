package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.schema.NumericMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Keys and values of Confluent's JDBC source that are not Sluice's own: each read as Confluent means it. */
class ConfluentConfigTest {

    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put(JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://db/shop");
        p.put(JdbcSourceConfig.MODE, "bulk");
        return p;
    }

    private static JdbcSourceConfig config(Map<String, String> extra) {
        Map<String, String> p = base();
        p.putAll(extra);
        return new JdbcSourceConfig(p, false);
    }

    /** Validation accepts any case; what the task does must follow what validation accepted (RESTART was read as fail). */
    @Test
    void enumValuedKeysAreReadInAnyCaseValidationAccepts() {
        Map.of("restart", JdbcSourceConfig.QueryChange.RESTART, " RESTART ", JdbcSourceConfig.QueryChange.RESTART,
                "Fail", JdbcSourceConfig.QueryChange.FAIL).forEach((value, expected) ->
                assertThat(config(Map.of(JdbcSourceConfig.QUERY_CHANGE_BEHAVIOR, value)).queryChangeBehavior())
                        .as(value).isEqualTo(expected));
        assertThat(config(Map.of()).queryChangeBehavior()).isEqualTo(JdbcSourceConfig.QueryChange.FAIL);
        assertThat(config(Map.of(JdbcSourceConfig.QUOTE_SQL_IDENTIFIERS, "NEVER")).quoteIdentifiers()).isFalse();
        assertThat(config(Map.of(JdbcSourceConfig.QUOTE_SQL_IDENTIFIERS, "Always")).quoteIdentifiers()).isTrue();
    }

    @Test
    void connectionPrefixedKeysThatAreNotOursGoToTheDriver() {
        JdbcSourceConfig config = config(Map.of(JdbcSourceConfig.CONNECTION_USER, "app",
                JdbcSourceConfig.CONNECTION_PASSWORD, "secret", JdbcSourceConfig.CONNECTION_ATTEMPTS, "5",
                JdbcSourceConfig.POOL_MAX_LIFETIME_MS, "600000", "connection.loginTimeout", "10",
                "connection.oracle.jdbc.ReadTimeout", "45000", "poll.interval.ms", "100"));
        assertThat(config.driverProperties())
                .isEqualTo(Map.of("loginTimeout", "10", "oracle.jdbc.ReadTimeout", "45000"));
    }

    @Test
    void confluentsDialectClassNamesPickOursOrTheGenericOne() {
        Map<String, String> expected = Map.of("PostgreSqlDatabaseDialect", "postgresql",
                "MySqlDatabaseDialect", "mariadb", "GenericDatabaseDialect", "generic",
                "SqlServerDatabaseDialect", "generic", "OracleDatabaseDialect", "generic", "", "",
                "postgresql", "postgresql", "mysql", "mysql");
        expected.forEach((confluent, ours) ->
                assertThat(config(Map.of(JdbcSourceConfig.DIALECT_NAME, confluent)).dialectName()).as(confluent)
                        .isEqualTo(ours));
    }

    @Test
    void theDeprecatedPrecisionMappingMeansPrecisionOnlyUnlessNumericMappingIsSet() {
        assertThat(config(Map.of()).numericMapping()).isEqualTo(NumericMapping.NONE);
        assertThat(config(Map.of(JdbcSourceConfig.NUMERIC_PRECISION_MAPPING, "true")).numericMapping())
                .isEqualTo(NumericMapping.PRECISION_ONLY);
        assertThat(config(Map.of(JdbcSourceConfig.NUMERIC_PRECISION_MAPPING, "true",
                JdbcSourceConfig.NUMERIC_MAPPING, "best_fit")).numericMapping()).isEqualTo(NumericMapping.BEST_FIT);
    }

    @Test
    void aMaskedQueryIsTheQueryAndNeverShown() {
        JdbcSourceConfig masked = config(Map.of(JdbcSourceConfig.QUERY_MASKED, "SELECT * FROM secret_orders",
                JdbcSourceConfig.TOPIC_PREFIX, "orders"));
        assertThat(masked.queryMode()).isTrue();
        assertThat(Sources.userQuery(masked)).isEqualTo("SELECT * FROM secret_orders");
        // a PASSWORD key: the worker's config dump and REST answers show it hidden
        assertThat(String.valueOf(masked.values().get(JdbcSourceConfig.QUERY_MASKED))).isEqualTo("[hidden]");
        assertThat(config(Map.of(JdbcSourceConfig.QUERY, "SELECT 1", JdbcSourceConfig.QUERY_MASKED, "SELECT 2"))
                .query()).as("Confluent's precedence").isEqualTo("SELECT 2");
        assertThat(config(Map.of()).queryMode()).isFalse();
    }

    @Test
    void onlyConfluentsDefaultCredentialsProviderIsAcceptedAndValidateSaysWhatToUse() {
        assertThat(config(Map.of("jdbc.credentials.provider.class", JdbcSourceConfig.CONFLUENT_DEFAULT_CREDENTIALS))
                .crossKeyProblems()).isEmpty();
        Map<String, String> p = base();
        p.put("jdbc.credentials.provider.class", "com.example.AwsIamCredentialsProvider");
        // through the connector's validate, as the worker's REST API runs it: the foreign key is named in the answer
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : new JdbcSourceConnector().validate(p).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        assertThat(errors).containsOnlyKeys("jdbc.credentials.provider.class");
        assertThat(errors.get("jdbc.credentials.provider.class")).singleElement().asString()
                .contains("ConfigProvider").contains("connection.password").doesNotContain("AwsIam");
    }

    @Test
    void keysWithoutEffectAreNamedWithTheReasonAndValidateAcceptsThem() {
        Map<String, String> p = base();
        p.putAll(Map.of("max.buffer.size", "5000", "poll.linger.ms", "100", "date.calendar.system", "LEGACY"));
        assertThat(new JdbcSourceConfig(p, false).confluentKeyWarnings())
                .containsOnlyKeys("max.buffer.size", "poll.linger.ms", "date.calendar.system")
                .hasEntrySatisfying("date.calendar.system", why -> assertThat(why).contains("1582")
                        .contains("has no effect"));
        // config/validate: no error on any of them (the database checks that follow need no server for this)
        for (ConfigValue v : JdbcSourceConfig.CONFIG_DEF.validate(p)) {
            assertThat(v.errorMessages()).as(v.name()).isEmpty();
        }
    }
}
