package io.sluice.connect.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The bundle's main job on one machine, in one command: builds nothing itself (Maven has built the zip), starts a
 * {@link LocalStack}, creates a trading {@link Shop}, POSTs the config examples ({@link Pipeline}), shows progress
 * until every part has done its work, prints the {@link Report}, and stops everything it started, on exit and on
 * Ctrl-C alike, unless asked to keep running.
 */
public final class Quickstart implements AutoCloseable {

    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration QUIET_PROGRESS = Duration.ofSeconds(10);

    private final Options options;
    private final Console console;
    private LocalStack stack;
    private Shop shop;
    private boolean closed;

    Quickstart(Options options, Console console) {
        this.options = options;
        this.console = console;
    }

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Quickstart quickstart = new Quickstart(options, new Console(System.out));
        Runtime.getRuntime().addShutdownHook(new Thread(quickstart::close, "quickstart-stop"));
        int status = 0;
        try {
            quickstart.run();
            if (options.keepRunning()) {
                quickstart.keepRunning();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println();
            System.err.println("The quickstart failed: " + e.getMessage());
            status = 1;
        }
        quickstart.close();
        System.exit(status);
    }

    Report.Findings run() throws Exception {
        console.step("Sluice", "quickstart with " + options.zip().getFileName() + ", working in "
                + options.work().toAbsolutePath());
        stack = LocalStack.start(options, console);
        shop = new Shop(stack::database, options.examples().resolve("shop"));
        shop.create();
        console.step("shop", "schema shop (customers, orders, outbox) from config-examples/shop/; seeded "
                + Shop.VALID_SEEDED + " orders and " + Shop.INVALID_SEEDED
                + " invalid ones (negative amount, unknown status)");
        shop.startWriting();
        console.step("writer", "the shop keeps trading (postgres-trade.sql, 10 times a second): a new order and a "
                + "status change per tick, each announced in the outbox in the same transaction");
        try (Lakehouse lakehouse = new Lakehouse(stack)) {
            lakehouse.forgetEarlierRuns();
            Pipeline.create(stack.cluster(), options.examples(), console);
            long start = System.nanoTime();
            try (Observer observer = new Observer(stack)) {
                Observer.Snapshot last = awaitPipeline(observer);
                return new Report(stack, console, options.work(), lakehouse).print(last, shop,
                        Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    /** Shows progress until every part has done its work, a connector fails, or the timeout passes. */
    private Observer.Snapshot awaitPipeline(Observer observer) throws Exception {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        String shown = "";
        long shownAt = 0;
        while (true) {
            Observer.Snapshot s = observer.take();
            shop.checkWriter();
            failOnFailedConnector();
            String line = s.line();
            if (s.complete() || !line.equals(shown) && System.nanoTime() - shownAt > QUIET_PROGRESS.toNanos() / 3
                    || System.nanoTime() - shownAt > QUIET_PROGRESS.toNanos()) {
                console.progress(line);
                shown = line;
                shownAt = System.nanoTime();
            }
            if (s.complete()) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline did not finish its work within " + options.timeout().toSeconds()
                        + " s (" + line + "); logs under " + stack.cluster().dir().toAbsolutePath());
            }
            Thread.sleep(POLL.toMillis()); // a polling interval for progress, bounded by the deadline above
        }
    }

    private void failOnFailedConnector() {
        JsonNode all = stack.cluster().rest().get("/connectors?expand=status").json();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            JsonNode status = c.getValue().path("status");
            if ("FAILED".equals(status.at("/connector/state").asText())) {
                throw new IllegalStateException("connector " + c.getKey() + " FAILED: " + status.at("/connector/trace").asText());
            }
            for (JsonNode t : status.path("tasks")) {
                if ("FAILED".equals(t.path("state").asText())) {
                    throw new IllegalStateException("task " + t.path("id").asText() + " of " + c.getKey() + " FAILED: "
                            + t.path("trace").asText());
                }
            }
        }
    }

    private void keepRunning() throws InterruptedException {
        console.section("Still running; Ctrl-C stops everything.");
        console.line("Connect REST   " + stack.cluster().rest().base()
                + "  e.g. curl -s " + stack.cluster().rest().base() + "connectors?expand=status");
        console.line("Kafka          " + stack.cluster().bootstrapServers());
        console.line("PostgreSQL     " + stack.databaseUrl() + " (schema shop; the writer keeps going)");
        console.line("S3             " + stack.s3().url() + " bucket " + LocalStack.BUCKET + ", path-style, keys "
                + io.sluice.connect.testkit.S3Server.ACCESS_KEY + " / " + io.sluice.connect.testkit.S3Server.SECRET_KEY);
        console.line("Sizing         curl -s " + stack.cluster().rest().base() + "sizing/connect-cluster");
        new CountDownLatch(1).await();
    }

    /** Stops the writer, the worker, the broker and the S3 server; safe to call twice (exit path and shutdown hook). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (shop != null) {
                shop.close();
            }
            if (stack != null) {
                console.step("stopping", "everything the quickstart started: the shop writer, the Connect worker, the broker, "
                        + "the S3 server (and an embedded PostgreSQL)");
                stack.close();
            }
        } catch (Exception e) {
            System.err.println("while stopping: " + e);
        }
    }
}
