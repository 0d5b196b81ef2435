package io.sluice.connect.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.connect.testkit.DuckDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The end of the demo: what went through each part, shown with real records read back from Kafka and real rows read
 * back from the Parquet objects by DuckDB, and the sizing helper's advice for the rates the demo ran at.
 */
final class Report {

    /** A dead letter: the order it was, the rule it broke and the router's reason. */
    record DeadLetter(String orderId, String rule, String reason) {
    }

    /** What the report found; the quickstart's test checks it. */
    record Findings(Observer.Snapshot snapshot, JsonNode maskedOrder, List<DeadLetter> deadLetters,
                    Map<String, String> eventHeaders, JsonNode parquetRows, long parquetRowCount, long icebergRows,
                    JsonNode sizing) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final int SHOWN_OBJECTS = 6;

    private final LocalStack stack;
    private final Console console;
    private final Path work;
    private final Lakehouse lakehouse;

    Report(LocalStack stack, Console console, Path work, Lakehouse lakehouse) {
        this.stack = stack;
        this.console = console;
        this.work = work;
        this.lakehouse = lakehouse;
    }

    Findings print(Observer.Snapshot s, Shop shop, Duration ran) throws Exception {
        console.section("Sluice quickstart report, after " + ran.toSeconds() + " s of traffic (the shop now holds "
                + shop.count("orders") + " orders and " + shop.count("outbox") + " outbox events)");

        console.section("JDBC source " + Pipeline.ORDERS + " (timestamp+incrementing on shop.orders)");
        console.line(s.rowsRead() + " rows read; " + s.ordersOnTopic() + " records on " + Pipeline.ORDERS_TOPIC + ", "
                + s.deadLetters() + " on " + Pipeline.DEAD_LETTER_TOPIC + " (rows-read-total, topic end offsets)");

        console.section("PiiMask$Value (email=hash, card=partial(last=4))");
        List<ConsumerRecord<byte[], byte[]>> orders = stack.cluster().consume(Pipeline.ORDERS_TOPIC, 1, READ_TIMEOUT);
        JsonNode order = payload(orders.get(0));
        console.line(s.fieldsMasked() + " field values masked (fields-masked-total); an order as Kafka has it:");
        console.line("  id " + order.path("id").asText() + ", email " + order.path("email").asText() + ", card "
                + order.path("card").asText() + ", status " + order.path("status").asText());

        console.section("DeadLetterRouter (id=required, amount=range(0,), status=in(NEW|PAID|SHIPPED), route to "
                + Pipeline.DEAD_LETTER_TOPIC + ")");
        List<DeadLetter> deadLetters = deadLetters((int) s.deadLetters());
        console.line(deadLetters.size() + " dead letters, each with its reason in the __connect.errors.* and "
                + "__sluice.errors.* headers:");
        console.table(List.of("order", "rule", "reason"), deadLetters.stream()
                .map(d -> List.of(d.orderId(), d.rule(), d.reason())).toList());

        console.section("OutboxRouter (topic per aggregate type, key = aggregate id, header id and eventType)");
        console.table(List.of("topic", "events"), s.events().entrySet().stream()
                .map(e -> List.of(e.getKey(), Long.toString(e.getValue()))).toList());
        ConsumerRecord<byte[], byte[]> event = stack.cluster().consume(Pipeline.EVENTS_PREFIX + "order", 1,
                READ_TIMEOUT).get(0);
        Map<String, String> headers = headers(event);
        console.line("e.g. " + event.topic() + " key " + text(event.key()) + " headers " + headers + " value "
                + text(event.value()));

        console.section("Parquet S3 sink " + Pipeline.LAKE + " (hourly Hive partitions on updated_at)");
        console.line(s.parquetObjects().size() + " objects committed; " + s.recordsWritten()
                + " records handed to Parquet writers (records-written-total, open files included):");
        s.parquetObjects().stream().limit(SHOWN_OBJECTS).forEach(k -> console.line("  s3://" + LocalStack.BUCKET + "/" + k));
        if (s.parquetObjects().size() > SHOWN_OBJECTS) {
            console.line("  ... and " + (s.parquetObjects().size() - SHOWN_OBJECTS) + " more");
        }
        Path lake = work.resolve("lake").toAbsolutePath();
        stack.s3().download(LocalStack.BUCKET, Observer.lakePrefix(), lake);
        String files = DuckDb.literal(lake.resolve(Observer.lakePrefix()) + "/**/*.parquet");
        JsonNode count = DuckDb.query("SELECT count(*)::BIGINT AS n FROM read_parquet(" + files + ")");
        JsonNode rows = DuckDb.query("SELECT id, email, card, amount, status, updated_at, year, month, day, hour "
                + "FROM read_parquet(" + files + ", hive_partitioning = true) ORDER BY id LIMIT 5");
        long parquetRows = count.get(0).path("n").asLong();
        console.line("read back by DuckDB from " + lake + ": " + parquetRows + " rows in committed objects (an "
                + "updated order appears once per version); the first five:");
        List<String> columns = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(columns::add);
        List<List<String>> cells = new ArrayList<>();
        rows.forEach(r -> cells.add(columns.stream().map(c -> r.path(c).asText()).toList()));
        console.table(columns, cells);

        console.section("Parquet S3 sink " + Pipeline.LAKEHOUSE + " (table.format=iceberg: Iceberg table "
                + Lakehouse.TABLE + ", JDBC catalog on this PostgreSQL database, partitioned by day(updated_at))");
        org.apache.iceberg.Table table = lakehouse.awaitRows(READ_TIMEOUT);
        long icebergRows = table == null ? 0 : Lakehouse.rows(table);
        if (table == null) {
            console.line("no snapshot with rows yet");
        } else {
            org.apache.iceberg.Snapshot current = table.currentSnapshot();
            console.line(icebergRows + " rows through the catalog (the current snapshot's total-records) in "
                    + current.summary().getOrDefault("total-data-files", "?") + " data files; "
                    + java.util.stream.StreamSupport.stream(table.snapshots().spliterator(), false).count()
                    + " snapshots, no coordinator: "
                    + "each task commits its own files; spec " + table.spec().fields());
            console.line("Kafka offsets the table holds (snapshot summary sluice.kafka-offsets): "
                    + current.summary().getOrDefault("sluice.kafka-offsets", "-"));
        }

        List<ConsumerRecord<byte[], byte[]>> sample = new ArrayList<>(orders);
        sample.add(event);
        JsonNode sizing = sizing(s, ran, sample);
        return new Findings(s, order, deadLetters, headers, rows, parquetRows, icebergRows, sizing);
    }

    private List<DeadLetter> deadLetters(int count) {
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : stack.cluster().consume(Pipeline.DEAD_LETTER_TOPIC, count, READ_TIMEOUT)) {
            Map<String, String> h = headers(r);
            out.add(new DeadLetter(payload(r).path("id").asText("?"), h.getOrDefault("__sluice.errors.rule", "-"),
                    h.getOrDefault("__connect.errors.exception.message", "-")));
        }
        return out;
    }

    /**
     * Asks the worker's sizing REST extension ({@code POST /sizing}) what a production platform needs for the rates
     * this demo ran at, measured from the topics' record counts and the sizes of the records read back.
     */
    private JsonNode sizing(Observer.Snapshot s, Duration ran, List<ConsumerRecord<byte[], byte[]>> sample) {
        long records = s.ordersOnTopic() + s.deadLetters() + s.eventCount();
        double avgBytes = sample.stream().mapToInt(r -> r.serializedValueSize() + Math.max(0, r.serializedKeySize()))
                .average().orElse(1);
        double seconds = Math.max(1, ran.toMillis() / 1000.0);
        double bytesPerSecond = records * avgBytes / seconds;
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("write.throughput.avg", String.format(java.util.Locale.ROOT, "%.0fB/s", bytesPerSecond));
        workload.put("message.size", String.format(java.util.Locale.ROOT, "%.0fB", avgBytes));
        workload.put("topics", 2 + s.events().size());
        workload.put("read.fanout", 1);
        workload.put("connect.throughput", String.format(java.util.Locale.ROOT, "%.0fB/s", bytesPerSecond));
        workload.put("connect.connectors", Pipeline.EXAMPLES.size());
        JsonNode answer = stack.cluster().rest().post("/sizing", workload).expect(200).json();
        console.section("Sizing helper (POST /sizing on the worker) for this demo's rates, with production defaults "
                + "(replication factor 3, 7 days of retention, one broker may fail)");
        console.line(String.format(java.util.Locale.ROOT, "%d records in %.0f s, %.0f B each on average: %s",
                records, seconds, avgBytes, workload));
        List<List<String>> figures = new ArrayList<>();
        answer.path("figures").forEach(f -> figures.add(List.of(f.path("name").asText(), f.path("display").asText(),
                f.path("binding").asText())));
        console.table(List.of("figure", "value", "bound by"), figures);
        answer.path("warnings").forEach(w -> console.line("warning: " + w.asText()));
        return answer;
    }

    /** The {@code payload} of a JSON-converter value with schemas. */
    private static JsonNode payload(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value()).path("payload");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON on " + r.topic() + ": " + text(r.value()), e);
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (!h.key().equals("__connect.errors.exception.stacktrace")) {
                out.put(h.key(), text(h.value()));
            }
        }
        return out;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
