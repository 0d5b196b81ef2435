package io.sluice.connect.quickstart;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Looks at the running pipeline from outside, the way an operator would: the plugins' metrics over JMX, topic end
 * offsets through the Admin API, and the objects in the bucket.
 */
final class Observer implements AutoCloseable {

    /** How far the pipeline got. */
    record Snapshot(long rowsRead, long fieldsMasked, long ordersOnTopic, long deadLetters, Map<String, Long> events,
                    List<String> parquetObjects, long recordsWritten) {

        long eventCount() {
            return events.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Every seeded order read, every invalid one dead-lettered, events of both aggregates, a Parquet object. */
        boolean complete() {
            return rowsRead >= Shop.VALID_SEEDED + Shop.INVALID_SEEDED && deadLetters >= Shop.INVALID_SEEDED
                    && fieldsMasked > 0 && events.size() >= 2 && !parquetObjects.isEmpty();
        }

        String line() {
            return String.format("rows read %d | fields masked %d | dead letters %d | events %d on %d topic(s) | "
                    + "Parquet objects %d (%d records)", rowsRead, fieldsMasked, deadLetters, eventCount(),
                    events.size(), parquetObjects.size(), recordsWritten);
        }
    }

    private final LocalStack stack;
    private final Admin admin;
    private final S3Client s3;

    Observer(LocalStack stack) {
        this.stack = stack;
        this.admin = stack.cluster().admin();
        this.s3 = stack.s3().client();
    }

    Snapshot take() throws InterruptedException, ExecutionException {
        Map<String, Map<String, Object>> metrics = stack.cluster().worker(0).metrics("kafka.connect:type=plugins,*");
        List<String> topics = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(Pipeline.EVENTS_PREFIX)).sorted().toList();
        Map<String, Long> events = new TreeMap<>();
        for (String t : topics) {
            events.put(t, endOffsets(t));
        }
        List<String> objects = s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)
                        .prefix(lakePrefix())).contents().stream()
                .map(S3Object::key).filter(k -> k.endsWith(".parquet")).sorted().toList();
        return new Snapshot(sum(metrics, Pipeline.ORDERS, "rows-read-total"),
                sum(metrics, Pipeline.ORDERS, "fields-masked-total"), endOffsets(Pipeline.ORDERS_TOPIC),
                endOffsets(Pipeline.DEAD_LETTER_TOPIC), events, objects,
                sum(metrics, Pipeline.LAKE, "records-written-total"));
    }

    static String lakePrefix() {
        return "lake/" + Pipeline.ORDERS_TOPIC + "/";
    }

    /** A metric summed over every MBean of {@code connector} (its tasks, tables, rules...). */
    static long sum(Map<String, Map<String, Object>> metrics, String connector, String metric) {
        Pattern ofConnector = Pattern.compile("[,:]connector=\"?" + Pattern.quote(connector) + "\"?(,|$)");
        return metrics.entrySet().stream().filter(e -> ofConnector.matcher(e.getKey()).find())
                .map(e -> e.getValue().get(metric)).filter(v -> v instanceof Number)
                .mapToLong(v -> ((Number) v).longValue()).sum();
    }

    /** Records in a topic so far (its partitions' end offsets); 0 before it exists. */
    long endOffsets(String topic) throws InterruptedException, ExecutionException {
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(List.of(topic)).allTopicNames().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = described.get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    @Override
    public void close() {
        admin.close();
        s3.close();
    }
}
