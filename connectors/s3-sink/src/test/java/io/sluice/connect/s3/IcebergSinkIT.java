package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.iceberg.IcebergCatalog;
import io.sluice.connect.s3.iceberg.IcebergTable;
import io.sluice.connect.testkit.IcebergRestCatalog;
import io.sluice.connect.testkit.S3ServerExtension;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * table.format=iceberg against real parts: an S3 API server for the files, and a JDBC catalog on the local
 * PostgreSQL or a REST catalog served over one. Read back with Iceberg's own reader: every offset is in the table once, whether a task dies mid-stream
 * or a zombie keeps writing after its partition moved.
 */
class IcebergSinkIT {

    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();
    private static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    /** The bucket of the REST catalog's warehouse: its tables' files go there whatever the test. */
    private static final String REST_BUCKET = "ice-rest";
    private static IcebergRestCatalog rest;

    /** A REST catalog in front of a JDBC catalog (a catalog name of its own) on the same PostgreSQL. */
    @BeforeAll
    static void restCatalog() throws Exception {
        STORE.server().createBucket(REST_BUCKET);
        Map<String, String> backend = s3Io();
        backend.put("type", "jdbc");
        backend.put("uri", JDBC_URL);
        backend.put("jdbc.user", "postgres");
        backend.put("warehouse", "s3://" + REST_BUCKET + "/warehouse");
        Catalog jdbc = CatalogUtil.buildIcebergCatalog("rest_backend", backend, null);
        IcebergRestCatalog.forget(jdbc, Namespace.of("sluice_it"));
        rest = new IcebergRestCatalog(jdbc);
        Map<String, String> direct = s3Io(); // the JDBC catalog the tests use directly
        direct.put("type", "jdbc");
        direct.put("uri", JDBC_URL);
        direct.put("jdbc.user", "postgres");
        direct.put("warehouse", "s3://" + REST_BUCKET + "/unused");
        IcebergRestCatalog.forget(CatalogUtil.buildIcebergCatalog("iceberg", direct, null),
                Namespace.of("sluice_it"));
    }

    @AfterAll
    static void stopRestCatalog() {
        rest.close();
    }

    /** The connector's settings for a table in the {@code catalog} (jdbc or rest) in {@code bucket}. */
    private static Map<String, String> props(String catalog, String bucket, String table, int flushSize) {
        String in = bucket(catalog, bucket);
        STORE.server().createBucket(in);
        Map<String, String> props = Orders.hourlyProps(STORE.server().sinkProps(in), flushSize);
        props.put("table.format", "iceberg");
        props.put("iceberg.catalog.type", catalog);
        if (catalog.equals("rest")) {
            props.put("iceberg.catalog.uri", rest.uri());
        } else {
            props.put("iceberg.catalog.uri", JDBC_URL);
            props.put("iceberg.catalog.jdbc.user", "postgres");
            props.put("iceberg.catalog.warehouse", "s3://" + in + "/warehouse");
        }
        props.put("iceberg.tables", "sluice_it." + table);
        props.put("iceberg.tables.auto-create-enabled", "true");
        return props;
    }

    private static String bucket(String catalog, String bucket) {
        return catalog.equals("rest") ? REST_BUCKET : bucket;
    }

    private static Map<String, String> s3Io() {
        return STORE.server().icebergFileIo();
    }

    /** The table as a reader sees it, through a catalog client of its own. */
    private static Table load(String catalogType, String bucket, String table) {
        Map<String, String> catalog = s3Io();
        props(catalogType, bucket, table, 1).forEach((k, v) -> {
            if (k.startsWith("iceberg.catalog.")) {
                catalog.put(k.substring("iceberg.catalog.".length()), v);
            }
        });
        Catalog c = CatalogUtil.buildIcebergCatalog("iceberg", catalog, null);
        return c.loadTable(TableIdentifier.of("sluice_it", table));
    }

    /** How often each (partition, offset) is in the table's current snapshot. */
    private static Map<Integer, Map<Long, Integer>> offsetsInTable(Table table) throws Exception {
        table.refresh();
        Map<Integer, Map<Long, Integer>> out = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("_kafka_partition", "_kafka_offset")
                .build()) {
            for (Record r : rows) {
                out.computeIfAbsent((Integer) r.getField("_kafka_partition"), p -> new TreeMap<>())
                        .merge((Long) r.getField("_kafka_offset"), 1, Integer::sum);
            }
        }
        return out;
    }

    private static void assertExactlyOnce(Table table, Map<Integer, Long> ends) throws Exception {
        Map<Integer, Map<Long, Integer>> seen = offsetsInTable(table);
        for (var e : ends.entrySet()) {
            Map<Long, Integer> counts = seen.getOrDefault(e.getKey(), Map.of());
            assertThat(counts.keySet()).as("offsets of partition %s", e.getKey()).hasSize(e.getValue().intValue());
            assertThat(counts.keySet().stream().mapToLong(Long::longValue).max().orElse(-1))
                    .isEqualTo(e.getValue() - 1);
            assertThat(counts.values()).as("copies per offset of partition %s", e.getKey()).containsOnly(1);
        }
    }

    private static String table(String name) {
        return name + "_" + Long.toString(System.nanoTime(), 36);
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void filesLandInTheCreatedTableHourlyPartitionedWithIcebergFieldIds(String catalog) throws Exception {
        String bucket = "ice-basic";
        String name = table("orders");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext ctx = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = ctx.start(props(catalog, bucket, name, 100));
        task.put(Orders.records(0, 0, 600));
        // Three hours of 200 records each, files of 100: all six committed.
        assertThat(task.preCommit(Map.of()).get(tp).offset()).isEqualTo(600);
        task.stop();

        Table table = load(catalog, bucket, name);
        assertThat(table.spec().fields()).hasSize(1);
        assertThat(table.spec().fields().get(0).transform().toString()).isEqualTo("hour");
        assertThat(table.schema().findType("created").toString()).isEqualTo("timestamptz");
        assertExactlyOnce(table, Map.of(0, 600L));
        assertThat(IcebergTable.offsets(table)).containsEntry("orders/0", 600L);
        try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
            List<DataFile> files = new ArrayList<>();
            tasks.forEach(t -> files.add(t.file()));
            assertThat(files).hasSize(6);
            assertThat(files).allSatisfy(f -> {
                assertThat(f.recordCount()).isEqualTo(100);
                assertThat(f.partition().get(0, Integer.class)).isNotNull();
                assertThat(f.location()).startsWith(table.location() + "/data/created_hour=");
                assertThat(f.lowerBounds()).isNotEmpty(); // column statistics from the footer, keyed by field id
            });
            // The files carry the table's field ids, nested columns too.
            String in = bucket(catalog, bucket);
            String key = files.get(0).location().substring(("s3://" + in + "/").length());
            java.nio.file.Path local = java.nio.file.Files.createTempFile("ice", ".parquet");
            java.nio.file.Files.write(local, STORE.client().getObjectAsBytes(b -> b.bucket(in).key(key))
                    .asByteArray());
            try (ParquetFileReader reader = ParquetFileReader.open(
                    org.apache.parquet.io.LocalInputFile.class.getConstructor(java.nio.file.Path.class)
                            .newInstance(local))) {
                var fileSchema = reader.getFooter().getFileMetaData().getSchema();
                assertThat(fileSchema.getType("id").getId().intValue())
                        .isEqualTo(table.schema().findField("id").fieldId());
                var city = fileSchema.getType("ship").asGroupType().getType("city");
                assertThat(city.getId().intValue()).isEqualTo(table.schema().findField("ship.city").fieldId());
            } finally {
                java.nio.file.Files.delete(local);
            }
        }
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void aTaskKilledMidStreamAndItsReplacementLeaveEveryOffsetOnce(String catalog) throws Exception {
        String bucket = "ice-killed";
        String name = table("orders");
        Set<TopicPartition> tps = Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        RecordingContext first = new RecordingContext(tps, false);
        S3ParquetSinkTask a = first.start(props(catalog, bucket, name, 100));
        for (int p = 0; p < 2; p++) {
            for (long o = 0; o < 500; o += 100) {
                a.put(Orders.records(p, o, o + 100));
            }
        }
        a.preCommit(Map.of());
        // Killed: no close, no stop.
        Map<String, String> props = props(catalog, bucket, name, 50);
        props.put("rotate.schedule.interval.ms", "1");
        RecordingContext second = new RecordingContext(tps, false);
        S3ParquetSinkTask b = second.start(props);
        Map<String, Long> held = IcebergTable.offsets(load(catalog, bucket, name));
        for (TopicPartition tp : tps) {
            long from = second.rewinds.get(tp);
            assertThat(from).isEqualTo(held.get(tp.topic() + "/" + tp.partition())).isGreaterThan(0);
            for (long o = from; o < 500; o += 37) {
                b.put(Orders.records(tp.partition(), o, Math.min(500, o + 37)));
            }
        }
        RecordingContext.awaitCommitted(b, 500, Duration.ofSeconds(30));
        b.stop();
        assertExactlyOnce(load(catalog, bucket, name), Map.of(0, 500L, 1, 500L));
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void aZombieThatKeepsWritingAfterItsPartitionMovedIsFenced(String catalog) throws Exception {
        String bucket = "ice-zombie";
        String name = table("orders");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext zombieContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask zombie = zombieContext.start(props(catalog, bucket, name, 30));
        zombie.put(Orders.records(0, 0, 150));
        zombie.preCommit(Map.of());

        RecordingContext ownerContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask owner = ownerContext.start(props(catalog, bucket, name, 30));
        long from = ownerContext.rewinds.get(tp);

        zombie.put(Orders.records(0, 150, 400)); // its next commit meets the new owner's claim and fails
        assertThat(zombie.preCommit(Map.of())).doesNotContainKey(tp);
        assertThat(zombieContext.paused).containsExactly(tp);

        Map<String, String> flush = props(catalog, bucket, name, 30);
        flush.put("rotate.schedule.interval.ms", "1");
        owner.stop();
        RecordingContext lastContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask last = lastContext.start(flush);
        assertThat(lastContext.rewinds.get(tp)).isGreaterThanOrEqualTo(from);
        last.put(Orders.records(0, lastContext.rewinds.get(tp), 400));
        RecordingContext.awaitCommitted(last, 400, Duration.ofSeconds(30));
        last.stop();
        zombie.stop();
        assertExactlyOnce(load(catalog, bucket, name), Map.of(0, 400L));
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void aNewOptionalFieldAddsAColumnWhenEvolutionIsOnAndIsABadRecordWhenOff(String catalog) throws Exception {
        String bucket = "ice-evolve";
        String name = table("events");
        TopicPartition tp = new TopicPartition("events", 0);
        Schema v1 = SchemaBuilder.struct().name("Event").field("id", Schema.INT64_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("Event").field("id", Schema.INT64_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
        Map<String, String> props = props(catalog, bucket, name, 2);
        props.put("partitioner.class", "default");
        props.put("kafka.metadata.fields", "partition,offset");

        RecordingContext strictContext = new RecordingContext(Set.of(tp), true);
        S3ParquetSinkTask strict = strictContext.start(props);
        strict.put(List.of(new SinkRecord("events", 0, null, null, v1, new Struct(v1).put("id", 1L), 0),
                new SinkRecord("events", 0, null, null, v1, new Struct(v1).put("id", 2L), 1),
                new SinkRecord("events", 0, null, null, v2, new Struct(v2).put("id", 3L).put("note", "n"), 2)));
        strict.preCommit(Map.of());
        strict.stop();
        assertThat(strictContext.errant).hasSize(1); // routed to the dead-letter topic
        assertThat(load(catalog, bucket, name).schema().findField("note")).isNull();

        props.put("iceberg.tables.evolve-schema-enabled", "true");
        RecordingContext evolvingContext = new RecordingContext(Set.of(tp), true);
        S3ParquetSinkTask evolving = evolvingContext.start(props);
        assertThat(evolvingContext.rewinds).containsEntry(tp, 3L); // offset 2 went to the dead-letter topic
        evolving.put(List.of(
                new SinkRecord("events", 0, null, null, v2, new Struct(v2).put("id", 3L).put("note", "n"), 3),
                new SinkRecord("events", 0, null, null, v2, new Struct(v2).put("id", 4L).put("note", "m"), 4)));
        assertThat(evolving.preCommit(Map.of()).get(tp).offset()).isEqualTo(5);
        evolving.stop();
        assertThat(evolvingContext.errant).isEmpty();
        Table table = load(catalog, bucket, name);
        assertThat(table.schema().findField("note")).isNotNull();
        Map<Long, String> notes = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
            rows.forEach(r -> notes.put((Long) r.getField("id"), (String) r.getField("note")));
        }
        assertThat(notes).containsEntry(1L, null).containsEntry(2L, null).containsEntry(3L, "n")
                .containsEntry(4L, "m").hasSize(4);
    }

    @org.junit.jupiter.api.Test
    void aCatalogOutageLeavesTheTaskRunningWithItsFilesStagedAndTheyAreCommittedOnceItIsBack() throws Exception {
        String name = table("orders");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext ctx = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = ctx.start(props("rest", REST_BUCKET, name, 100));
        task.put(Orders.records(0, 0, 300));
        assertThat(task.preCommit(Map.of()).get(tp).offset()).isEqualTo(300);
        rest.down(true);
        try {
            task.put(Orders.records(0, 300, 600)); // three more files: uploaded, their commit refused
            assertThat(task.preCommit(Map.of()).get(tp).offset()).isEqualTo(300);
            assertThat(ctx.paused).containsExactly(tp);
        } finally {
            rest.down(false);
        }
        RecordingContext.awaitCommitted(task, 600, Duration.ofSeconds(60));
        assertThat(ctx.paused).isEmpty();
        task.stop();
        assertExactlyOnce(load("rest", REST_BUCKET, name), Map.of(0, 600L));
    }

    @org.junit.jupiter.api.Test
    void aCommitWhoseAnswerIsLostIsFoundInTheTableAndNotCommittedAgain() throws Exception {
        String name = table("orders");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext ctx = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = ctx.start(props("rest", REST_BUCKET, name, 100));
        task.put(Orders.records(0, 0, 300));
        assertThat(task.preCommit(Map.of()).get(tp).offset()).isEqualTo(300);
        // Applied by the catalog, answered with an error, and every request refused for two seconds. Iceberg's REST
        // client retries with the same idempotency key and gets the stored answer; IcebergTableTest covers a lost
        // answer nothing resolves.
        rest.loseCommitAnswers(1);
        task.put(Orders.records(0, 300, 600));
        RecordingContext.awaitCommitted(task, 600, Duration.ofSeconds(60));
        task.stop();
        assertExactlyOnce(load("rest", REST_BUCKET, name), Map.of(0, 600L));
    }

    private static final Schema EVENT = SchemaBuilder.struct().name("Event").field("id", Schema.INT64_SCHEMA)
            .field("created", org.apache.kafka.connect.data.Timestamp.SCHEMA).build();

    private static SinkRecord event(long offset, long createdMs) {
        return new SinkRecord("events", 0, null, null, EVENT,
                new Struct(EVENT).put("id", offset).put("created", new java.util.Date(createdMs)), offset);
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void filesCommittedBeyondAnOlderOpenFileAreNotWrittenAgainAfterAKill(String catalog) throws Exception {
        String bucket = "ice-interleaved";
        String name = table("events");
        TopicPartition tp = new TopicPartition("events", 0);
        long hour0 = java.time.Instant.parse("2026-12-07T10:00:00Z").toEpochMilli();
        // One record in four is in the first hour: the second hour's files fill and are committed while the first
        // hour's file, older, is still open, so the table's offset stays at its start.
        java.util.function.LongFunction<SinkRecord> record = o -> event(o, hour0 + (o % 4 == 0 ? 0 : 3_600_000L) + o);
        RecordingContext first = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask a = first.start(props(catalog, bucket, name, 100));
        for (long o = 0; o < 300; o += 50) {
            List<SinkRecord> batch = new ArrayList<>();
            for (long k = o; k < o + 50; k++) {
                batch.add(record.apply(k));
            }
            a.put(batch);
        }
        a.preCommit(Map.of());
        Table before = load(catalog, bucket, name);
        assertThat(IcebergTable.offsets(before)).containsEntry("events/0", 0L); // the first hour's file is open
        assertThat(offsetsInTable(before).get(0)).hasSize(200); // two files of the second hour
        // Killed: no close, no stop. Its successor starts at offset 0 and must skip what the table holds.
        Map<String, String> props = props(catalog, bucket, name, 100);
        props.put("rotate.schedule.interval.ms", "1");
        RecordingContext second = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask b = second.start(props);
        assertThat(second.rewinds).containsEntry(tp, 0L);
        List<SinkRecord> again = new ArrayList<>();
        for (long o = 0; o < 300; o++) {
            again.add(record.apply(o));
        }
        b.put(again);
        RecordingContext.awaitCommitted(b, 300, Duration.ofSeconds(30));
        b.stop();
        assertExactlyOnce(load(catalog, bucket, name), Map.of(0, 300L));
    }

    @org.junit.jupiter.api.Test
    void hourlyPartitionsAcrossADaylightSavingChangeAreUtcHoursAndLoseNothing() throws Exception {
        String bucket = "ice-dst";
        String name = table("events");
        TopicPartition tp = new TopicPartition("events", 0);
        Map<String, String> props = props("jdbc", bucket, name, 1000);
        props.put("timezone", "America/New_York"); // 2026-11-01 02:00 EDT falls back to 01:00 EST
        props.put("rotate.schedule.interval.ms", "1");
        long start = java.time.Instant.parse("2026-11-01T04:00:00Z").toEpochMilli(); // 00:00 EDT
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 24; i++) { // every ten minutes for four hours: local 00:00 EDT to 02:50 EST
            records.add(event(i, start + i * 600_000L));
        }
        RecordingContext ctx = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = ctx.start(props);
        task.put(records);
        RecordingContext.awaitCommitted(task, 24, Duration.ofSeconds(30));
        task.stop();
        Table table = load("jdbc", bucket, name);
        Map<String, Long> perHour = new TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> perHour.merge(table.spec().partitionToPath(t.file().partition()),
                    t.file().recordCount(), Long::sum));
        }
        // The repeated local hour 01:00 is two UTC hours, 05:00 and 06:00: no hour holds twelve records.
        assertThat(perHour).containsExactly(Map.entry("created_hour=2026-11-01-04", 6L),
                Map.entry("created_hour=2026-11-01-05", 6L), Map.entry("created_hour=2026-11-01-06", 6L),
                Map.entry("created_hour=2026-11-01-07", 6L));
    }

    @org.junit.jupiter.api.Test
    void aBackfillOverAThousandDailyPartitionsUnderASmallBudgetCommitsEveryRowInOneAppend() throws Exception {
        String bucket = "ice-backfill";
        String name = table("events");
        TopicPartition tp = new TopicPartition("events", 0);
        Map<String, String> props = props("jdbc", bucket, name, 5); // each day's file is due at its fifth row
        props.put("iceberg.tables.default-partition-by", "day(created)");
        props.put("memory.buffer.max.bytes", Integer.toString(1024 * 1024)); // the smallest budget there is
        long day = 86_400_000L;
        long start = java.time.Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        RecordingContext ctx = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = ctx.start(props);
        for (int batch = 0; batch < 5; batch++) { // five rows per day, each batch over all thousand days
            List<SinkRecord> records = new ArrayList<>();
            for (int d = 0; d < 1000; d++) {
                records.add(event(batch * 1000L + d, start + d * day + batch * 1000L));
            }
            task.put(records);
        }
        assertThat(task.preCommit(Map.of()).get(tp).offset()).isEqualTo(5000);
        task.stop();
        Table table = load("jdbc", bucket, name);
        java.util.Set<String> days = new java.util.HashSet<>();
        long rows = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                days.add(table.spec().partitionToPath(t.file().partition()));
                rows += t.file().recordCount();
            }
        }
        assertThat(days).hasSize(1000);
        assertThat(rows).isEqualTo(5000);
        // The first record created the table (no claim needed before): then all thousand files in one append.
        assertThat(table.snapshots()).hasSize(1);
    }

    /** The offsets of each partition a table must hold, each once. */
    private static void assertHolds(Table table, Map<Integer, Set<Long>> expected) throws Exception {
        Map<Integer, Map<Long, Integer>> seen = offsetsInTable(table);
        for (var e : expected.entrySet()) {
            Map<Long, Integer> counts = seen.getOrDefault(e.getKey(), Map.of());
            assertThat(counts.keySet()).as("offsets of partition %s in %s", e.getKey(), table.name())
                    .isEqualTo(e.getValue());
            assertThat(counts.values()).as("copies per offset of partition %s", e.getKey()).containsOnly(1);
        }
    }

    private static Set<Long> offsetsWhere(long end, java.util.function.LongPredicate test) {
        return java.util.stream.LongStream.range(0, end).filter(test).boxed()
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void recordsRoutedByANestedFieldLandOnceInEachMatchingTableAfterAKillAndAReplayFromTheStart(String catalog)
            throws Exception {
        String bucket = "ice-routed";
        String eu = table("eu");
        String us = table("us");
        Set<TopicPartition> tps = Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        // ship.city is c0..c6 by offset % 7: c0-c3 go to one table, c3-c6 to the other, c3 to both.
        Map<String, String> props = props(catalog, bucket, eu, 30);
        props.put("iceberg.tables", "sluice_it." + eu + ", sluice_it." + us);
        props.put("iceberg.tables.route-field", "ship.city");
        props.put("iceberg.table.sluice_it." + eu + ".route-regex", "c[0-3]");
        props.put("iceberg.table.sluice_it." + us + ".route-regex", "c[3-6]");
        RecordingContext first = new RecordingContext(tps, false);
        S3ParquetSinkTask a = first.start(props);
        for (int p = 0; p < 2; p++) {
            for (long o = 0; o < 500; o += 100) {
                a.put(Orders.records(p, o, o + 100));
            }
        }
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = a.preCommit(Map.of());
        for (String t : List.of(eu, us)) { // both tables hold files of both partitions, some beyond an open one
            assertThat(IcebergTable.offsets(load(catalog, bucket, t))).containsOnlyKeys("orders/0", "orders/1");
            assertThat(offsetsInTable(load(catalog, bucket, t))).containsOnlyKeys(0, 1);
        }
        // Killed: no close, no stop. The successor does not rewind (each table holds its own offsets): partition 0
        // resumes at its committed offset, as a worker would; partition 1 is replayed from the start.
        Map<String, String> flush = new HashMap<>(props);
        flush.put("rotate.schedule.interval.ms", "1");
        RecordingContext second = new RecordingContext(tps, false);
        S3ParquetSinkTask b = second.start(flush);
        assertThat(second.rewinds).isEmpty();
        TopicPartition tp0 = new TopicPartition("orders", 0);
        long from0 = committed.containsKey(tp0) ? committed.get(tp0).offset() : 0;
        for (long o = from0; o < 500; o += 37) {
            b.put(Orders.records(0, o, Math.min(500, o + 37)));
        }
        for (long o = 0; o < 500; o += 37) {
            b.put(Orders.records(1, o, Math.min(500, o + 37)));
        }
        RecordingContext.awaitCommitted(b, 500, Duration.ofSeconds(30));
        b.stop();
        Set<Long> inEu = offsetsWhere(500, o -> o % 7 <= 3);
        Set<Long> inUs = offsetsWhere(500, o -> o % 7 >= 3);
        assertHolds(load(catalog, bucket, eu), Map.of(0, inEu, 1, inEu));
        assertHolds(load(catalog, bucket, us), Map.of(0, inUs, 1, inUs));
    }

    private static final Schema ROUTED = SchemaBuilder.struct().name("Routed").field("id", Schema.INT64_SCHEMA)
            .field("dest", Schema.OPTIONAL_STRING_SCHEMA).build();

    @org.junit.jupiter.api.Test
    void dynamicRoutingCreatesTheTableARecordNamesAndARecordNamingNoneIsABadRecord() throws Exception {
        String bucket = "ice-dynamic";
        String base = table("dyn");
        TopicPartition tp = new TopicPartition("routed", 0);
        Map<String, String> props = props("jdbc", bucket, base, 1000);
        props.remove("iceberg.tables");
        props.put("partitioner.class", "default");
        props.put("iceberg.tables.dynamic-enabled", "true");
        props.put("iceberg.tables.route-field", "dest");
        props.put("rotate.schedule.interval.ms", "1");
        List<SinkRecord> records = new ArrayList<>();
        for (long o = 0; o < 90; o++) {
            String dest = o == 45 ? null : "SLUICE_IT." + base.toUpperCase(java.util.Locale.ROOT) + "_" + o % 3;
            records.add(new SinkRecord("routed", 0, null, null, ROUTED,
                    new Struct(ROUTED).put("id", o).put("dest", dest), o));
        }
        RecordingContext ctx = new RecordingContext(Set.of(tp), true);
        S3ParquetSinkTask task = ctx.start(props);
        task.put(records);
        RecordingContext.awaitCommitted(task, 90, Duration.ofSeconds(30));
        task.stop();
        assertThat(ctx.errant).extracting(SinkRecord::kafkaOffset).containsExactly(45L);
        for (int t = 0; t < 3; t++) {
            int k = t;
            assertHolds(load("jdbc", bucket, base + "_" + t), Map.of(0, offsetsWhere(90, o -> o % 3 == k && o != 45)));
        }
    }

    @org.junit.jupiter.api.Test
    void aTopicPlaceholderGivesEachTopicItsOwnTable() throws Exception {
        String bucket = "ice-per-topic";
        String base = table("t");
        Set<TopicPartition> tps = Set.of(new TopicPartition("orders", 0), new TopicPartition("orders.returns", 0));
        Map<String, String> props = props("jdbc", bucket, base, 1000);
        props.put("iceberg.tables", "sluice_it." + base + "_${topic}");
        props.put("rotate.schedule.interval.ms", "1");
        // As config-examples/connectors/s3-shop-iceberg-per-topic.json: tables by the day of the Kafka timestamp.
        props.put("kafka.metadata.fields", "partition,offset,timestamp");
        props.put("iceberg.tables.default-partition-by", "day(_kafka_timestamp)");
        long day = 86_400_000L;
        List<SinkRecord> records = new ArrayList<>();
        for (String topic : List.of("orders", "orders.returns")) {
            for (SinkRecord r : Orders.records(0, 0, topic.equals("orders") ? 40 : 25)) {
                records.add(new SinkRecord(topic, 0, null, null, r.valueSchema(), r.value(), r.kafkaOffset(),
                        Orders.BASE + r.kafkaOffset() % 2 * day,
                        org.apache.kafka.common.record.TimestampType.CREATE_TIME));
            }
        }
        RecordingContext ctx = new RecordingContext(tps, false);
        S3ParquetSinkTask task = ctx.start(props);
        task.put(records);
        Map<TopicPartition, Long> ends = Map.of(new TopicPartition("orders", 0), 40L,
                new TopicPartition("orders.returns", 0), 25L);
        io.sluice.connect.testkit.Wait.until("both topics committed", Duration.ofSeconds(30), () -> {
            task.put(List.of());
            Map<TopicPartition, Long> offsets = new HashMap<>();
            task.preCommit(Map.of()).forEach((tp, o) -> offsets.put(tp, o.offset()));
            return offsets.equals(ends);
        });
        task.stop();
        assertExactlyOnce(load("jdbc", bucket, base + "_orders"), Map.of(0, 40L));
        Table returns = load("jdbc", bucket, base + "_orders_returns");
        assertExactlyOnce(returns, Map.of(0, 25L));
        assertThat(returns.spec().fields()).singleElement()
                .satisfies(f -> assertThat(f.transform().toString()).isEqualTo("day"));
        java.util.Set<String> days = new java.util.TreeSet<>();
        try (CloseableIterable<FileScanTask> tasks = returns.newScan().planFiles()) {
            tasks.forEach(t -> days.add(returns.spec().partitionToPath(t.file().partition())));
        }
        assertThat(days).hasSize(2).allMatch(d -> d.startsWith("_kafka_timestamp_day="));
    }

    /** Settings that send every record to both tables {@code a} and {@code b}: a fan-out. */
    private static Map<String, String> fanOut(String catalog, String bucket, String a, String b, int flushSize) {
        Map<String, String> props = props(catalog, bucket, a, flushSize);
        props.put("iceberg.tables", "sluice_it." + a + ",sluice_it." + b);
        return props;
    }

    /**
     * Tasks started together race to create the same namespace and table: on PostgreSQL the JDBC catalog answers
     * the losers with a duplicate-key SQL error rather than AlreadyExistsException (a CI run's task failed so);
     * every task must get the table.
     */
    @org.junit.jupiter.api.Test
    void tasksCreatingTheSameNamespaceAndTableAtOnceAllGetIt() throws Exception {
        Map<String, String> properties = s3Io();
        properties.put("type", "jdbc");
        properties.put("uri", JDBC_URL);
        properties.put("jdbc.user", "postgres");
        properties.put("warehouse", "s3://" + REST_BUCKET + "/race");
        org.apache.avro.Schema row = org.apache.avro.SchemaBuilder.record("row").fields()
                .requiredLong("id").endRecord();
        int tasks = 6;
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            for (int round = 0; round < 3; round++) { // a round can miss the race; three rarely all do
                Namespace namespace = Namespace.of("sluice_it_race_" + round);
                Catalog setup = CatalogUtil.buildIcebergCatalog("iceberg", properties, null);
                IcebergRestCatalog.forget(setup, namespace);
                ((SupportsNamespaces) setup).dropNamespace(namespace);
                ((Closeable) setup).close();
                CyclicBarrier start = new CyclicBarrier(tasks);
                List<Future<Boolean>> created = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    created.add(pool.submit(() -> {
                        try (IcebergCatalog catalog = new IcebergCatalog("iceberg", properties, true, false,
                                List.of(), Map.of())) {
                            IcebergTable table = catalog.table(namespace + ".orders");
                            start.await(30, TimeUnit.SECONDS);
                            table.create(row);
                            return table.exists();
                        }
                    }));
                }
                for (Future<Boolean> f : created) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @org.junit.jupiter.api.Test
    void aCatalogOutageAtAFanOutsFirstClaimRewindsThePartitionWhichLandsOnceWhenItIsBack() throws Exception {
        String a = table("outage_a");
        String b = table("outage_b");
        TopicPartition tp = new TopicPartition("orders", 0);
        Map<String, String> props = fanOut("rest", REST_BUCKET, a, b, 1000);
        props.put("rotate.schedule.interval.ms", "1");
        RecordingContext ctx = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = ctx.start(props);
        rest.down(true);
        try {
            task.put(Orders.records(0, 0, 100)); // its claims refused: nothing written, the partition rewound
            assertThat(task.preCommit(Map.of())).doesNotContainKey(tp);
            assertThat(ctx.rewinds).containsEntry(tp, 0L);
            assertThat(ctx.paused).containsExactly(tp);
        } finally {
            rest.down(false);
        }
        task.put(Orders.records(0, 0, 100)); // read again from the rewind: claimed now, and written
        RecordingContext.awaitCommitted(task, 100, Duration.ofSeconds(60));
        assertThat(ctx.paused).isEmpty();
        task.stop();
        assertExactlyOnce(load("rest", REST_BUCKET, a), Map.of(0, 100L));
        assertExactlyOnce(load("rest", REST_BUCKET, b), Map.of(0, 100L));
    }

    @ParameterizedTest(name = "{0} catalog")
    @ValueSource(strings = {"jdbc", "rest"})
    void aZombieOfAFanOutIsFencedInTheTablesItsPartitionsNewOwnerClaimed(String catalog) throws Exception {
        String bucket = "ice-zombie-fan";
        String a = table("zombie_a");
        String b = table("zombie_b");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext zombieContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask zombie = zombieContext.start(fanOut(catalog, bucket, a, b, 30));
        zombie.put(Orders.records(0, 0, 150));
        var committed = zombie.preCommit(Map.of());
        long from = committed.containsKey(tp) ? committed.get(tp).offset() : 0;

        Map<String, String> flush = fanOut(catalog, bucket, a, b, 30);
        flush.put("rotate.schedule.interval.ms", "1");
        RecordingContext ownerContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask owner = ownerContext.start(flush);
        owner.put(Orders.records(0, from, 200)); // its first records claim the partition in both tables

        zombie.put(Orders.records(0, 150, 400)); // its next commits meet the new owner's claims and fail
        assertThat(zombie.preCommit(Map.of())).doesNotContainKey(tp);
        assertThat(zombieContext.paused).containsExactly(tp);

        owner.put(Orders.records(0, 200, 400));
        RecordingContext.awaitCommitted(owner, 400, Duration.ofSeconds(30));
        owner.stop();
        zombie.stop();
        assertExactlyOnce(load(catalog, bucket, a), Map.of(0, 400L));
        assertExactlyOnce(load(catalog, bucket, b), Map.of(0, 400L));
    }
}
