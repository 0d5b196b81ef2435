package io.sluice.connect.quickstart;

import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.PluginDirectory;
import io.sluice.connect.testkit.S3Server;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the demo runs on, all on 127.0.0.1: a database on the local PostgreSQL server (or an embedded one), an
 * S3 server (S3Proxy in this JVM), a KRaft broker and a distributed Connect worker (separate JVMs from Kafka's jars)
 * with the unpacked zip in its {@code plugin.path}. The worker reads hosts and secrets from its environment through
 * Kafka's EnvVarConfigProvider, exactly as the {@code ${env:...}} placeholders of the config examples expect.
 */
final class LocalStack implements AutoCloseable {

    static final String DATABASE = "sluice_quickstart";
    static final String BUCKET = "lake";
    /** Not a secret worth keeping: it only pseudonymizes the demo's made-up e-mail addresses. */
    static final String HASH_KEY = "quickstart-hash-key-0123456789abcdef";

    private final Options options;
    private String serverUrl;
    private String user;
    private String password;
    private String databaseUrl;
    private EmbeddedPostgres embedded;
    private S3Server s3;
    private ConnectCluster cluster;

    private LocalStack(Options options) {
        this.options = options;
    }

    /** Starts every part; on failure, stops what did start. */
    static LocalStack start(Options options, Console console) throws Exception {
        LocalStack stack = new LocalStack(options);
        try {
            stack.startAll(console);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Console console) throws Exception {
        startDatabase(console);
        s3 = new S3Server();
        s3.createBucket(BUCKET);
        console.step("S3 server", s3.url() + " (S3Proxy, bucket " + BUCKET + ", access key " + S3Server.ACCESS_KEY
                + ")");
        Path pluginPath = PluginDirectory.unpackFor(options.zip(), options.work().resolve("plugins"),
                options.kafkaVersion());
        console.step("Kafka", "starting a KRaft broker and a Connect worker of Kafka " + options.kafkaVersion()
                + " with plugin.path=" + pluginPath.toAbsolutePath());
        ConnectCluster.Builder builder = ConnectCluster.builder().name("quickstart")
                .kafkaVersion(options.kafkaVersion()).workers(1).pluginPath(pluginPath)
                .baseDir(options.work().resolve("cluster")).jmx()
                .workerProperty("plugin.discovery", "service_load")
                .workerProperty("rest.extension.classes", "io.sluice.connect.sizing.SizingRestExtension")
                .workerProperty("config.providers", "env")
                .workerProperty("config.providers.env.class",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        workerEnvironment().forEach(builder::workerEnv);
        cluster = builder.start();
        console.step("Connect", cluster.rest().base() + " (broker " + cluster.bootstrapServers() + ", logs under "
                + cluster.dir().toAbsolutePath() + ")");
    }

    /** What the examples' {@code ${env:...}} placeholders resolve to on the worker. */
    private Map<String, String> workerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_PG_URL", databaseUrl);
        env.put("SLUICE_PG_USER", user);
        env.put("SLUICE_PG_PASSWORD", password);
        env.put("SLUICE_PII_HASH_KEY", HASH_KEY);
        env.put("SLUICE_S3_BUCKET", BUCKET);
        env.put("SLUICE_S3_REGION", "us-east-1");
        env.put("SLUICE_S3_URL", s3.url());
        env.put("SLUICE_S3_ACCESS_KEY", S3Server.ACCESS_KEY);
        env.put("SLUICE_S3_SECRET_KEY", S3Server.SECRET_KEY);
        return env;
    }

    /**
     * The server at {@code --postgres-url}; or, when nothing answers at the default address (or with
     * {@code --embedded-postgres}), a PostgreSQL the quickstart starts itself under its work directory.
     */
    private void startDatabase(Console console) throws Exception {
        if (options.postgres() != Options.Postgres.EMBEDDED) {
            try {
                useServer(options.postgresUrl(), options.postgresUser(), options.postgresPassword());
                console.step("PostgreSQL", databaseUrl + " (database " + DATABASE + " on the server at " + serverUrl
                        + ")");
                return;
            } catch (SQLException e) {
                if (options.postgres() == Options.Postgres.SERVER || !"08001".equals(e.getSQLState())) {
                    throw new SQLException("cannot use PostgreSQL at " + options.postgresUrl() + " as "
                            + options.postgresUser() + ": " + e.getMessage() + "\nName a server with --postgres-url/"
                            + "--postgres-user/--postgres-password (the user must be allowed to create a database), "
                            + "or use --embedded-postgres.", e);
                }
                console.step("PostgreSQL", "nothing answers at " + options.postgresUrl()
                        + ": starting an embedded one");
            }
        }
        try {
            embedded = EmbeddedPostgres.builder().setDataDirectory(options.work().resolve("postgres").toAbsolutePath())
                    .setCleanDataDirectory(true).start();
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("cannot start an embedded PostgreSQL (this build carries binaries for Linux "
                    + "x86-64 only): " + e.getMessage()
                    + "\nStart a PostgreSQL server and name it with --postgres-url.", e);
        }
        useServer("jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres", "postgres", "");
        console.step("PostgreSQL", databaseUrl + " (embedded PostgreSQL, data under "
                + options.work().resolve("postgres").toAbsolutePath() + ")");
    }

    /** Creates the demo database on the server unless an earlier run left it; the shop schema is replaced later. */
    private void useServer(String url, String user, String password) throws SQLException {
        try (Connection db = DriverManager.getConnection(url, user, password);
             PreparedStatement exists = db.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery(); Statement st = db.createStatement()) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE " + DATABASE); // a constant name: CREATE DATABASE takes no parameter
                }
            }
        }
        this.serverUrl = url;
        this.user = user;
        this.password = password;
        this.databaseUrl = url.replaceFirst("/[^/?]*(\\?|$)", "/" + DATABASE + "$1");
    }

    Connection database() {
        try {
            return DriverManager.getConnection(databaseUrl, user, password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + databaseUrl, e);
        }
    }

    String databaseUrl() {
        return databaseUrl;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    S3Server s3() {
        return s3;
    }

    ConnectCluster cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
