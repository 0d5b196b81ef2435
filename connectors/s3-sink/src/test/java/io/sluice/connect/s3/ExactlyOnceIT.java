package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.testkit.S3ServerExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema.Field;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink task against a real S3 API server: a task that dies without closing, and a zombie that keeps writing
 * after its partition moved, still leave every offset in exactly one object, read back with parquet-avro's reader.
 */
class ExactlyOnceIT {

    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();

    private static Map<String, String> props(String bucket, int flushSize) {
        STORE.server().createBucket(bucket);
        return Orders.hourlyProps(STORE.server().sinkProps(bucket), flushSize);
    }

    private static void assertExactlyOnce(String bucket, Map<Integer, Long> ends) {
        new Bucket(STORE.client(), bucket).assertExactlyOnce(ends);
    }

    private static Map<Integer, Map<Long, Integer>> offsetsInBucket(String bucket) {
        return new Bucket(STORE.client(), bucket).offsets();
    }

    @Test
    void aTaskKilledMidStreamAndReplacedWithOtherRotationLeavesEveryOffsetOnce() {
        String bucket = "killed";
        Set<TopicPartition> tps = Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        RecordingContext first = new RecordingContext(tps, false);
        S3ParquetSinkTask a = first.start(props(bucket, 70));
        for (int p = 0; p < 2; p++) {
            for (long o = 0; o < 500; o += 100) {
                a.put(Orders.records(p, o, o + 100));
            }
        }
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committedByA = a.preCommit(Map.of());
        // Killed: no close, no stop. Its open files were never completed, so nothing of them is visible.
        Map<Integer, Map<Long, Integer>> afterA = offsetsInBucket(bucket); // preCommit above waited for every put
        assertThat(afterA.get(0)).isNotEmpty().hasSizeLessThan(500);

        // The replacement rotates differently (smaller files, and by wall clock after every put).
        Map<String, String> props = props(bucket, 50);
        props.put("rotate.schedule.interval.ms", "1");
        RecordingContext second = new RecordingContext(tps, false);
        S3ParquetSinkTask b = second.start(props);
        for (TopicPartition tp : tps) {
            long from = second.rewinds.get(tp);
            assertThat(from).isLessThanOrEqualTo(committedByA.get(tp).offset());
            for (long o = from; o < 500; o += 37) {
                b.put(Orders.records(tp.partition(), o, Math.min(500, o + 37)));
            }
        }
        // Scheduled rotation commits the last files once they are a millisecond old, as idle partitions get.
        RecordingContext.awaitCommitted(b, 500, Duration.ofSeconds(30));
        b.stop();
        assertExactlyOnce(bucket, Map.of(0, 500L, 1, 500L));
    }

    @Test
    void aZombieThatKeepsWritingAfterItsPartitionMovedIsFenced() {
        String bucket = "zombie";
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext zombieContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask zombie = zombieContext.start(props(bucket, 30));
        zombie.put(Orders.records(0, 0, 150));
        zombie.preCommit(Map.of()); // waits for the put: the task writes on a thread of its own

        RecordingContext ownerContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask owner = ownerContext.start(props(bucket, 30));
        long from = ownerContext.rewinds.get(tp);

        zombie.put(Orders.records(0, 150, 400)); // its next commit meets the new owner's index and fails
        assertThat(zombie.preCommit(Map.of())).doesNotContainKey(tp);
        assertThat(zombieContext.paused).containsExactly(tp);

        owner.put(Orders.records(0, from, 400));
        owner.preCommit(Map.of());
        owner.preCommit(Map.of());
        Map<String, String> flush = props(bucket, 30);
        owner.stop();
        flush.put("rotate.schedule.interval.ms", "1");
        RecordingContext lastContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask last = lastContext.start(flush);
        last.put(Orders.records(0, lastContext.rewinds.get(tp), 400));
        RecordingContext.awaitCommitted(last, 400, Duration.ofSeconds(30));
        last.stop();
        zombie.stop();
        assertExactlyOnce(bucket, Map.of(0, 400L));
    }

    @Test
    void anUploadListedInTheIndexButNeverCompletedIsAbortedAndItsRecordsWrittenAgain() throws Exception {
        String bucket = "mid-commit";
        TopicPartition tp = new TopicPartition("orders", 0);
        Map<String, String> props = props(bucket, 100);
        props.put("partitioner.class", "default");
        RecordingContext firstContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask first = firstContext.start(props);
        first.put(Orders.records(0, 0, 130));
        first.preCommit(Map.of()); // offsets 0..99 in one object, 100..129 open

        // The state a task leaves when it dies between listing a file in the index and completing its upload.
        String indexKey = "topics/orders/_sluice/0.json";
        String key = "topics/orders/partition=0/orders+0+0000000100.snappy.parquet";
        String uploadId = STORE.client().createMultipartUpload(b -> b.bucket(bucket).key(key)
                .metadata(Map.of("sluice-attempt", "dead-task"))).uploadId();
        STORE.client().uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromString("half a file"));
        com.fasterxml.jackson.databind.node.ObjectNode index = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                        STORE.client().getObjectAsBytes(b -> b.bucket(bucket).key(indexKey)).asByteArray());
        index.withArray("files").addObject().put("key", key).put("path", "partition=0").put("start", 100)
                .put("end", 129).put("upload", uploadId).put("attempt", "dead-task");
        STORE.client().putObject(b -> b.bucket(bucket).key(indexKey),
                software.amazon.awssdk.core.sync.RequestBody.fromString(index.toString()));

        props.put("rotate.schedule.interval.ms", "1");
        RecordingContext nextContext = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask next = nextContext.start(props);
        long from = nextContext.rewinds.get(tp);
        assertThat(from).isLessThanOrEqualTo(100);
        next.put(Orders.records(0, from, 150));
        RecordingContext.awaitCommitted(next, 150, Duration.ofSeconds(30));
        next.stop();
        // The dead task's upload can no longer be completed: a late zombie cannot make it visible.
        assertThatThrownBy(() -> STORE.client().completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag("x")))))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class);
        assertExactlyOnce(bucket, Map.of(0, 150L));
    }

    @Test
    void valuesAndLogicalTypesSurviveTheRoundTrip() {
        String bucket = "values";
        TopicPartition tp = new TopicPartition("orders", 0);
        Map<String, String> props = props(bucket, 1000);
        props.put("parquet.codec", "zstd");
        props.put("flush.size", "3");
        S3ParquetSinkTask task = new RecordingContext(Set.of(tp), false).start(props);
        task.put(Orders.records(0, 0, 9));
        task.preCommit(Map.of()); // as the worker does before stopping a task; waits for the put
        task.stop();

        Map<String, List<GenericRecord>> objects = ParquetObjects.read(STORE.client(), bucket, "topics/orders/");
        assertThat(objects.keySet()).allMatch(k -> k.matches("topics/orders/year=\\d{4}/month=\\d\\d/day=\\d\\d/"
                + "hour=\\d\\d/orders\\+0\\+\\d{10}\\.zstd\\.parquet"));
        Map<Long, GenericRecord> byOffset = new HashMap<>();
        objects.values().forEach(rows -> rows.forEach(r -> byOffset.put((Long) r.get("_kafka_offset"), r)));
        assertThat(byOffset).hasSize(9);
        GenericRecord r = byOffset.get(7L);
        assertThat(r.get("id")).isEqualTo(7L);
        Field amount = r.getSchema().getField("amount");
        assertThat(amount.schema().getLogicalType()).isEqualTo(LogicalTypes.decimal(12, 2));
        assertThat(new BigDecimal(new java.math.BigInteger(bytes(r.get("amount"))), 2)).isEqualByComparingTo("0.07");
        assertThat(r.getSchema().getField("created").schema().getLogicalType())
                .isEqualTo(LogicalTypes.timestampMillis());
        assertThat(r.get("created")).isEqualTo(Orders.BASE + Orders.HOUR + 7);
        assertThat(((GenericRecord) r.get("ship")).get("city").toString()).isEqualTo("c0");
        assertThat(r.get("bill")).isNull();
        // Two records named Address with different shapes: the second one gets a name of its own.
        assertThat(r.getSchema().getField("bill").schema().getTypes().get(1).getFullName())
                .isNotEqualTo(r.getSchema().getField("ship").schema().getFullName());
        GenericRecord line = (GenericRecord) ((List<?>) r.get("lines")).get(0);
        assertThat(line.get("sku").toString()).isEqualTo("s7");
        assertThat(List.copyOf(((Map<?, ?>) r.get("attrs")).values())).isEqualTo(List.of(7));
        String path = objects.keySet().stream().filter(k -> k.contains("+0000000001.")).findFirst().orElseThrow();
        assertThat(path).contains("hour=" + String.format("%02d",
                java.time.Instant.ofEpochMilli(Orders.BASE + Orders.HOUR).atZone(java.time.ZoneOffset.UTC).getHour()));
    }

    private static byte[] bytes(Object buffer) {
        java.nio.ByteBuffer b = ((java.nio.ByteBuffer) buffer).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
