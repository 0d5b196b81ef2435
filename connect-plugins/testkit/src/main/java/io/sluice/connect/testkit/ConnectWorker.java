package io.sluice.connect.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One distributed-mode Connect worker in its own JVM, with a REST listener on 127.0.0.1. */
public final class ConnectWorker {

    private final int index;
    private final int port;
    private final JavaProcess process;
    private final ConnectRestClient rest;

    ConnectWorker(int index, KafkaDistribution dist, Path dir, Map<String, String> props, List<String> jvmOptions) {
        this.index = index;
        this.port = Integer.parseInt(props.get("rest.advertised.port"));
        Path config = dir.resolve("connect-distributed.properties");
        ConnectCluster.writeProperties(config, props);
        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.addAll(LogConfig.options(dist, dir));
        this.process = new JavaProcess("connect-worker-" + index, jvm, dist.classpath(),
                "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString()), dir.resolve("logs/worker.log"));
        this.rest = new ConnectRestClient(URI.create("http://127.0.0.1:" + port));
    }

    /** Starts the JVM and waits until the worker has joined its group and serves {@code GET /connectors}. */
    public void start(Duration timeout) {
        process.start();
        awaitReady(timeout);
    }

    private void awaitReady(Duration timeout) {
        // GET /connector-plugins answers before the worker has joined its group; GET /connectors does not.
        Wait.until("Connect worker " + index + " REST on " + url(), timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker " + index + " exited\n" + process.tail(60));
            }
            return rest.get("/connectors").status() == 200;
        });
    }

    /** SIGKILL, as a crashed host or an OOM kill would. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM, then SIGKILL if the worker has not stopped in 60 s. */
    public void stop() {
        process.stop(Duration.ofSeconds(60));
    }

    /** Starts the same worker again (same port, same config) and waits until it is ready. */
    public void restart(Duration timeout) {
        if (process.isAlive()) {
            stop();
        }
        start(timeout);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The worker id other workers and the status API know it by. */
    public String workerId() {
        return "127.0.0.1:" + port;
    }

    public ConnectRestClient rest() {
        return rest;
    }

    public Path log() {
        return process.log();
    }

    JavaProcess process() {
        return process;
    }
}
