package io.sluice.connect.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Writes the configuration reference of every plugin in the bundle, from the plugins' own {@link ConfigDef}s, so it
 * cannot drift from the code. Run by the build before the zip is assembled; the file ships as
 * {@code doc/config-reference.md}. Plugins are found the way a worker with {@code plugin.discovery=service_load}
 * finds them: through their service manifests.
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, render(), StandardCharsets.UTF_8);
        System.out.println("Configuration reference: " + out);
    }

    private record Plugin(String kind, String className, ConfigDef config) {
    }

    static String render() {
        List<Plugin> plugins = new ArrayList<>();
        ClassLoader loader = ConfigReference.class.getClassLoader();
        ServiceLoader.load(SourceConnector.class, loader)
                .forEach(c -> plugins.add(new Plugin("Source connector", c.getClass().getName(), c.config())));
        ServiceLoader.load(SinkConnector.class, loader)
                .forEach(c -> plugins.add(new Plugin("Sink connector", c.getClass().getName(), c.config())));
        for (Transformation<?> t : ServiceLoader.load(Transformation.class, loader)) {
            plugins.add(new Plugin("Transform", t.getClass().getName(), t.config()));
        }
        plugins.removeIf(p -> !p.className().startsWith("io.sluice."));
        plugins.sort(Comparator.comparing(Plugin::kind).thenComparing(Plugin::className));

        StringBuilder md = new StringBuilder("# Sluice configuration reference\n\n"
                + "Generated at build time from each plugin's `ConfigDef`. Keys are grouped as the plugins declare "
                + "them; a `PASSWORD` key's value is never shown or logged.\n\n");
        for (Plugin p : plugins) {
            md.append("- [").append(p.className()).append("](#").append(anchor(p.className())).append(")\n");
        }
        for (Plugin p : plugins) {
            md.append("\n## ").append(p.className()).append("\n\n").append(p.kind()).append(".\n\n")
                    .append("| Key | Type | Default | Valid values | Importance | Group | Description |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            List<ConfigDef.ConfigKey> keys = new ArrayList<>(p.config().configKeys().values());
            List<String> groups = p.config().groups(); // in the order the plugin declares them
            keys.sort(Comparator.comparingInt((ConfigDef.ConfigKey k) -> k.group == null ? Integer.MAX_VALUE
                    : groups.indexOf(k.group)).thenComparingInt(k -> k.orderInGroup));
            for (ConfigDef.ConfigKey k : keys) {
                md.append("| `").append(k.name).append("` | ").append(k.type).append(" | ")
                        .append(defaultOf(k)).append(" | ").append(cell(k.validator == null ? "" : k.validator
                                .toString())).append(" | ").append(k.importance.name().toLowerCase())
                        .append(" | ").append(cell(k.group == null ? "" : k.group)).append(" | ")
                        .append(cell(k.documentation)).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey k) {
        if (!k.hasDefault()) {
            return "(required)";
        }
        if (k.type == ConfigDef.Type.PASSWORD) {
            return "(hidden)";
        }
        Object v = k.defaultValue;
        String text = v == null ? "null" : v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf)
                .toList()) : String.valueOf(v);
        return text.isEmpty() ? "\"\"" : "`" + cell(text) + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String anchor(String className) {
        return className.toLowerCase().replaceAll("[^a-z0-9 -]", "");
    }
}
