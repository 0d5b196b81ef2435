package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.testkit.S3ServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A backfill over many time paths with a small memory budget, against a real S3 API server: rows move to the spill
 * area instead of files being committed early, so each path gets one object per rotation, byte for byte the object
 * an unconstrained task writes; only a full spill falls back to early commits; the spill area is the task's alone.
 */
class SpillIT {

    private static final Set<TopicPartition> TWO = Set.of(new TopicPartition("orders", 0),
            new TopicPartition("orders", 1));

    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();

    @TempDir
    Path spillRoot;

    /** One-mebibyte budget: no file can stream (a writer alone holds a quarter of it), so every file is buffered. */
    private Map<String, String> tight(String bucket, int flushSize) {
        STORE.server().createBucket(bucket);
        Map<String, String> props = Orders.hourlyProps(STORE.server().sinkProps(bucket), flushSize);
        props.put("memory.buffer.max.bytes", Integer.toString(1 << 20));
        props.put("spill.dir", spillRoot.toString());
        return props;
    }

    /** A started task and the context that records its metrics. */
    private record Run(RecordingContext context, S3ParquetSinkTask task) {
        long metric(String name) {
            return context.metric(name);
        }
    }

    /** Writes {@code perPath} records to each of {@code hours} hourly paths of both partitions, interleaved. */
    private static Run backfill(Map<String, String> props, int hours, int perPath) {
        RecordingContext context = new RecordingContext(TWO, false);
        S3ParquetSinkTask task = context.start(props);
        long end = (long) hours * perPath;
        for (long o = 0; o < end; o += 500) {
            for (int p = 0; p < 2; p++) {
                task.put(Orders.records(p, o, Math.min(end, o + 500), hours));
            }
        }
        // Every file is due by flush.size with its last record, unless something committed files early; the
        // scheduled rotation some tests set then commits what is left.
        RecordingContext.awaitCommitted(task, end, Duration.ofSeconds(30));
        return new Run(context, task);
    }

    private static Map<String, byte[]> objects(String bucket) {
        Map<String, byte[]> out = new TreeMap<>();
        for (S3Object o : STORE.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix("topics/orders/")).contents()) {
            if (o.key().endsWith(".parquet")) {
                out.put(o.key(), STORE.client().getObject(r -> r.bucket(bucket).key(o.key()), ResponseTransformer.toBytes())
                        .asByteArray());
            }
        }
        return out;
    }

    private List<Path> spillFiles() throws IOException {
        try (Stream<Path> files = Files.walk(spillRoot)) {
            return files.filter(f -> !f.equals(spillRoot)).toList();
        }
    }

    @Test
    void aBackfillSpillsAndCommitsOneObjectPerPathAndPartition() throws Exception {
        Run run = backfill(tight("backfill", 100), 200, 100);
        try {
            assertThat(run.metric("spilled-bytes-total")).as("rows spilled").isPositive();
            assertThat(run.metric("files-committed-early-total")).isZero();
            assertThat(run.metric("spill-bytes")).as("runs deleted once their files are committed").isZero();
        } finally {
            run.task().stop();
        }
        assertThat(objects("backfill")).hasSize(2 * 200);
        new Bucket(STORE.client(), "backfill").assertExactlyOnce(Map.of(0, 20_000L, 1, 20_000L));
        assertThat(spillFiles()).as("the area is gone with its task").isEmpty();
    }

    @Test
    void aFileBuiltFromSpilledRowsIsByteForByteTheStreamedFile() {
        STORE.server().createBucket("streamed");
        Map<String, String> roomy = Orders.hourlyProps(STORE.server().sinkProps("streamed"), 500);
        Run streamed = backfill(roomy, 20, 500);
        streamed.task().stop();
        Run spilled = backfill(tight("spilled", 500), 20, 500);
        assertThat(spilled.metric("spilled-bytes-total")).isPositive();
        spilled.task().stop();

        Map<String, byte[]> a = objects("streamed");
        Map<String, byte[]> b = objects("spilled");
        assertThat(a).hasSize(2 * 20);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((key, bytes) -> assertThat(b.get(key)).as(key).isEqualTo(bytes));
    }

    @Test
    void aFullSpillFallsBackToCommittingEarlyAndLosesNothing() {
        Map<String, String> props = tight("full", 100);
        props.put("spill.max.bytes", "1");
        props.put("rotate.schedule.interval.ms", "1000"); // the files left short when early commits cut them
        Run run = backfill(props, 200, 100);
        try {
            assertThat(run.metric("files-committed-early-total")).isPositive();
            assertThat(run.metric("spilled-bytes-total")).isZero();
        } finally {
            run.task().stop();
        }
        assertThat(objects("full")).hasSizeGreaterThan(2 * 200);
        new Bucket(STORE.client(), "full").assertExactlyOnce(Map.of(0, 20_000L, 1, 20_000L));
    }

    @Test
    void anUnusableSpillDirFailsValidationAndTaskStartNamingTheKey() throws Exception {
        Path notADir = Files.writeString(spillRoot.resolve("a-file"), "x");
        Map<String, String> props = tight("unusable", 50);
        props.put("spill.dir", notADir.resolve("spill").toString());

        Map<String, String> config = new HashMap<>(props);
        config.put("connector.class", S3ParquetSinkConnector.class.getName());
        config.put("topics", "orders");
        ConfigValue dir = new S3ParquetSinkConnector().validate(config).configValues().stream()
                .filter(v -> v.name().equals("spill.dir")).findFirst().orElseThrow();
        assertThat(dir.errorMessages()).singleElement().asString().contains("spill.dir", "spill.max.bytes=0");

        assertThatThrownBy(() -> new RecordingContext(TWO, false).start(props)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("spill.dir").hasMessageContaining("spill.max.bytes=0");

        props.put("spill.max.bytes", "0"); // the documented way out: no spill, no directory needed
        new RecordingContext(TWO, false).start(props).stop();
    }

    @Test
    void anAreaLeftByATaskThatDiedIsRemovedWhenATaskStarts() throws Exception {
        Path dead = Files.createDirectories(spillRoot.resolve("s3-orders-0f1e"));
        Files.writeString(dead.resolve("0"), "rows of a killed task");
        Files.createFile(spillRoot.resolve("s3-orders-0f1e.lock"));
        S3ParquetSinkTask task = new RecordingContext(TWO, false).start(tight("swept", 50));
        try {
            assertThat(dead).doesNotExist();
            assertThat(spillRoot.resolve("s3-orders-0f1e.lock")).doesNotExist();
            assertThat(spillFiles()).as("only this task's own area").hasSize(2);
        } finally {
            task.stop();
        }
        assertThat(spillFiles()).isEmpty();
    }
}
