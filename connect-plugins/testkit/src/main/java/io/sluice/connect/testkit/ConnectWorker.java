package io.sluice.connect.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** One distributed-mode Connect worker in its own JVM, with a REST listener on 127.0.0.1. */
public final class ConnectWorker {

    private final int index;
    private final int port;
    private final JavaProcess process;
    private final ConnectRestClient rest;
    private final int jmxPort;
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    ConnectWorker(int index, KafkaDistribution dist, Path dir, Map<String, String> props, List<String> jvmOptions, int jmxPort,
                  Map<String, String> environment) {
        this.index = index;
        this.jmxPort = jmxPort;
        this.port = Integer.parseInt(props.get("rest.advertised.port"));
        Path config = dir.resolve("connect-distributed.properties");
        ConnectCluster.writeProperties(config, props);
        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.addAll(LogConfig.options(dist, dir));
        this.process = new JavaProcess("connect-worker-" + index, jvm, dist.classpath(),
                "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString()), dir.resolve("logs/worker.log"),
                environment);
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

    /**
     * SIGTERM, then SIGKILL if the worker has not stopped in time. The grace is short: a SIGTERMed worker now and
     * then hangs for Jetty's full 60 s stop timeout when Jetty's own shutdown hook races Connect's.
     */
    public void stop() {
        process.stop(STOP_GRACE);
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

    /**
     * The numeric attributes (and numeric items of composite ones, as {@code attribute.item}) of every MBean matching {@code pattern} (e.g. {@code kafka.connect:type=plugins,*}), read
     * over JMX; needs {@link ConnectCluster.Builder#jmx()}.
     */
    public Map<String, Map<String, Object>> metrics(String pattern) {
        return overJmx(server -> {
            Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
            for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
                Map<String, Object> attributes = new java.util.TreeMap<>();
                for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                    Object v = server.getAttribute(name, a.getName());
                    if (v instanceof Number) {
                        attributes.put(a.getName(), v);
                    } else if (v instanceof javax.management.openmbean.CompositeData cd) {
                        // e.g. java.lang:type=Memory HeapMemoryUsage -> HeapMemoryUsage.used
                        for (String key : cd.getCompositeType().keySet()) {
                            if (cd.get(key) instanceof Number n) {
                                attributes.put(a.getName() + "." + key, n);
                            }
                        }
                    }
                }
                out.put(name.toString(), attributes);
            }
            return out;
        });
    }

    /** A live thread of the worker's JVM and the CPU time it has used, in nanoseconds. */
    public record ThreadCpu(String name, long cpuNanos) {
    }

    /** Every live thread of the worker's JVM by thread id, with its CPU time; needs {@link ConnectCluster.Builder#jmx()}. */
    public Map<Long, ThreadCpu> threadCpu() {
        return overJmx(server -> {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(
                    server, java.lang.management.ManagementFactory.THREAD_MXBEAN_NAME,
                    java.lang.management.ThreadMXBean.class);
            Map<Long, ThreadCpu> out = new java.util.HashMap<>();
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null) {
                    long cpu = threads.getThreadCpuTime(info.getThreadId());
                    if (cpu >= 0) {
                        out.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), cpu));
                    }
                }
            }
            return out;
        });
    }

    @FunctionalInterface
    private interface JmxRead<T> {
        T read(MBeanServerConnection server) throws java.io.IOException, javax.management.JMException;
    }

    private <T> T overJmx(JmxRead<T> read) {
        if (jmxPort < 0) {
            throw new IllegalStateException("JMX is off; start the cluster with builder.jmx()");
        }
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
            return read.read(connector.getMBeanServerConnection());
        } catch (java.io.IOException | javax.management.JMException e) {
            throw new IllegalStateException("cannot read JMX of worker " + index + " on port " + jmxPort, e);
        }
    }

    public ConnectRestClient rest() {
        return rest;
    }

    public Path log() {
        return process.log();
    }

    /** The worker's operating-system process id (for {@code /proc}). */
    public long pid() {
        return process.pid();
    }

    JavaProcess process() {
        return process;
    }
}
