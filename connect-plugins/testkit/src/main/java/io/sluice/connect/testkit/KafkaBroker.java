package io.sluice.connect.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** One KRaft node acting as broker and controller, on 127.0.0.1, in its own JVM. */
public final class KafkaBroker {

    private final KafkaDistribution dist;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final JavaProcess process;

    KafkaBroker(KafkaDistribution dist, Path dir, Map<String, String> overrides, List<String> jvmOptions) {
        this.dist = dist;
        this.dir = dir;
        this.port = ConnectCluster.freePort();
        this.controllerPort = ConnectCluster.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        if (dist.major() >= 4) {
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
        }
        props.putAll(overrides);
        Path config = dir.resolve("server.properties");
        ConnectCluster.writeProperties(config, props);

        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.addAll(LogConfig.options(dist, dir));
        String clusterId = newClusterId();
        new JavaProcess("kafka-storage-format", jvm, dist.classpath(), "kafka.tools.StorageTool",
                List.of("format", "-t", clusterId, "-c", config.toString()), dir.resolve("logs/format.log"))
                .runToCompletion(Duration.ofMinutes(2));
        this.process = new JavaProcess("kafka-broker", jvm, dist.classpath(), "kafka.Kafka", List.of(config.toString()),
                dir.resolve("logs/broker.log"));
    }

    /** A random Kafka cluster id that cannot start with '-', which the storage tool would read as an option. */
    static String newClusterId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] &= 0x7f; // first base64 digit < 32: 'A'..'f'
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    void start(Duration timeout) {
        process.start();
        awaitReady(timeout);
    }

    private void awaitReady(Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            Wait.until("Kafka " + dist.version() + " broker on " + bootstrapServers(), timeout, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited\n" + process.tail(60));
                }
                return !admin.describeCluster().nodes().get().isEmpty();
            });
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    JavaProcess process() {
        return process;
    }

    void stop() {
        process.stop(Duration.ofSeconds(30));
    }
}
