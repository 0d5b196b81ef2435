package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** A plugin zip unpacked the way a user installs it: into a directory a worker's {@code plugin.path} names. */
public final class PluginDirectory {

    private PluginDirectory() {
    }

    /**
     * As {@link #unpack}, installed as the guide says for a worker of {@code kafkaVersion}: before Kafka 4.1 the
     * compatibility jar built beside the zip ({@code sluice-kafka39-compat-*.jar}) goes into the bundle's lib/.
     */
    public static Path unpackFor(Path zip, Path dir, String kafkaVersion) throws IOException {
        Path root = unpack(zip, dir);
        if (!hasPluginMetrics(kafkaVersion)) {
            Path compat;
            try (Stream<Path> beside = Files.list(zip.toAbsolutePath().getParent())) {
                compat = beside.filter(p -> p.getFileName().toString().matches("sluice-kafka39-compat-.*\\.jar"))
                        .findFirst().orElseThrow(() -> new IOException("No sluice-kafka39-compat-*.jar beside " + zip
                                + ": Kafka " + kafkaVersion + " workers need it (the build writes it next to the zip)"));
            }
            try (Stream<Path> bundles = Files.list(root)) {
                for (Path lib : bundles.map(b -> b.resolve("lib")).filter(Files::isDirectory).toList()) {
                    Files.copy(compat, lib.resolve(compat.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return root;
    }

    /** Plugin metrics (KIP-877, Monitorable) arrived in Kafka 4.1. */
    public static boolean hasPluginMetrics(String kafkaVersion) {
        String[] v = kafkaVersion.split("\\.");
        int major = Integer.parseInt(v[0]);
        return major > 4 || major == 4 && v.length > 1 && Integer.parseInt(v[1]) >= 1;
    }

    /**
     * Empties {@code dir}, unpacks {@code zip} into it (files under {@code bin/} executable) and returns it, absolute:
     * a worker whose plugin.path is {@code dir} finds the zip's top directory as one plugin.
     */
    public static Path unpack(Path zip, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(root);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("zip entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (entry.getName().contains("/bin/")) {
                    target.toFile().setExecutable(true);
                }
            }
        }
        return root;
    }
}
