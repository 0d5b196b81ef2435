package io.sluice.connect.quickstart;

import io.sluice.connect.testkit.IcebergRestCatalog;
import io.sluice.connect.testkit.Wait;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The Iceberg table the demo's second sink commits to, seen through the same JDBC catalog (on the demo's
 * PostgreSQL database) as a query engine would see it.
 */
final class Lakehouse implements AutoCloseable {

    static final TableIdentifier TABLE = TableIdentifier.of("shop", "orders");

    private final Catalog catalog;

    Lakehouse(LocalStack stack) {
        Map<String, String> p = stack.s3().icebergFileIo();
        p.put("type", "jdbc");
        p.put("uri", stack.databaseUrl());
        p.put("jdbc.user", stack.user());
        p.put("jdbc.password", stack.password());
        p.put("warehouse", "s3://" + LocalStack.BUCKET + "/warehouse");
        this.catalog = CatalogUtil.buildIcebergCatalog("iceberg", p, null);
    }

    /** Drops an earlier run's catalog entry: its files were in that run's S3 server. */
    void forgetEarlierRuns() {
        IcebergRestCatalog.forget(catalog, TABLE.namespace());
    }

    /** The table once a snapshot holds rows, waiting up to {@code timeout}; null if none did. */
    Table awaitRows(Duration timeout) {
        Table[] found = new Table[1];
        try {
            Wait.until("rows in Iceberg table " + TABLE, timeout, () -> {
                try {
                    Table t = catalog.loadTable(TABLE);
                    Snapshot s = t.currentSnapshot();
                    found[0] = t;
                    return s != null && rows(t) > 0;
                } catch (NoSuchTableException e) {
                    return false;
                }
            });
        } catch (AssertionError | RuntimeException e) {
            // reported as found
        }
        return found[0];
    }

    /** Rows in the current snapshot, as its summary counts them. */
    static long rows(Table t) {
        Snapshot s = t.currentSnapshot();
        return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
    }

    @Override
    public void close() throws Exception {
        if (catalog instanceof AutoCloseable c) {
            c.close();
        }
    }
}
