package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Credentials written into connection.url never reach a log line. */
class RedactionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://db/shop?user=app&password=s3cr3t&ssl=true | jdbc:postgresql://db/shop?user=app&password=****&ssl=true",
            "jdbc:postgresql://db/shop?sslpassword=k3y | jdbc:postgresql://db/shop?sslpassword=****",
            "jdbc:mysql://app:s3cr3t@db:3306/shop | jdbc:mysql://app:****@db:3306/shop",
            "jdbc:sqlserver://db;user=app;password=s3cr3t;encrypt=true | jdbc:sqlserver://db;user=app;password=****;encrypt=true",
            "jdbc:snowflake://acct/?token=abc&warehouse=w | jdbc:snowflake://acct/?token=****&warehouse=w",
            "jdbc:postgresql://db/shop?passwordless=false | jdbc:postgresql://db/shop?passwordless=false",
            "jdbc:postgresql://db/shop | jdbc:postgresql://db/shop",
    })
    void passwordsInUrlsAreMasked(String url, String logged) {
        assertThat(Database.redactUrl(url)).isEqualTo(logged);
    }

    @Test
    void theConfigDumpHidesTheUrlsPasswordAndThePasswordKey() {
        JdbcSourceConfig config = new JdbcSourceConfig(Map.of(
                JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://db/shop?user=app&password=s3cr3t",
                JdbcSourceConfig.CONNECTION_PASSWORD, "0th3r", JdbcSourceConfig.MODE, "bulk"));
        assertThat(config.dump()).contains("connection.url = jdbc:postgresql://db/shop?user=app&password=****")
                .doesNotContain("s3cr3t").doesNotContain("0th3r").contains("mode = bulk");
    }
}
