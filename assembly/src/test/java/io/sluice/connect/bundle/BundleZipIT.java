package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The zip against the Confluent Hub layout and the plugin.path rules, as built. */
class BundleZipIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Jars the worker provides: shipping one would shadow the worker's copy or clash with it. */
    private static final List<String> WORKER_JARS = List.of("kafka-clients", "connect-api", "connect-runtime",
            "connect-transforms", "connect-json", "connect-file", "kafka_2", "slf4j-", "log4j-", "reload4j", "logback-");

    @Test
    void oneTopDirectoryNamedLikeTheZip() throws IOException {
        assertThat(Bundle.ZIP.getFileName().toString()).isEqualTo("sluice-connect-bundle-" + Bundle.VERSION + ".zip");
        try (ZipFile zip = new ZipFile(Bundle.ZIP.toFile())) {
            assertThat(zip.stream().map(e -> e.getName())).allMatch(n -> n.startsWith(Bundle.NAME + "/"));
        }
        Path dir = Bundle.dir();
        assertThat(dir.resolve("manifest.json")).isRegularFile();
        assertThat(dir.resolve("lib")).isDirectory();
        assertThat(dir.resolve("doc/README.md")).isRegularFile();
        assertThat(dir.resolve("doc/LICENSE")).isRegularFile();
        assertThat(dir.resolve("doc/THIRD-PARTY.txt")).isRegularFile();
        assertThat(dir.resolve("etc")).isDirectoryContaining(p -> Files.isDirectory(p) || p.toString().endsWith(".json"));
        assertThat(dir.resolve("bin/sluice-sizing")).isExecutable();
    }

    @Test
    void manifestCarriesTheConfluentHubFields() throws IOException {
        JsonNode m = MAPPER.readTree(Bundle.dir().resolve("manifest.json").toFile());
        assertThat(Bundle.NAME).isEqualTo(m.at("/owner/username").asText() + "-" + m.get("name").asText() + "-" + m.get("version").asText());
        assertThat(m.at("/owner/username").asText()).matches("[a-z0-9_]{2,255}");
        assertThat(m.get("version").asText()).isEqualTo(Bundle.VERSION);
        for (String field : List.of("/title", "/description", "/owner/type", "/owner/name", "/owner/url", "/support/summary",
                "/support/url", "/support/provider_name", "/documentation_url", "/source_url", "/license/0/name", "/license/0/url")) {
            assertThat(m.at(field).asText()).as(field).isNotBlank();
        }
        assertThat(m.get("tags").size()).isPositive();
        for (String feature : List.of("supported_encodings", "single_message_transforms", "confluent_control_center_integration",
                "kafka_connect_api")) {
            assertThat(m.get("features").has(feature)).as(feature).isTrue();
        }
        LocalDate released = LocalDate.parse(m.get("release_date").asText());
        assertThat(released).isAfter(LocalDate.of(2025, 1, 1));
    }

    @Test
    void componentTypesAreExactlyWhatTheServiceManifestsDeclare() throws IOException {
        Map<String, String> typeOf = Map.of(
                "org.apache.kafka.connect.source.SourceConnector", "source",
                "org.apache.kafka.connect.sink.SinkConnector", "sink",
                "org.apache.kafka.connect.transforms.Transformation", "transform",
                "org.apache.kafka.connect.transforms.predicates.Predicate", "transform",
                "org.apache.kafka.connect.storage.Converter", "converter",
                "org.apache.kafka.connect.storage.HeaderConverter", "converter");
        Set<String> shipped = new TreeSet<>();
        Bundle.serviceEntries().keySet().forEach(type -> {
            if (typeOf.containsKey(type)) {
                shipped.add(typeOf.get(type));
            }
        });
        Set<String> declared = new TreeSet<>();
        MAPPER.readTree(Bundle.dir().resolve("manifest.json").toFile()).get("component_types").forEach(t -> declared.add(t.asText()));
        assertThat(declared).isEqualTo(shipped);
    }

    @Test
    void libHoldsNoWorkerJarAndNoConflictingClass() throws IOException {
        List<Path> jars = Bundle.libJars();
        assertThat(jars).isNotEmpty();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            assertThat(WORKER_JARS).as("lib/" + name).noneMatch(name::startsWith);
        }
        // A class in two jars is a conflict when the copies differ (which one loads depends on jar order). Identical
        // copies, like the fastutil classes Parquet shades into two of its own jars, are not.
        Map<String, String> owner = new HashMap<>();
        Map<String, Long> crcs = new HashMap<>();
        List<String> conflicts = new ArrayList<>();
        for (Path jar : jars) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = jf.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    String entry = e.getName();
                    if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")) {
                        continue;
                    }
                    String previous = owner.putIfAbsent(entry, jar.getFileName().toString());
                    Long crc = crcs.putIfAbsent(entry, e.getCrc());
                    if (previous != null && crc != e.getCrc()) {
                        conflicts.add(entry + " differs in " + previous + " and " + jar.getFileName());
                    }
                }
            }
        }
        assertThat(conflicts).isEmpty();
    }

    /**
     * Not one class of Kafka's own packages in lib/: a bundle put on a worker's class path (it happens) must not
     * shadow the worker's interfaces. Kafka 3.9 workers get the two plugin-metrics interfaces from the separate
     * compatibility jar, which holds those and nothing else.
     */
    @Test
    void noJarInLibHoldsKafkasPackagesAndTheKafka39JarHoldsOnlyTheTwoInterfaces() throws IOException {
        List<String> kafkaClasses = new ArrayList<>();
        for (Path jar : Bundle.libJars()) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                jf.stream().map(JarEntry::getName).filter(n -> n.startsWith("org/apache/kafka/"))
                        .forEach(n -> kafkaClasses.add(jar.getFileName() + "!/" + n));
            }
        }
        assertThat(kafkaClasses).isEmpty();
        Path compat = Path.of(System.getProperty("sluice.kafka39.compat.jar"));
        try (JarFile jf = new JarFile(compat.toFile())) {
            assertThat(jf.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class"))).containsExactlyInAnyOrder(
                    "org/apache/kafka/common/metrics/Monitorable.class",
                    "org/apache/kafka/common/metrics/PluginMetrics.class");
        }
    }

    @Test
    void everyPluginClassIsInItsServiceManifestAndReportsTheBundleVersion() throws Exception {
        Map<String, Set<String>> manifests = Bundle.serviceEntries();
        assertThat(manifests).as("the bundle declares plugins").isNotEmpty();
        try (URLClassLoader loader = pluginLoader()) {
            // Every concrete public plugin class in our jars is declared...
            Set<String> found = new LinkedHashSet<>();
            for (Path jar : Bundle.libJars()) {
                if (!jar.getFileName().toString().startsWith("sluice-")) {
                    continue;
                }
                try (JarFile jf = new JarFile(jar.toFile())) {
                    Enumeration<JarEntry> entries = jf.entries();
                    while (entries.hasMoreElements()) {
                        String entry = entries.nextElement().getName();
                        if (!entry.startsWith("io/sluice/") || !entry.endsWith(".class")) {
                            continue;
                        }
                        Class<?> cls = loadOrNull(loader, entry.replace('/', '.').substring(0, entry.length() - 6));
                        if (cls == null || cls.isInterface() || Modifier.isAbstract(cls.getModifiers()) || !Modifier.isPublic(cls.getModifiers())) {
                            continue;
                        }
                        for (String type : Bundle.PLUGIN_TYPES) {
                            if (loader.loadClass(type).isAssignableFrom(cls)) {
                                found.add(cls.getName());
                                assertThat(manifests.getOrDefault(type, Set.of())).as("META-INF/services/" + type).contains(cls.getName());
                            }
                        }
                    }
                }
            }
            assertThat(found).contains("io.sluice.connect.sizing.SizingRestExtension");
            // ...and every declared class implements its type, and reports the bundle version.
            for (Map.Entry<String, Set<String>> e : manifests.entrySet()) {
                Class<?> type = loader.loadClass(e.getKey());
                for (String name : e.getValue()) {
                    Class<?> cls = loader.loadClass(name);
                    assertThat(type.isAssignableFrom(cls)).as(name + " implements " + type.getName()).isTrue();
                    assertThat(cls.getClassLoader()).as(name + " loads from the zip").isSameAs(loader);
                    Object plugin = cls.getConstructor().newInstance();
                    assertThat(plugin).as(name + " is Versioned").isInstanceOf(loader.loadClass(Versioned.class.getName()));
                    assertThat(cls.getMethod("version").invoke(plugin)).as(name + ".version()").isEqualTo(Bundle.VERSION);
                }
            }
        }
    }

    /** The lib/ jars over just what a worker provides (connect-api, kafka-clients, SLF4J), like a plugin class loader. */
    private static URLClassLoader pluginLoader() throws Exception {
        List<URL> provided = new ArrayList<>();
        for (Class<?> c : List.of(ConnectRestExtension.class, ConfigDef.class, LoggerFactory.class)) {
            provided.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        URLClassLoader worker = new URLClassLoader(provided.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        List<URL> lib = new ArrayList<>();
        for (Path jar : Bundle.libJars()) {
            lib.add(jar.toUri().toURL());
        }
        return new URLClassLoader(lib.toArray(URL[]::new), worker);
    }

    private static Class<?> loadOrNull(ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // e.g. the JAX-RS resource of the flavour this JVM lacks
        }
    }

    @Test
    void configReferenceHasEveryKeyOfEveryPlugin() throws Exception {
        String reference = Files.readString(Bundle.dir().resolve("doc/config-reference.md"), StandardCharsets.UTF_8);
        Map<String, org.apache.kafka.common.config.ConfigDef> plugins = Map.of(
                "io.sluice.connect.jdbc.JdbcSourceConnector", new io.sluice.connect.jdbc.JdbcSourceConnector().config(),
                "io.sluice.connect.s3.S3ParquetSinkConnector", new io.sluice.connect.s3.S3ParquetSinkConnector().config(),
                "io.sluice.connect.smt.PiiMask$Value", new io.sluice.connect.smt.PiiMask.Value<>().config(),
                "io.sluice.connect.smt.DeadLetterRouter", new io.sluice.connect.smt.DeadLetterRouter<>().config(),
                "io.sluice.connect.smt.OutboxRouter", new io.sluice.connect.smt.OutboxRouter<>().config());
        for (Map.Entry<String, org.apache.kafka.common.config.ConfigDef> p : plugins.entrySet()) {
            int start = reference.indexOf("\n## " + p.getKey() + "\n");
            assertThat(start).as("a section for " + p.getKey()).isNotNegative();
            int end = reference.indexOf("\n## ", start + 1);
            String section = reference.substring(start, end < 0 ? reference.length() : end);
            for (String key : p.getValue().names()) {
                assertThat(section).as(p.getKey() + " documents " + key).contains("| `" + key + "` |");
            }
        }
    }

    @Test
    void thirdPartyNoticeListsEveryForeignJar() throws IOException {
        String notice = Files.readString(Bundle.dir().resolve("doc/THIRD-PARTY.txt"), StandardCharsets.UTF_8);
        for (Path jar : Bundle.libJars()) {
            String name = jar.getFileName().toString();
            if (name.startsWith("sluice-")) {
                continue;
            }
            String artifact = name.replaceAll("-\\d[^-]*(-[A-Za-z]+)?\\.jar$", "");
            assertThat(notice).as("doc/THIRD-PARTY.txt lists " + artifact).containsPattern("(?m)^" + java.util.regex.Pattern.quote(artifact) + "\\s");
        }
    }

    @Test
    void sizingLauncherRunsFromTheUnpackedZip() throws Exception {
        Path dir = Bundle.dir();
        Path workload = dir.resolve("etc/sizing/orders-platform.yaml");
        assertThat(workload).isRegularFile();
        Run launcher = run(List.of(dir.resolve("bin/sluice-sizing").toString(), "--file", workload.toString(), "--json"));
        assertThat(launcher.exit).as(launcher.output).isZero();
        JsonNode result = MAPPER.readTree(launcher.output);
        assertThat(result.at("/figures/0/name").asText()).isEqualTo("brokers");
        assertThat(result.at("/figures/0/value").asInt()).isPositive();

        Path jar = dir.resolve("lib/sluice-sizing-" + Bundle.VERSION + ".jar");
        Run runnable = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "--version"));
        assertThat(runnable.exit).as(runnable.output).isZero();
        assertThat(runnable.output.trim()).isEqualTo(Bundle.VERSION);

        Run bad = run(List.of(dir.resolve("bin/sluice-sizing").toString(), "--write.throughput.avg", "lots"));
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.output).contains("write.throughput.avg");
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command) throws Exception {
        Path output = Files.createTempFile("sluice-cli", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 60 s");
            }
            return new Run(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
