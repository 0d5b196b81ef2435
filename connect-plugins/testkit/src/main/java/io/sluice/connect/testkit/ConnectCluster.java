package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real Kafka Connect cluster for tests: one KRaft broker and N distributed Connect workers, each its own JVM started
 * from Apache Kafka's jars for a chosen version ({@link KafkaDistribution}), all on 127.0.0.1 and free ports. Process
 * directories and logs live under {@code target/connect-cluster/<name>-<time>/}. Closing it stops every process;
 * a shutdown hook kills whatever is left if the test JVM exits first.
 *
 * <pre>{@code
 * try (ConnectCluster cluster = ConnectCluster.builder().kafkaVersion("4.3.1").workers(2)
 *         .pluginPath(unpackedZipParent).workerProperty("plugin.discovery", "service_load").start()) {
 *     cluster.rest().createConnector("c", config);
 * }
 * }</pre>
 */
public final class ConnectCluster implements AutoCloseable {

    /** Bounds for process start-up on a loaded 2-core machine. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Builder spec;
    private final Path dir;
    private final KafkaDistribution dist;
    private KafkaBroker broker;
    private final List<ConnectWorker> workers = new ArrayList<>();

    private ConnectCluster(Builder spec) {
        this.spec = spec;
        this.dist = KafkaDistribution.of(spec.kafkaVersion);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));
        this.dir = spec.baseDir.resolve(spec.name + "-" + dist.version() + "-" + stamp + "-" + UUID.randomUUID().toString().substring(0, 4));
    }

    public static Builder builder() {
        return new Builder();
    }

    private ConnectCluster startAll() {
        try {
            broker = new KafkaBroker(dist, dir.resolve("broker"), spec.brokerProperties, spec.brokerJvmOptions);
            broker.start(START_TIMEOUT);
            for (int i = 0; i < spec.workers; i++) {
                workers.add(newWorker(i));
            }
            // Start the workers side by side: each one's plugin scan is the slow part.
            List<Thread> starters = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (ConnectWorker w : workers) {
                Thread t = new Thread(() -> {
                    try {
                        w.start(START_TIMEOUT);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "start-" + w.workerId());
                t.start();
                starters.add(t);
            }
            for (Thread t : starters) {
                t.join(START_TIMEOUT.plusSeconds(30).toMillis());
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a Connect worker did not start", failures.get(0));
            }
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            String tails = logTails(40);
            close();
            throw new IllegalStateException("the Kafka " + dist.version() + " test cluster did not start; logs under " + dir
                    + "\n" + tails, e);
        }
    }

    private ConnectWorker newWorker(int index) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", spec.name);
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("config.storage.topic", spec.name + "-configs");
        props.put("offset.storage.topic", spec.name + "-offsets");
        props.put("status.storage.topic", spec.name + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "3");
        props.put("status.storage.partitions", "1");
        // Tests wait for committed offsets and for tasks of a lost worker to move: keep both short.
        props.put("offset.flush.interval.ms", "1000");
        props.put("scheduled.rebalance.max.delay.ms", "10000");
        int port = freePort();
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("rest.advertised.port", Integer.toString(port));
        if (spec.pluginPath != null) {
            props.put("plugin.path", spec.pluginPath.toAbsolutePath().toString());
        }
        props.putAll(spec.workerProperties);
        List<String> jvm = new ArrayList<>(spec.workerJvmOptions);
        int jmxPort = -1;
        if (spec.jmx) {
            jmxPort = freePort();
            jvm.addAll(List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort, "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
        }
        // As the Docker image's worker config reads it: bootstrap.servers=${env:CONNECT_BOOTSTRAP_SERVERS}.
        Map<String, String> env = new LinkedHashMap<>(spec.workerEnvironment);
        env.putIfAbsent("CONNECT_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        return new ConnectWorker(index, dist, dir.resolve("worker-" + index), props, jvm, jmxPort, env);
    }

    public KafkaDistribution distribution() {
        return dist;
    }

    public String kafkaVersion() {
        return dist.version();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public List<ConnectWorker> workers() {
        return Collections.unmodifiableList(workers);
    }

    public ConnectWorker worker(int index) {
        return workers.get(index);
    }

    /** The REST API of the first live worker (any worker forwards to the leader). */
    public ConnectRestClient rest() {
        return workers.stream().filter(ConnectWorker::isAlive).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Connect worker is running")).rest();
    }

    /** Where this cluster's process directories and logs are. */
    public Path dir() {
        return dir;
    }

    /** Every process log, broker first. */
    public List<Path> logs() {
        List<Path> logs = new ArrayList<>();
        if (broker != null) {
            logs.add(broker.process().log());
        }
        workers.forEach(w -> logs.add(w.log()));
        return logs;
    }

    /** The tail of every process log, for a failing test's report. */
    public String logTails(int lines) {
        StringBuilder s = new StringBuilder();
        if (broker != null) {
            s.append(broker.process().tail(lines)).append('\n');
        }
        workers.forEach(w -> s.append(w.process().tail(lines)).append('\n'));
        return s.toString();
    }

    // --- Kafka clients

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /**
     * Creates a topic and returns once every partition's leader serves it: producing into a partition whose log is
     * still being created can fail a whole idempotent batch sequence (OutOfOrderSequenceException).
     */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic, e.getCause());
                }
            }
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            Wait.until("every partition of " + topic + " served by its leader", START_TIMEOUT, () -> {
                try {
                    admin.listOffsets(latest).all().get();
                    return true;
                } catch (ExecutionException e) {
                    return false;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends string records and waits until every one is acknowledged. */
    public void produce(String topic, List<Map.Entry<String, String>> keyValues) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, String> kv : keyValues) {
                sent.add(producer.send(new ProducerRecord<>(topic, kv.getKey(), kv.getValue())));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /** Reads {@code topic} from the beginning until at least {@code count} records arrived or the timeout passed. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout) {
        return consume(topic, count, timeout, Map.of());
    }

    /** As {@link #consume(String, int, Duration)} with extra consumer settings, e.g. {@code isolation.level}. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout,
                                                        Map<String, String> consumerProps) {
        Properties props = new Properties();
        props.putAll(consumerProps);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            Wait.until("topic " + topic + " to exist", timeout, () -> {
                partitions.clear();
                consumer.partitionsFor(topic, Duration.ofSeconds(2))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                return !partitions.isEmpty();
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Wait.until(count + " record(s) on " + topic, timeout, () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    // --- lifecycle

    /** Stops the workers, then the broker. Safe to call twice, and after a failed start. */
    @Override
    public void close() {
        workers.forEach(w -> w.process().terminate()); // side by side: each may take seconds
        workers.forEach(w -> w.process().awaitExit(ConnectWorker.STOP_GRACE));
        if (broker != null) {
            broker.stop();
        }
    }

    // --- helpers shared by the process classes

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeProperties(Path file, Map<String, String> props) {
        try {
            Files.createDirectories(file.getParent());
            Properties p = new Properties();
            p.putAll(props);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(w, "written by the Sluice test kit");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How to start a cluster: Kafka version, worker count, plugin path, extra properties and JVM options. */
    public static final class Builder {

        private String name = "connect";
        private String kafkaVersion = System.getProperty("sluice.kafka.version", "4.3.1");
        private int workers = 1;
        private Path pluginPath;
        private Path baseDir = Paths.get(System.getProperty("sluice.testkit.dir", "target/connect-cluster"));
        private final Map<String, String> workerProperties = new LinkedHashMap<>();
        private final Map<String, String> workerEnvironment = new LinkedHashMap<>();
        private boolean jmx;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        // Small heaps and a quick JIT: test clusters live for seconds to minutes on 2 cores.
        private List<String> brokerJvmOptions = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        private List<String> workerJvmOptions = List.of("-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

        private Builder() {
        }

        /** A short name for the cluster: its Connect group id and the prefix of its internal topics and directory. */
        public Builder name(String name) {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("cluster name must be a valid topic name prefix: " + name);
            }
            this.name = name;
            return this;
        }

        public Builder kafkaVersion(String version) {
            this.kafkaVersion = version;
            return this;
        }

        public Builder workers(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("workers must be >= 0");
            }
            this.workers = count;
            return this;
        }

        /** The directory the workers' {@code plugin.path} names: it holds plugin directories (e.g. the unpacked zip). */
        public Builder pluginPath(Path dir) {
            this.pluginPath = dir;
            return this;
        }

        public Builder workerProperty(String key, String value) {
            workerProperties.put(key, value);
            return this;
        }

        /** Opens JMX on each worker (127.0.0.1, no auth), for tests that read metrics: {@link ConnectWorker#metrics}. */
        public Builder jmx() {
            this.jmx = true;
            return this;
        }

        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** An environment variable of every worker process (what {@code ${env:...}} config values read). */
        public Builder workerEnv(String key, String value) {
            workerEnvironment.put(key, value);
            return this;
        }

        public Builder workerJvmOptions(List<String> options) {
            this.workerJvmOptions = List.copyOf(options);
            return this;
        }

        public Builder brokerJvmOptions(List<String> options) {
            this.brokerJvmOptions = List.copyOf(options);
            return this;
        }

        /** Where cluster directories go; defaults to the {@code sluice.testkit.dir} system property. */
        public Builder baseDir(Path dir) {
            this.baseDir = dir;
            return this;
        }

        /** Starts the broker, then the workers, and returns once every worker serves REST in its group. */
        public ConnectCluster start() {
            return new ConnectCluster(this).startAll();
        }
    }
}
