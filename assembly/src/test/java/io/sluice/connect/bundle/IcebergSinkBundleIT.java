package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.ConnectWorker;
import io.sluice.connect.testkit.DuckDb;
import io.sluice.connect.testkit.IcebergRestCatalog;
import io.sluice.connect.testkit.S3ServerExtension;
import io.sluice.connect.testkit.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * table.format=iceberg from the zip on two real workers: a REST catalog (the test kit's, over a JDBC catalog on the
 * local PostgreSQL) and a real S3 API server. A worker is killed with SIGKILL while it writes, tasks are rescaled,
 * and the table's current snapshot still holds every Kafka offset once: counted through the catalog, and read by
 * DuckDB over the snapshot's data files.
 */
class IcebergSinkBundleIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String BUCKET = "lakehouse";

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b
            .kafkaVersion(System.getProperty("sluice.kafka.version")).workers(2).pluginPath(Bundle.pluginPath())
            .workerProperty("plugin.discovery", "service_load")
            .workerProperty("offset.flush.interval.ms", "1000"));

    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();
    private static IcebergRestCatalog rest;
    private static Catalog reader;

    @BeforeAll
    static void catalog() throws Exception {
        STORE.server().createBucket(BUCKET);
        Map<String, String> backend = STORE.server().icebergFileIo();
        backend.put("type", "jdbc");
        backend.put("uri", BundleOnWorkersIT.postgresUrl());
        backend.put("warehouse", "s3://" + BUCKET + "/warehouse");
        Catalog jdbc = CatalogUtil.buildIcebergCatalog("bundle_it", backend, null);
        IcebergRestCatalog.forget(jdbc, Namespace.of("lake")); // entries of earlier runs point into their S3 servers
        rest = new IcebergRestCatalog(jdbc);
        Map<String, String> client = STORE.server().icebergFileIo();
        client.put("type", "rest");
        client.put("uri", rest.uri());
        reader = CatalogUtil.buildIcebergCatalog("reader", client, null);
    }

    @AfterAll
    static void stopCatalog() {
        rest.close();
    }


    private static Map<String, String> sink(String topic, String table) {
        Map<String, String> config = new HashMap<>(STORE.server().sinkProps(BUCKET));
        config.put("connector.class", "io.sluice.connect.s3.S3ParquetSinkConnector");
        config.put("topics", topic);
        config.put("tasks.max", "2");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "true");
        config.put("table.format", "iceberg");
        config.put("iceberg.catalog.type", "rest");
        config.put("iceberg.catalog.uri", rest.uri());
        // Should the test's catalog server miss a request, the client gives up in seconds and the commit is retried.
        config.put("iceberg.catalog.rest.client.socket-timeout-ms", "15000");
        config.put("iceberg.tables", "lake." + table);
        config.put("iceberg.tables.auto-create-enabled", "true");
        config.put("iceberg.tables.default-partition-by", "hour(created)");
        config.put("flush.size", "100");
        config.put("rotate.schedule.interval.ms", "2000");
        config.put("kafka.metadata.fields", "partition,offset");
        return config;
    }

    /** Rows in the table's current snapshot, as the catalog's metadata counts them (0 before the table exists). */
    private static long rowsThroughCatalog(String table) {
        try {
            Table t = reader.loadTable(TableIdentifier.of("lake", table));
            return t.currentSnapshot() == null ? 0
                    : Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0"));
        } catch (NoSuchTableException e) {
            return 0;
        }
    }

    /** The current snapshot's data files, downloaded, as a DuckDB table expression. */
    private static String snapshotFiles(String table) throws Exception {
        Table t = reader.loadTable(TableIdentifier.of("lake", table));
        Path dir = Files.createTempDirectory("sluice-iceberg-");
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            int i = 0;
            for (FileScanTask task : tasks) {
                String key = task.file().location().substring(("s3://" + BUCKET + "/").length());
                Path local = dir.resolve(i++ + ".parquet");
                Files.write(local, STORE.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
                files.add(DuckDb.literal(local.toString()));
            }
        }
        return "read_parquet([" + String.join(", ", files) + "], union_by_name = true)";
    }

    private static void assertEveryOffsetOnce(String table, long rows) throws Exception {
        Wait.until("all " + rows + " rows in the table", TIMEOUT, () -> rowsThroughCatalog(table) >= rows);
        assertThat(rowsThroughCatalog(table)).as("rows through the catalog").isEqualTo(rows);
        JsonNode totals = DuckDb.query("SELECT count(*) AS n, count(DISTINCT (_kafka_partition, _kafka_offset)) "
                + "AS offsets, count(DISTINCT id) AS ids FROM " + snapshotFiles(table)).get(0);
        assertThat(totals.get("n").asLong()).as("rows read by DuckDB").isEqualTo(rows);
        assertThat(totals.get("offsets").asLong()).as("offsets, none twice").isEqualTo(rows);
        assertThat(totals.get("ids").asLong()).as("orders").isEqualTo(rows);
    }

    /** The cluster with both workers up: a test that killed one may have left it down. */
    private static ConnectCluster cluster() {
        ConnectCluster cluster = CLUSTER.cluster();
        for (ConnectWorker w : cluster.workers()) {
            if (!w.isAlive()) {
                w.restart(TIMEOUT);
            }
        }
        return cluster;
    }

    /** Kills (SIGKILL) the worker running task 0 of {@code connector}; returns it. */
    private static ConnectWorker killWorkerOfTask0(ConnectCluster cluster, String connector) {
        String victimId = cluster.rest().status(connector).at("/tasks/0/worker_id").asText();
        ConnectWorker victim = cluster.workers().stream().filter(w -> w.workerId().equals(victimId)).findFirst()
                .orElseThrow();
        victim.kill();
        return victim;
    }

    @Test
    void everyOffsetOnceAcrossAWorkerKill() throws Exception {
        ConnectCluster cluster = cluster();
        String topic = "orders-iceberg";
        cluster.createTopic(topic, 4);
        cluster.produce(topic, S3SinkBundleIT.orders(0, 3000));
        cluster.rest().run("iceberg-orders", sink(topic, "orders"), 2, TIMEOUT);
        try {
            Wait.until("the first commit", TIMEOUT, () -> rowsThroughCatalog("orders") > 0);
            ConnectWorker victim = killWorkerOfTask0(cluster, "iceberg-orders");
            cluster.produce(topic, S3SinkBundleIT.orders(3000, 6000));
            assertEveryOffsetOnce("orders", 6000);
            Table t = reader.loadTable(TableIdentifier.of("lake", "orders"));
            assertThat(t.spec().fields().get(0).transform().toString()).isEqualTo("hour");
            assertThat(t.schema().findType("amount").toString()).isEqualTo("decimal(10, 2)");
            assertThat(t.schema().findType("created").toString()).isEqualTo("timestamptz");
            victim.restart(TIMEOUT);
        } finally {
            cluster.rest().deleteConnector("iceberg-orders");
        }
    }

    @Test
    void everyOffsetOnceWhileTasksAreRescaledUnderLoad() throws Exception {
        ConnectCluster cluster = cluster();
        String topic = "orders-rescaled";
        cluster.createTopic(topic, 4);
        cluster.produce(topic, S3SinkBundleIT.orders(0, 2000));
        Map<String, String> config = sink(topic, "rescaled");
        cluster.rest().run("iceberg-rescaled", config, 2, TIMEOUT);
        try {
            Wait.until("the first commit", TIMEOUT, () -> rowsThroughCatalog("rescaled") > 0);
            config.put("tasks.max", "1");
            cluster.rest().putConnectorConfig("iceberg-rescaled", config);
            cluster.produce(topic, S3SinkBundleIT.orders(2000, 4000));
            cluster.rest().awaitState("iceberg-rescaled", "RUNNING", 1, TIMEOUT);
            config.put("tasks.max", "3");
            cluster.rest().putConnectorConfig("iceberg-rescaled", config);
            cluster.produce(topic, S3SinkBundleIT.orders(4000, 6000));
            cluster.rest().awaitState("iceberg-rescaled", "RUNNING", 3, TIMEOUT);
            assertEveryOffsetOnce("rescaled", 6000);
        } finally {
            cluster.rest().deleteConnector("iceberg-rescaled");
        }
    }

    @Test
    void everyOffsetOnceInEachTableOfARoutedSinkAcrossAWorkerKill() throws Exception {
        ConnectCluster cluster = cluster();
        String topic = "orders-routed";
        cluster.createTopic(topic, 4);
        cluster.produce(topic, S3SinkBundleIT.orders(0, 3000));
        // customer.email is c0@x.io .. c9@x.io by id % 10: half the orders to each table.
        Map<String, String> config = sink(topic, "routed_low");
        config.put("iceberg.tables", "lake.routed_low, lake.routed_high");
        config.put("iceberg.tables.route-field", "customer.email");
        config.put("iceberg.table.lake.routed_low.route-regex", "c[0-4]@.*");
        config.put("iceberg.table.lake.routed_high.route-regex", "c[5-9]@.*");
        cluster.rest().run("iceberg-routed", config, 2, TIMEOUT);
        try {
            Wait.until("the first commits", TIMEOUT,
                    () -> rowsThroughCatalog("routed_low") > 0 && rowsThroughCatalog("routed_high") > 0);
            ConnectWorker victim = killWorkerOfTask0(cluster, "iceberg-routed");
            cluster.produce(topic, S3SinkBundleIT.orders(3000, 6000));
            assertEveryOffsetOnce("routed_low", 3000);
            assertEveryOffsetOnce("routed_high", 3000);
            victim.restart(TIMEOUT);
        } finally {
            cluster.rest().deleteConnector("iceberg-routed");
        }
    }
}
