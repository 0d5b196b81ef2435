package io.sluice.connect.bundle;

import io.sluice.connect.testkit.PluginDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/** The built zip as a user gets it: its path, and its content unpacked once into a plugin.path directory. */
public final class Bundle {

    /** The plugin interfaces Connect discovers, by the service file that declares them. */
    static final List<String> PLUGIN_TYPES = List.of(
            "org.apache.kafka.connect.source.SourceConnector",
            "org.apache.kafka.connect.sink.SinkConnector",
            "org.apache.kafka.connect.transforms.Transformation",
            "org.apache.kafka.connect.transforms.predicates.Predicate",
            "org.apache.kafka.connect.storage.Converter",
            "org.apache.kafka.connect.storage.HeaderConverter",
            "org.apache.kafka.common.config.provider.ConfigProvider",
            "org.apache.kafka.connect.rest.ConnectRestExtension",
            "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy");

    /** Plugin types {@code GET /connector-plugins?connectorsOnly=false} lists. */
    static final Set<String> LISTED_TYPES = Set.of(PLUGIN_TYPES.get(0), PLUGIN_TYPES.get(1), PLUGIN_TYPES.get(2),
            PLUGIN_TYPES.get(3), PLUGIN_TYPES.get(4), PLUGIN_TYPES.get(5));

    static final String NAME = System.getProperty("sluice.bundle.name");
    static final String VERSION = System.getProperty("sluice.version");
    static final Path ZIP = Paths.get(System.getProperty("sluice.bundle.zip"));

    private static Path pluginPath;

    private Bundle() {
    }

    /** A directory holding the unpacked bundle directory: what a worker's plugin.path names. */
    public static synchronized Path pluginPath() {
        if (pluginPath == null) {
            try {
                pluginPath = PluginDirectory.unpack(ZIP, ZIP.getParent().resolve("plugin-path"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pluginPath;
    }

    private static Path kafka39PluginPath;

    /**
     * The bundle as a Kafka 3.9 worker gets it: unpacked, with the compatibility jar built beside the zip copied into
     * its lib/, as the install guide says.
     */
    public static synchronized Path pluginPathForKafka39() {
        if (kafka39PluginPath == null) {
            try {
                kafka39PluginPath = PluginDirectory.unpackFor(ZIP, ZIP.getParent().resolve("plugin-path-kafka39"),
                        System.getProperty("sluice.kafka.oldest.version"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return kafka39PluginPath;
    }

    /** The unpacked bundle directory. */
    static Path dir() {
        return pluginPath().resolve(NAME);
    }

    static List<Path> libJars() {
        try (Stream<Path> jars = Files.list(dir().resolve("lib"))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Plugin type to the classes the lib/ jars' service manifests declare for it. */
    static Map<String, Set<String>> serviceEntries() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Path jar : libJars()) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                for (String type : PLUGIN_TYPES) {
                    ZipEntry e = jf.getEntry("META-INF/services/" + type);
                    if (e == null) {
                        continue;
                    }
                    try (InputStream in = jf.getInputStream(e)) {
                        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                            String cls = line.replaceAll("#.*", "").trim();
                            if (!cls.isEmpty()) {
                                out.computeIfAbsent(type, k -> new LinkedHashSet<>()).add(cls);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Every class declared in any service manifest. */
    static List<String> allServiceClasses() {
        List<String> all = new ArrayList<>();
        serviceEntries().values().forEach(all::addAll);
        return all;
    }
}
