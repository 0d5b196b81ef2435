package io.sluice.connect.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The bundle version, written into a resource by the build, so every plugin's {@code version()} reports the version of
 * the zip it came from (Kafka 4.x uses it to tell side-by-side plugin versions apart, KIP-891).
 */
public final class SluiceVersion {

    private static final String RESOURCE = "sluice-version.properties";
    private static final String VERSION = load();

    private SluiceVersion() {
    }

    /** The bundle version, e.g. {@code 0.1.0}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = SluiceVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " next to " + SluiceVersion.class);
            }
            Properties props = new Properties();
            props.load(in);
            String version = props.getProperty("version", "").trim();
            if (version.isEmpty() || version.startsWith("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by the build: '" + version + "'");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
