package io.sluice.connect.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import io.sluice.connect.testkit.S3ServerExtension;
import io.sluice.connect.testkit.TcpProxy;
import io.sluice.connect.testkit.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 sink under lasting faults on a real worker whose offset flush is rare (10 minutes, as some operators set
 * it): an idle partition's file is still committed on schedule; a store that denies every request fails the task
 * at once instead of leaving it RUNNING; a topic-renaming transform cannot steer keys.
 */
class S3FaultsBundleIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b
            .kafkaVersion(System.getProperty("sluice.kafka.version")).workers(1).pluginPath(Bundle.pluginPath())
            .workerProperty("plugin.discovery", "service_load")
            .workerProperty("offset.flush.interval.ms", "600000"));

    @RegisterExtension
    static final S3ServerExtension STORE = new S3ServerExtension();

    /** A topic and a bucket named {@code name}, and a sink between them committing a file every second. */
    private static Map<String, String> sink(String name) {
        CLUSTER.cluster().createTopic(name, 1);
        STORE.server().createBucket(name);
        Map<String, String> config = new HashMap<>(STORE.server().sinkProps(name));
        config.put("connector.class", "io.sluice.connect.s3.S3ParquetSinkConnector");
        config.put("topics", name);
        config.put("rotate.schedule.interval.ms", "1000");
        config.put("tasks.max", "1");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("flush.size", "1000000");
        config.put("kafka.metadata.fields", "topic,partition,offset");
        return config;
    }

    private static List<Map.Entry<String, String>> rows(int from, int to) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(Map.entry("k" + i, "{\"id\":" + i + ",\"region\":\"eu\"}"));
        }
        return out;
    }

    private static List<String> keys(String bucket) {
        return STORE.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(o -> o.key())
                .filter(k -> k.endsWith(".parquet")).toList();
    }

    /** Records stop arriving: the open file is committed after rotate.schedule.interval.ms, not at the offset flush. */
    @Test
    void anIdlePartitionsFileIsCommittedOnScheduleDespiteARareOffsetFlush() {
        ConnectCluster cluster = CLUSTER.cluster();
        Map<String, String> config = sink("idle");
        config.put("rotate.schedule.interval.ms", "3000");
        try (var connector = cluster.rest().run("idle-sink", config, 1, TIMEOUT)) {
            cluster.produce("idle", rows(0, 20));
            long produced = System.nanoTime();
            Wait.until("the idle partition's file committed", Duration.ofSeconds(60), () -> !keys("idle").isEmpty());
            Duration committed = Duration.ofNanos(System.nanoTime() - produced);
            System.out.printf("idle partition, rotate.schedule.interval.ms=3000, offset flush 10 min: file committed "
                    + "%d ms after the last record%n", committed.toMillis());
            assertThat(committed).as("on schedule, not at the 10-minute flush").isLessThan(Duration.ofSeconds(30));
        }
    }

    /** A store answering 403 to everything (revoked credentials): FAILED with the cause, within seconds. */
    @Test
    void accessDeniedFailsTheTaskWithTheCauseInsteadOfRetryingForever() throws Exception {
        ConnectCluster cluster = CLUSTER.cluster();
        int port = Integer.parseInt(STORE.server().url().substring(STORE.server().url().lastIndexOf(':') + 1));
        try (TcpProxy proxy = new TcpProxy(port)) {
            Map<String, String> config = sink("denied");
            config.put("store.url", "http://127.0.0.1:" + proxy.port());
            try (var connector = cluster.rest().run("denied-sink", config, 1, TIMEOUT)) {
                cluster.produce("denied", rows(0, 10));
                Wait.until("the first file committed", Duration.ofSeconds(60), () -> !keys("denied").isEmpty());
                proxy.failHttp(403);
                long revoked = System.nanoTime();
                cluster.produce("denied", rows(10, 20));
                JsonNode[] status = new JsonNode[1];
                Wait.until("the task FAILED", TIMEOUT, () -> { // the connector itself stays RUNNING
                    status[0] = cluster.rest().status("denied-sink");
                    return "FAILED".equals(status[0].at("/tasks/0/state").asText());
                });
                String trace = status[0].at("/tasks/0/trace").asText();
                assertThat(trace).contains("a retry cannot help").contains("403");
                Duration toFailed = Duration.ofNanos(System.nanoTime() - revoked);
                System.out.printf("403 on a real worker: task FAILED %d ms after access was denied%n",
                        toFailed.toMillis());
                assertThat(toFailed).isLessThan(Duration.ofSeconds(60));
            }
        }
    }

    /** The bucket deleted under a running sink: the task FAILED naming the bucket, not retrying forever. */
    @Test
    void aDeletedBucketFailsTheTaskNamingIt() {
        ConnectCluster cluster = CLUSTER.cluster();
        Map<String, String> config = sink("gone");
        try (var connector = cluster.rest().run("gone-sink", config, 1, TIMEOUT)) {
            cluster.produce("gone", rows(0, 10));
            Wait.until("the first file committed", Duration.ofSeconds(60), () -> !keys("gone").isEmpty());
            for (var o : STORE.client().listObjectsV2Paginator(b -> b.bucket("gone")).contents()) {
                STORE.client().deleteObject(b -> b.bucket("gone").key(o.key()));
            }
            STORE.client().deleteBucket(b -> b.bucket("gone"));
            long deleted = System.nanoTime();
            cluster.produce("gone", rows(10, 20));
            JsonNode[] status = new JsonNode[1];
            Wait.until("the task FAILED", TIMEOUT, () -> {
                status[0] = cluster.rest().status("gone-sink");
                return "FAILED".equals(status[0].at("/tasks/0/state").asText());
            });
            System.out.printf("bucket deleted on a real worker: task FAILED %d ms later%n",
                    Duration.ofNanos(System.nanoTime() - deleted).toMillis());
            assertThat(status[0].at("/tasks/0/trace").asText()).contains("a retry cannot help")
                    .contains("'gone' does not exist");
        }
    }

    /** A value that would make a key longer than S3 allows is a bad record: to the DLQ, the rest written. */
    @Test
    void aKeyTooLongGoesToTheDeadLetterQueueAndTheRestIsWritten() {
        ConnectCluster cluster = CLUSTER.cluster();
        Map<String, String> config = sink("long-keys");
        config.put("partitioner.class", "field");
        config.put("partition.field.name", "region");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "long-keys-dlq");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        try (var connector = cluster.rest().run("long-keys-sink", config, 1, TIMEOUT)) {
            cluster.produce("long-keys", List.of(Map.entry("k0", "{\"id\":0,\"region\":\"eu\"}"),
                    Map.entry("k1", "{\"id\":1,\"region\":\"" + "r".repeat(1_100) + "\"}"),
                    Map.entry("k2", "{\"id\":2,\"region\":\"us\"}")));
            assertThat(cluster.consume("long-keys-dlq", 1, TIMEOUT)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("k1");
            Wait.until("the two good records' files", Duration.ofSeconds(60), () -> keys("long-keys").size() == 2);
            assertThat(keys("long-keys")).allMatch(k -> k.length() < 200);
            assertThat(cluster.rest().status("long-keys-sink").at("/tasks/0/state").asText()).isEqualTo("RUNNING");
        }
    }

    /** RegexRouter on the sink renames topics from data: objects stay under the topic the records were read from. */
    @Test
    void aTopicRenamingTransformCannotSteerObjectKeys() {
        ConnectCluster cluster = CLUSTER.cluster();
        Map<String, String> config = sink("renamed");
        config.put("transforms", "rename");
        config.put("transforms.rename.type", "org.apache.kafka.connect.transforms.RegexRouter");
        config.put("transforms.rename.regex", "renamed");
        config.put("transforms.rename.replacement", "../elsewhere");
        try (var connector = cluster.rest().run("renamed-sink", config, 1, TIMEOUT)) {
            cluster.produce("renamed", rows(0, 30));
            Wait.until("the file committed", Duration.ofSeconds(60), () -> !keys("renamed").isEmpty());
            assertThat(keys("renamed")).allMatch(k -> k.startsWith("topics/renamed/partition=0/renamed+0+"));
            assertThat(cluster.rest().status("renamed-sink").at("/tasks/0/state").asText()).isEqualTo("RUNNING");
        }
    }
}
