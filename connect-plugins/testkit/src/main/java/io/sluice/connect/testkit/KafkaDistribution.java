package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Apache Kafka "distribution" rebuilt from Maven Central: the broker, the Connect runtime with its JSON converter,
 * transforms and file connectors, and a logging backend, resolved by Maven for one Kafka version. Nothing comes from
 * the test's own classpath, so a test can run a worker of another Kafka version than the one it compiled against.
 *
 * <p>Resolution runs {@code mvn dependency:build-classpath} on a generated POM (offline when the local repository is
 * warm) and caches the classpath per version in the system temp directory.
 */
public final class KafkaDistribution {

    private static final Map<String, KafkaDistribution> RESOLVED = new ConcurrentHashMap<>();
    private static final List<String> ARTIFACTS = List.of("kafka_2.13", "kafka-tools", "connect-runtime", "connect-json",
            "connect-transforms", "connect-file");
    /** The log4j2 line Kafka 4.x ships, used with its SLF4J 1.7 binding; 3.x brings its reload4j binding itself. */
    private static final String LOG4J2_VERSION = System.getProperty("sluice.log4j2.version", "2.25.4");

    private final String version;
    private final List<Path> classpath;

    private KafkaDistribution(String version, List<Path> classpath) {
        this.version = version;
        this.classpath = List.copyOf(classpath);
    }

    /** The distribution of a Kafka version, resolving it on first use. */
    public static KafkaDistribution of(String version) {
        return RESOLVED.computeIfAbsent(version, KafkaDistribution::resolve);
    }

    public String version() {
        return version;
    }

    public List<Path> classpath() {
        return classpath;
    }

    /** Kafka 4.0 replaced reload4j with log4j2 and ZooKeeper with KRaft only. */
    public boolean usesLog4j2() {
        return major() >= 4;
    }

    public int major() {
        return Integer.parseInt(version.split("\\.")[0]);
    }

    private static KafkaDistribution resolve(String version) {
        if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new IllegalArgumentException("not a Kafka release version: " + version);
        }
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "sluice-kafka-dist", version);
        Path cpFile = dir.resolve("classpath.txt");
        Path pomFile = dir.resolve("pom.xml");
        String pom = pom(version);
        try {
            List<Path> cached = read(cpFile);
            if (cached != null && Files.exists(pomFile) && Files.readString(pomFile, StandardCharsets.UTF_8).equals(pom)) {
                return new KafkaDistribution(version, cached);
            }
            // Builds may resolve side by side (two checkouts, two modules): each works in its own directory and
            // publishes its result with an atomic move, so a reader never sees a half-written file.
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "resolve-");
            Path workPom = work.resolve("pom.xml");
            Path workCp = work.resolve("classpath.txt");
            Files.writeString(workPom, pom, StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>(List.of("-B", "-q", "-f", workPom.toString(),
                    "dependency:build-classpath", "-Dmdep.outputFile=" + workCp, "-Dmdep.includeScope=runtime"));
            String repo = System.getProperty("maven.repo.local");
            if (repo != null && !repo.isBlank()) {
                args.add("-Dmaven.repo.local=" + repo);
            }
            // Offline first: a warm local repository needs no network. Online only if something is missing.
            List<String> offline = new ArrayList<>(args);
            offline.add(0, "-o");
            if (!runMaven(work, offline, "offline") && !runMaven(work, args, "online")) {
                throw new IllegalStateException("cannot resolve Kafka " + version + " from Maven Central; see "
                        + work.resolve("maven-online.log"));
            }
            List<Path> resolved = read(workCp);
            if (resolved == null) {
                throw new IllegalStateException("Maven wrote no usable classpath for Kafka " + version + " to " + workCp);
            }
            Files.move(workPom, pomFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(workCp, cpFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try (var leftovers = Files.list(work)) {
                for (Path p : leftovers.toList()) {
                    Files.delete(p); // Maven's logs; kept only when resolution fails
                }
            }
            Files.delete(work);
            return new KafkaDistribution(version, resolved);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean runMaven(Path dir, List<String> args, String mode) {
        List<String> cmd = new ArrayList<>();
        cmd.add(mavenExecutable());
        cmd.addAll(args);
        Path log = dir.resolve("maven-" + mode + ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(Duration.ofMinutes(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Maven (" + cmd.get(0) + ") to resolve Kafka", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String mavenExecutable() {
        String home = System.getProperty("maven.home", System.getenv("MAVEN_HOME"));
        if (home != null && Files.isExecutable(Paths.get(home, "bin", "mvn"))) {
            return Paths.get(home, "bin", "mvn").toString();
        }
        return "mvn";
    }

    /** The cached classpath, or null when absent or when a jar in it has gone from the local repository. */
    private static List<Path> read(Path cpFile) throws IOException {
        if (!Files.exists(cpFile)) {
            return null;
        }
        String text = Files.readString(cpFile, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            return null;
        }
        List<Path> jars = Arrays.stream(text.split(java.io.File.pathSeparator)).map(Paths::get).toList();
        return jars.stream().allMatch(Files::isRegularFile) ? jars : null;
    }

    private static String pom(String version) {
        StringBuilder deps = new StringBuilder();
        for (String artifact : ARTIFACTS) {
            deps.append(dependency("org.apache.kafka", artifact, version));
        }
        if (Integer.parseInt(version.split("\\.")[0]) >= 4) {
            deps.append(dependency("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J2_VERSION));
            deps.append(dependency("org.apache.logging.log4j", "log4j-core", LOG4J2_VERSION));
        }
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "  <modelVersion>4.0.0</modelVersion>\n"
                + "  <groupId>io.sluice.testkit</groupId>\n"
                + "  <artifactId>kafka-dist</artifactId>\n"
                + "  <version>" + version + "</version>\n"
                + "  <packaging>pom</packaging>\n"
                + "  <dependencies>\n" + deps + "  </dependencies>\n"
                + "</project>\n";
    }

    private static String dependency(String group, String artifact, String version) {
        return "    <dependency><groupId>" + group + "</groupId><artifactId>" + artifact + "</artifactId><version>"
                + version + "</version></dependency>\n";
    }
}
