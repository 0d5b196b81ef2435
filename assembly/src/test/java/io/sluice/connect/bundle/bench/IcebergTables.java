package io.sluice.connect.bundle.bench;

import io.sluice.connect.testkit.IcebergRestCatalog;
import io.sluice.connect.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The Iceberg side of the S3 sink benchmark: one JDBC catalog on the local PostgreSQL with its warehouse in the bench
 * bucket, the configurations that commit into it (Sluice's {@code table.format=iceberg} and Apache Iceberg's own
 * sink, on the same catalog, FileIO and converters), and the row count a run waits for.
 */
final class IcebergTables implements AutoCloseable {

    static final String APACHE_SINK = "org.apache.iceberg.connect.IcebergSinkConnector";
    private static final String NAMESPACE = "bench";

    private final S3Server s3;
    private final Map<String, String> catalogProps;
    private final Catalog catalog;

    IcebergTables(S3Server s3) {
        this.s3 = s3;
        catalogProps = s3.icebergFileIo();
        catalogProps.put("type", "jdbc");
        catalogProps.put("uri", BenchSupport.postgresUrl());
        catalogProps.put("warehouse", "s3://bench/iceberg");
        catalog = CatalogUtil.buildIcebergCatalog("iceberg", catalogProps, null);
        // The catalog's rows outlive the S3 servers of earlier runs, whose files are gone.
        IcebergRestCatalog.forget(catalog, Namespace.of(NAMESPACE));
    }

    /**
     * Installs Apache Iceberg's sink (the directory {@code -Dbench.peer.iceberg} names, which the s3-bench profile
     * assembles from Maven Central) into {@code plugins}; false when it is absent.
     */
    static boolean installApache(Path plugins) throws IOException {
        String from = System.getProperty("bench.peer.iceberg", "");
        if (from.isEmpty() || !Files.isDirectory(Path.of(from, "lib"))) {
            return false;
        }
        Path target = plugins.resolve("apache-iceberg-sink").resolve("lib");
        Files.createDirectories(target);
        try (Stream<Path> jars = Files.list(Path.of(from, "lib"))) {
            for (Path jar : jars.toList()) {
                Path to = target.resolve(jar.getFileName());
                if (!Files.exists(to)) {
                    Files.copy(jar, to);
                }
            }
        }
        return true;
    }

    /** Sluice's S3 sink committing {@code sink}'s files into {@code bench.<table>}. */
    Map<String, String> sluice(Map<String, String> sink, String table) {
        Map<String, String> c = new HashMap<>(sink);
        c.put("table.format", "iceberg");
        c.put("iceberg.catalog.type", "jdbc");
        c.put("iceberg.catalog.uri", catalogProps.get("uri"));
        c.put("iceberg.catalog.warehouse", catalogProps.get("warehouse"));
        c.put("iceberg.tables", NAMESPACE + "." + table);
        c.put("iceberg.tables.auto-create-enabled", "true");
        return c;
    }

    /**
     * Apache Iceberg's sink into {@code bench.<table>} with the same catalog and FileIO, committing every
     * {@code commitMs} through its control topic {@code control}, which must exist. Topics, tasks and converters are
     * {@code sink}'s.
     */
    Map<String, String> apache(Map<String, String> sink, String table, String control, long commitMs) {
        Map<String, String> c = new HashMap<>();
        for (String key : new String[] {"topics", "tasks.max", "key.converter", "value.converter",
                "value.converter.schemas.enable"}) {
            c.put(key, sink.get(key));
        }
        c.put("connector.class", APACHE_SINK);
        catalogProps.forEach((k, v) -> c.put("iceberg.catalog." + k, v));
        c.put("iceberg.tables", NAMESPACE + "." + table);
        c.put("iceberg.tables.auto-create-enabled", "true");
        c.put("iceberg.control.topic", control);
        c.put("iceberg.control.commit.interval-ms", Long.toString(commitMs));
        return c;
    }

    /** Rows in the current snapshot of {@code bench.<table>} (0 while it does not exist or has none). */
    long rows(String table) {
        try {
            Snapshot current = catalog.loadTable(TableIdentifier.of(NAMESPACE, table)).currentSnapshot();
            return current == null ? 0 : Long.parseLong(current.summary().getOrDefault("total-records", "0"));
        } catch (NoSuchTableException e) {
            return 0;
        }
    }

    /** Data files in the current snapshot of {@code bench.<table>}. */
    long files(String table) {
        Snapshot current = catalog.loadTable(TableIdentifier.of(NAMESPACE, table)).currentSnapshot();
        return current == null ? 0 : Long.parseLong(current.summary().getOrDefault("total-data-files", "0"));
    }

    S3Server s3() {
        return s3;
    }

    /** The JDBC catalog itself, for a REST catalog served over it. */
    Catalog catalog() {
        return catalog;
    }

    /** {@code config} (either sink's) with its catalog swapped for the REST catalog at {@code uri}, over this one. */
    static Map<String, String> overRest(Map<String, String> config, String uri) {
        Map<String, String> c = new HashMap<>(config);
        c.put("iceberg.catalog.type", "rest");
        c.put("iceberg.catalog.uri", uri);
        c.remove("iceberg.catalog.warehouse");
        return c;
    }

    @Override
    public void close() throws Exception {
        if (catalog instanceof AutoCloseable c) {
            c.close();
        }
    }
}
