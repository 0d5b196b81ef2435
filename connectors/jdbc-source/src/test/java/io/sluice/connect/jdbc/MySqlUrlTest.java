package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Connector/J URLs as the MariaDB driver takes them, option by option. */
class MySqlUrlTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    private static String translated(String url) {
        return MySqlUrl.toMariaDb(url, UTC).url();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // TLS: Connector/J's default is PREFERRED (TLS when the server offers it, no certificate check)
            "jdbc:mysql://db:3306/shop | jdbc:mariadb://db:3306/shop?sslMode=allow",
            "jdbc:mysql://db/shop?sslMode=DISABLED | jdbc:mariadb://db/shop?sslMode=disable",
            "jdbc:mysql://db/shop?sslMode=preferred | jdbc:mariadb://db/shop?sslMode=allow",
            "jdbc:mysql://db/shop?sslMode=REQUIRED | jdbc:mariadb://db/shop?sslMode=trust",
            "jdbc:mysql://db/shop?sslMode=VERIFY_CA | jdbc:mariadb://db/shop?sslMode=verify-ca",
            "jdbc:mysql://db/shop?sslMode=VERIFY_IDENTITY | jdbc:mariadb://db/shop?sslMode=verify-full",
            "jdbc:mysql://db/shop?useSSL=false | jdbc:mariadb://db/shop?sslMode=disable",
            "jdbc:mysql://db/shop?useSSL=true | jdbc:mariadb://db/shop?sslMode=allow",
            "jdbc:mysql://db/shop?useSSL=true&requireSSL=true | jdbc:mariadb://db/shop?sslMode=trust",
            "jdbc:mysql://db/shop?useSSL=true&verifyServerCertificate=true | jdbc:mariadb://db/shop?sslMode=verify-ca",
            // sslMode wins over the older options, as in Connector/J
            "jdbc:mysql://db/shop?useSSL=false&sslMode=REQUIRED | jdbc:mariadb://db/shop?sslMode=trust",
            // shared names kept, renamed ones renamed, Sluice's own behaviour dropped
            "jdbc:mysql://db/shop?allowPublicKeyRetrieval=true&useSSL=false | "
                    + "jdbc:mariadb://db/shop?allowPublicKeyRetrieval=true&sslMode=disable",
            "jdbc:mysql://db/shop?tinyInt1isBit=false&connectTimeout=5000 | "
                    + "jdbc:mariadb://db/shop?tinyInt1isBit=false&connectTimeout=5000&sslMode=allow",
            "jdbc:mysql://db/shop?trustCertificateKeyStoreUrl=file:/ts.jks&trustCertificateKeyStorePassword=x"
                    + " | jdbc:mariadb://db/shop?trustStore=file:/ts.jks&trustStorePassword=x&sslMode=allow",
            "jdbc:mysql://db/shop?serverTimezone=UTC&zeroDateTimeBehavior=CONVERT_TO_NULL&useUnicode=true"
                    + "&characterEncoding=UTF-8&autoReconnect=true | jdbc:mariadb://db/shop?sslMode=allow",
            "jdbc:mysql://db/shop?zeroDateTimeBehavior=convertToNull | jdbc:mariadb://db/shop?sslMode=allow",
            // host lists, load balancing and replication keep their form
            "jdbc:mysql://db1:3306,db2:3306/shop | jdbc:mariadb://db1:3306,db2:3306/shop?sslMode=allow",
            "jdbc:mysql:loadbalance://db1,db2/shop | jdbc:mariadb:loadbalance://db1,db2/shop?sslMode=allow",
            "jdbc:mysql:replication://db1,db2/shop | jdbc:mariadb:replication://db1,db2/shop?sslMode=allow",
    })
    void connectorJOptionsMeanTheSameToTheMariaDbDriver(String mysql, String mariadb) {
        assertThat(MySqlUrl.isMySql(mysql)).isTrue();
        assertThat(MySqlUrl.problems(mysql, UTC)).isEmpty();
        assertThat(translated(mysql)).isEqualTo(mariadb);
    }

    @Test
    void optionsWithoutEffectAreNamedWithTheReason() {
        var t = MySqlUrl.toMariaDb("jdbc:mysql://db/shop?useUnicode=true&characterEncoding=utf8&autoReconnect=true", UTC);
        assertThat(t.ignored()).hasSize(3).anySatisfy(i -> assertThat(i).startsWith("autoReconnect (the connection pool"));
    }

    @Test
    void aServerTimeZoneOtherThanDbTimezoneIsRefusedNamingTheEquivalent() {
        String url = "jdbc:mysql://db/shop?serverTimezone=Europe%2FBerlin";
        assertThat(MySqlUrl.problems(url, UTC)).singleElement().asString()
                .contains("serverTimezone=Europe/Berlin").contains("set db.timezone=Europe/Berlin");
        assertThat(MySqlUrl.problems(url, ZoneId.of("Europe/Berlin"))).isEmpty();
        assertThat(translated("jdbc:mysql://db/shop?connectionTimeZone=Z")).isEqualTo("jdbc:mariadb://db/shop?sslMode=allow");
        assertThatThrownBy(() -> translated(url)).hasMessageContaining("db.timezone");
    }

    @Test
    void zeroDatesOtherThanNullAndUnknownTlsModesAreRefused() {
        assertThat(MySqlUrl.problems("jdbc:mysql://db/shop?zeroDateTimeBehavior=EXCEPTION", UTC)).singleElement()
                .asString().contains("CONVERT_TO_NULL");
        assertThat(MySqlUrl.problems("jdbc:mysql://db/shop?sslMode=SOMETIMES", UTC)).singleElement()
                .asString().contains("sslMode=SOMETIMES");
    }

    @Test
    void otherUrlsAreNotConnectorJs() {
        assertThat(MySqlUrl.isMySql("jdbc:mariadb://db/shop")).isFalse();
        assertThat(MySqlUrl.isMySql("jdbc:postgresql://db/shop")).isFalse();
        assertThat(MySqlUrl.isMySql("JDBC:MYSQL://db/shop")).isTrue();
    }
}
