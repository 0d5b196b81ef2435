package io.sluice.connect.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.connect.jdbc.dialect.Dialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections to the configured database. Drivers are found through the plugin's own class loader (ours ship in
 * the bundle; others sit in the plugin directory), not through {@link DriverManager}, which only sees drivers the
 * worker's class path registered.
 */
final class Database {

    private Database() {
    }

    /** One connection, for discovery and validation; the caller closes it. */
    static Connection open(JdbcSourceConfig config, Dialect dialect) throws SQLException {
        Connection c = dataSource(config, dialect).getConnection();
        try {
            String init = dialect.connectionInitSql(config.dbZone());
            if (init != null) {
                try (var s = c.createStatement()) {
                    s.execute(init);
                }
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A task's pool: small (one connection reads, one spare), read-only, no auto-commit so PostgreSQL streams with
     * a cursor, validated, recycled after {@code connection.pool.max.lifetime.ms}, leaks reported.
     */
    static HikariDataSource pool(JdbcSourceConfig config, Dialect dialect, String poolName) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(poolName);
        h.setDataSource(dataSource(config, dialect));
        h.setMaximumPoolSize(2);
        h.setMinimumIdle(1);
        h.setAutoCommit(false);
        h.setReadOnly(true);
        h.setConnectionTimeout(config.getLong(JdbcSourceConfig.CONNECTION_TIMEOUT_MS));
        h.setValidationTimeout(Math.min(5_000, config.getLong(JdbcSourceConfig.CONNECTION_TIMEOUT_MS) - 1));
        h.setIdleTimeout(120_000);
        h.setKeepaliveTime(60_000);
        h.setMaxLifetime(config.getLong(JdbcSourceConfig.POOL_MAX_LIFETIME_MS));
        h.setLeakDetectionThreshold(config.getLong(JdbcSourceConfig.POOL_LEAK_DETECTION_MS));
        h.setInitializationFailTimeout(-1); // start even while the database is down; polls retry
        String isolation = config.getString(JdbcSourceConfig.TRANSACTION_ISOLATION_MODE).trim()
                .toUpperCase(Locale.ROOT);
        if (!isolation.equals("DEFAULT")) {
            h.setTransactionIsolation("TRANSACTION_" + isolation);
        }
        String init = dialect.connectionInitSql(config.dbZone());
        if (init != null) {
            h.setConnectionInitSql(init);
        }
        return new HikariDataSource(h);
    }

    private static final java.util.regex.Pattern URL_SECRET = java.util.regex.Pattern.compile(
            "(?i)([?&;](?:[a-z]*password|passwd|pwd|secret|[a-z]*token|sslkeypassword)=)[^&;]*");
    private static final java.util.regex.Pattern URL_USERINFO = java.util.regex.Pattern.compile("(//[^/@:]*:)[^/@]*@");

    /**
     * A JDBC URL fit for a log line: the values of password-like parameters ({@code password=}, {@code
     * sslpassword=}, {@code token=}...) and the password of {@code user:password@host} replaced by {@code ****}.
     */
    static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        return URL_USERINFO.matcher(URL_SECRET.matcher(url).replaceAll("$1****")).replaceAll("$1****@");
    }

    /**
     * What went wrong, for a message: the error's own words and, when a pool wrapped the driver's error (HikariCP's
     * "Connection is not available"), the driver's words too, which say why; passwords taken out.
     */
    static String reason(Throwable e, JdbcSourceConfig config) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == e || root.getMessage() == null || root.getMessage().equals(e.getMessage())
                ? e.getMessage() : e.getMessage() + " (" + root.getMessage() + ")";
        return redact(text, config);
    }

    /** {@code message} with the password taken out, should a driver ever echo it. */
    static String redact(String message, JdbcSourceConfig config) {
        String password = config.password();
        if (message == null || password == null || password.isEmpty()) {
            return redactUrl(message);
        }
        return redactUrl(message.replace(password, "********"));
    }

    /**
     * The URL the driver gets: as configured, except a MySQL Connector/J URL when no Connector/J driver is in the
     * plugin directory, which goes to the bundled MariaDB driver in its form ({@link MySqlUrl}).
     */
    static String url(JdbcSourceConfig config) {
        return mariaDbServesMySqlUrl(config.url()) ? MySqlUrl.toMariaDb(config.url(), config.dbZone()).url()
                : config.url();
    }

    /** True when {@code url} is Connector/J's and only the bundled MariaDB driver can serve it. */
    static boolean mariaDbServesMySqlUrl(String url) {
        return MySqlUrl.isMySql(url) && findDriver(url) == null;
    }

    private static DataSource dataSource(JdbcSourceConfig config, Dialect dialect) {
        Properties props = dialect.driverProperties();
        config.driverProperties().forEach(props::setProperty); // the user's connection.* keys win over our defaults
        if (config.user() != null) {
            props.setProperty("user", config.user());
        }
        if (config.password() != null) {
            props.setProperty("password", config.password());
        }
        return new DriverDataSource(url(config), props);
    }

    static Driver driver(String url) throws SQLException {
        Driver d = findDriver(url);
        return d != null ? d : DriverManager.getDriver(url); // throws "No suitable driver" naming the URL's prefix
    }

    private static Driver findDriver(String url) {
        for (Driver d : ServiceLoader.load(Driver.class, Database.class.getClassLoader())) {
            try {
                if (d.acceptsURL(url)) {
                    return d;
                }
            } catch (SQLException e) {
                // a driver that cannot tell does not take it
            }
        }
        return null;
    }

    /** A {@link DataSource} over one driver and fixed properties. */
    private static final class DriverDataSource implements DataSource {
        private final String url;
        private final Properties props;
        private int loginTimeoutSeconds;

        DriverDataSource(String url, Properties props) {
            this.url = url;
            this.props = props;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = driver(url).connect(url, props);
            if (c == null) {
                throw new SQLException("The driver does not accept " + url.replaceAll("\\?.*", ""));
            }
            return c;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeoutSeconds = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeoutSeconds;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
