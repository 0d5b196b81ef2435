package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.testkit.S3Server;
import io.sluice.connect.testkit.TcpProxy;
import io.sluice.connect.testkit.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 answering 503 SlowDown, then 500, then dropping connections, for a while: the task backs off and retries, pauses
 * the partition whose commits fail instead of failing itself or growing its memory, and once S3 is back every offset
 * is in exactly one object.
 */
class S3OutageIT {

    private S3Server s3;
    private TcpProxy proxy;
    private S3Client client;

    @BeforeEach
    void startS3BehindAProxy() throws Exception {
        s3 = new S3Server();
        proxy = new TcpProxy(Integer.parseInt(s3.url().substring(s3.url().lastIndexOf(':') + 1)));
        client = s3.client();
    }

    @AfterEach
    void stopS3() throws Exception {
        client.close();
        proxy.close();
        s3.close();
    }

    /** Sink settings for a new {@code bucket}, reached through the proxy, with short SDK retries. */
    private Map<String, String> throughProxy(String bucket, int retries) {
        s3.createBucket(bucket);
        Map<String, String> props = Orders.hourlyProps(s3.sinkProps(bucket), 40);
        props.put("store.url", "http://127.0.0.1:" + proxy.port());
        props.put("s3.part.retries", Integer.toString(retries));
        props.put("s3.retry.backoff.ms", "20");
        return props;
    }

    /**
     * The failure the task's next commits end in, feeding it empty batches as a worker does, within 10 s. The first
     * attempt may meet a pooled connection the proxy dropped when it changed what it answers: an I/O error, rightly
     * retried; the attempt after it gets the answer the test set up.
     */
    private static ConnectException failure(S3ParquetSinkTask task) {
        ConnectException[] failed = new ConnectException[1];
        Wait.until("the task to fail", Duration.ofSeconds(10), () -> {
            try {
                task.put(List.of());
                task.preCommit(Map.of());
                return false;
            } catch (ConnectException e) {
                failed[0] = e;
                return true;
            }
        });
        return failed[0];
    }

    @Test
    void throttlingAndServerErrorsAreRiddenOutWithoutLossOrDuplicates() throws Exception {
        String bucket = "outage";
        Map<String, String> props = throughProxy(bucket, 2);
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext context = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = context.start(props);

        task.put(Orders.records(0, 0, 150));
        task.preCommit(Map.of()); // waits for the put, which runs on the task's writing thread
        assertThat(new Bucket(client, bucket).offsets()).isNotEmpty();

        proxy.failHttp(503);
        task.put(Orders.records(0, 150, 300));
        long committedDuringOutage = task.preCommit(Map.of()).get(tp).offset(); // also waits for the put
        assertThat(committedDuringOutage).isLessThan(300);
        assertThat(context.paused).as("the partition waits while its commits fail").containsExactly(tp);

        proxy.failHttp(500);
        task.put(List.of());
        proxy.down();
        task.put(List.of());
        task.preCommit(Map.of());
        assertThat(context.paused).containsExactly(tp);
        assertThat(proxy.refused()).isPositive();

        proxy.up();
        Map<String, String> flush = Map.of("rotate.schedule.interval.ms", "1");
        Wait.until("the failed commits retried and the partition resumed", Duration.ofSeconds(60), () -> {
            task.put(List.of());
            task.preCommit(Map.of());
            return context.paused.isEmpty();
        });
        task.put(Orders.records(0, 300, 400));
        task.preCommit(Map.of());
        task.stop();
        // What was still open at stop is written by the next task, from the committed offset.
        props.putAll(flush);
        RecordingContext next = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask last = next.start(props);
        Long from = next.rewinds.get(tp);
        last.put(Orders.records(0, from == null ? 0 : from, 400));
        RecordingContext.awaitCommitted(last, 400, Duration.ofSeconds(30));
        last.stop();
        new Bucket(client, bucket).assertExactlyOnce(Map.of(0, 400L));
    }

    /** Access denied mid-run (credentials revoked): no retrying forever, the task fails at once naming the cause. */
    @Test
    void accessDeniedMidRunFailsTheTaskAtOnceNamingTheCause() throws Exception {
        Map<String, String> props = throughProxy("denied", 1);
        props.put("rotate.schedule.interval.ms", "1"); // every put commits what it wrote
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext context = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = context.start(props);
        task.put(Orders.records(0, 0, 50));
        task.preCommit(Map.of());
        proxy.failHttp(403);
        long denied = System.nanoTime();
        task.put(Orders.records(0, 50, 120)); // 40 per file: commits while every request is denied
        assertThat(failure(task)).hasMessageContaining("a retry cannot help").hasMessageContaining("denied")
                .hasMessageContaining("403");
        Duration toFailed = Duration.ofNanos(System.nanoTime() - denied);
        System.out.printf("403 on every request: task failed %d ms after access was denied%n", toFailed.toMillis());
        assertThat(toFailed).isLessThan(Duration.ofSeconds(10));
        task.stop();
    }

    /** The bucket deleted under a running sink: the task fails at once naming the bucket, not retrying forever. */
    @Test
    void aDeletedBucketFailsTheTaskAtOnceNamingIt() throws Exception {
        Map<String, String> props = throughProxy("deleted", 1);
        props.put("rotate.schedule.interval.ms", "1");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext context = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = context.start(props);
        task.put(Orders.records(0, 0, 20));
        task.preCommit(Map.of());
        for (var o : client.listObjectsV2Paginator(b -> b.bucket("deleted")).contents()) {
            client.deleteObject(b -> b.bucket("deleted").key(o.key()));
        }
        client.deleteBucket(b -> b.bucket("deleted"));
        long deleted = System.nanoTime();
        task.put(Orders.records(0, 20, 40));
        assertThat(failure(task)).hasMessageContaining("a retry cannot help")
                .hasMessageContaining("'deleted' does not exist");
        System.out.printf("bucket deleted: task failed %d ms later%n",
                Duration.ofNanos(System.nanoTime() - deleted).toMillis());
        task.stop();
    }

    /** S3 away longer than s3.retry.timeout.ms: the task stops waiting and fails, naming the key. */
    @Test
    void anOutageLongerThanTheRetryTimeoutFailsTheTaskNamingTheKey() throws Exception {
        Map<String, String> props = throughProxy("too-long", 0);
        props.put("s3.retry.timeout.ms", "2000");
        props.put("rotate.schedule.interval.ms", "1"); // every put commits what it wrote
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext context = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = context.start(props);
        task.put(Orders.records(0, 0, 10));
        task.preCommit(Map.of());
        proxy.failHttp(503);
        long down = System.currentTimeMillis();
        task.put(Orders.records(0, 10, 100));
        Throwable failed = null;
        while (failed == null && System.currentTimeMillis() - down < 30_000) {
            try {
                task.put(List.of());
                task.preCommit(Map.of());
            } catch (ConnectException e) {
                failed = e;
            }
        }
        System.out.printf("S3 unavailable with s3.retry.timeout.ms=2000: task failed %d ms after the outage began%n",
                System.currentTimeMillis() - down);
        assertThat(System.currentTimeMillis() - down).isGreaterThanOrEqualTo(2_000);
        assertThat(failed).isNotNull().hasMessageContaining("s3.retry.timeout.ms=2000");
        task.stop();
    }

    /**
     * A task that starts while S3 is away (a rebalance during an outage) does not fail: its partition waits, paused,
     * drops nothing it cannot place, and once S3 answers it recovers from the offset index and rewinds to it.
     */
    @Test
    void aTaskStartedDuringAnOutageWaitsAndRecovers() throws Exception {
        String bucket = "outage-start";
        Map<String, String> props = throughProxy(bucket, 1);
        props.put("rotate.schedule.interval.ms", "1");
        TopicPartition tp = new TopicPartition("orders", 0);
        RecordingContext first = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask before = first.start(props);
        before.put(Orders.records(0, 0, 150));
        long written = before.preCommit(Map.of()).get(tp).offset();
        assertThat(written).isPositive();
        before.stop();

        proxy.failHttp(500);
        RecordingContext context = new RecordingContext(Set.of(tp), false);
        S3ParquetSinkTask task = context.start(props); // start and open while every request fails
        task.put(Orders.records(0, written, 300));
        assertThat(task.preCommit(Map.of())).as("nothing committed while the index is unread").doesNotContainKey(tp);
        assertThat(context.paused).containsExactly(tp);
        assertThat(context.rewinds).isEmpty();

        proxy.up();
        Wait.until("the partition recovered and resumed", Duration.ofSeconds(60), () -> {
            task.put(List.of());
            task.preCommit(Map.of());
            return context.paused.isEmpty();
        });
        // back to the index's offset, at or below what the first task wrote; replays of kept objects are skipped
        Long from = context.rewinds.get(tp);
        assertThat(from).isNotNull().isLessThanOrEqualTo(written);
        task.put(Orders.records(0, from, 300));
        RecordingContext.awaitCommitted(task, 300, Duration.ofSeconds(30));
        task.stop();
        new Bucket(client, bucket).assertExactlyOnce(Map.of(0, 300L));
    }
}
