package io.sluice.connect.quickstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The quickstart's command line. */
record Options(Path zip, Path examples, Path work, boolean keepRunning, Duration timeout, String kafkaVersion,
               String postgresUrl, String postgresUser, String postgresPassword, Postgres postgres) {

    /** Where the shop's database lives. */
    enum Postgres {
        /** The server at --postgres-url, or an embedded one when nothing answers at the default address. */
        AUTO,
        /** The server at --postgres-url, or fail. */
        SERVER,
        /** A PostgreSQL started by the quickstart under --work, whatever runs locally. */
        EMBEDDED
    }

    static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    static final String USAGE = """
            Usage: mvn -B -q -DskipTests package -Pquickstart -Dquickstart.args="<options>"
               or: java -cp <classpath> io.sluice.connect.quickstart.Quickstart --zip <bundle.zip> [options]
              --zip <file>               the Sluice bundle zip to install on the worker
              --examples <dir>           the config-examples directory (default: config-examples)
              --work <dir>               where the stack keeps its data and logs (default: target/quickstart)
              --keep-running             after the report, keep everything running until Ctrl-C
              --timeout <seconds>        how long to wait for the pipeline before reporting (default: 240)
              --kafka-version <version>  the Kafka release the broker and worker run (default: 4.3.1)
              --postgres-url <jdbc-url>  a PostgreSQL server to create the demo database in
                                         (default: jdbc:postgresql://127.0.0.1:5432/postgres, or an
                                         embedded PostgreSQL when nothing answers there)
              --embedded-postgres        start an embedded PostgreSQL (Linux x86-64) even if one runs locally
              --postgres-user <name>     (default: postgres)
              --postgres-password <pw>   (default: none; PGPASSWORD is read too)
            """;

    static Options parse(String... args) {
        Path zip = null;
        Path examples = Path.of("config-examples");
        Path work = Path.of("target", "quickstart");
        boolean keep = false;
        Duration timeout = Duration.ofSeconds(240);
        String kafka = System.getProperty("sluice.kafka.version", "4.3.1");
        String url = DEFAULT_POSTGRES_URL;
        Postgres postgres = Postgres.AUTO;
        String user = "postgres";
        String password = System.getenv().getOrDefault("PGPASSWORD", "");
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (!a.isBlank()) {
                rest.add(a.strip()); // an empty -Dquickstart.args arrives as a blank argument
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--keep-running" -> keep = true;
                case "--embedded-postgres" -> postgres = Postgres.EMBEDDED;
                case "--zip", "--examples", "--work", "--timeout", "--kafka-version", "--postgres-url",
                     "--postgres-user", "--postgres-password" -> {
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
                    }
                    String v = rest.get(++i);
                    switch (a) {
                        case "--zip" -> zip = Path.of(v);
                        case "--examples" -> examples = Path.of(v);
                        case "--work" -> work = Path.of(v);
                        case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(v));
                        case "--kafka-version" -> kafka = v;
                        case "--postgres-url" -> {
                            url = v;
                            postgres = postgres == Postgres.EMBEDDED ? postgres : Postgres.SERVER;
                        }
                        case "--postgres-user" -> user = v;
                        default -> password = v;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (zip == null || !Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("no bundle zip at " + zip + ": build it first (mvn -DskipTests package)\n"
                    + USAGE);
        }
        if (!Files.isDirectory(examples.resolve("connectors"))) {
            throw new IllegalArgumentException("no connector examples under " + examples.toAbsolutePath() + "\n"
                    + USAGE);
        }
        return new Options(zip, examples, work, keep, timeout, kafka, url, user, password, postgres);
    }
}
