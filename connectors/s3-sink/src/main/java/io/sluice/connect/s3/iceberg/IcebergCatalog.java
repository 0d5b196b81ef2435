package io.sluice.connect.s3.iceberg;

import java.sql.Driver;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog a task commits through, and the tables it has written in it, each opened once on first use with the
 * connector's table settings (auto-create, schema evolution, the partition terms of a table it creates).
 */
public final class IcebergCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IcebergCatalog.class);

    private final Catalog catalog;
    private final boolean autoCreate;
    private final boolean evolve;
    private final List<String> defaultPartitionBy;
    private final Map<String, List<String>> partitionBy;
    /** Written by the task's writing thread, read by the metrics thread. */
    private final Map<String, IcebergTable> tables = new ConcurrentHashMap<>();

    /**
     * A catalog built by Iceberg from {@code properties} (iceberg.catalog.*); tables created here are partitioned
     * by their own terms in {@code partitionBy} (iceberg.table.&lt;name&gt;.partition-by) or else by
     * {@code defaultPartitionBy}.
     */
    public IcebergCatalog(String name, Map<String, String> properties, boolean autoCreate, boolean evolve,
            List<String> defaultPartitionBy, Map<String, List<String>> partitionBy) {
        this(build(name, properties), autoCreate, evolve, defaultPartitionBy, partitionBy);
    }

    IcebergCatalog(Catalog catalog, boolean autoCreate, boolean evolve, List<String> defaultPartitionBy,
            Map<String, List<String>> partitionBy) {
        this.catalog = catalog;
        this.autoCreate = autoCreate;
        this.evolve = evolve;
        this.defaultPartitionBy = List.copyOf(defaultPartitionBy);
        this.partitionBy = Map.copyOf(partitionBy);
    }

    private static Catalog build(String name, Map<String, String> properties) {
        if ("jdbc".equalsIgnoreCase(properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE))) {
            // DriverManager only hands a connection to code that can see the driver: register the plugin's own
            // drivers (PostgreSQL, MariaDB) from its class loader, which the worker's DriverManager never scanned.
            ServiceLoader.load(Driver.class, IcebergCatalog.class.getClassLoader()).stream().forEach(p -> {
                try {
                    p.get();
                } catch (ServiceConfigurationError e) {
                    log.debug("JDBC driver {} not loaded", p.type(), e);
                }
            });
        }
        return CatalogUtil.buildIcebergCatalog(name, properties, null);
    }

    /** The table {@code name} (namespace.table), opened on first use; it need not exist yet. */
    public IcebergTable table(String name) {
        return tables.computeIfAbsent(name, n -> new IcebergTable(catalog, TableIdentifier.parse(n), autoCreate,
                evolve, partitionBy.getOrDefault(n, defaultPartitionBy)));
    }

    /** Fails (with the catalog's error) unless the catalog answers: it lists its namespaces, if it has any. */
    public void check() {
        if (catalog instanceof org.apache.iceberg.catalog.SupportsNamespaces ns) {
            ns.listNamespaces();
        }
    }

    /** The tables opened so far. */
    public Collection<IcebergTable> tables() {
        return tables.values();
    }

    /** Snapshots committed to all tables (appends and claims). */
    public long commits() {
        return tables.values().stream().mapToLong(IcebergTable::commits).sum();
    }

    /** Milliseconds spent in commits to all tables. */
    public long commitMillis() {
        return tables.values().stream().mapToLong(IcebergTable::commitMillis).sum();
    }

    /** Milliseconds the last commit to any table took. */
    public long lastCommitMillis() {
        return tables.values().stream().max(java.util.Comparator.comparingLong(IcebergTable::lastCommitAt))
                .map(IcebergTable::lastCommitMillis).orElse(0L);
    }

    @Override
    public void close() {
        if (catalog instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("Closing the Iceberg catalog failed", e);
            }
        }
    }
}
