package io.sluice.connect.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.sluice.connect.common.fault.Health;
import io.sluice.connect.common.metrics.Gauges;
import io.sluice.connect.jdbc.source.TableReader;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;

/**
 * The task's metrics in the worker's plugin metrics (Kafka 4.1+, KIP-877): rows read and lag per table, time spent
 * reading per poll, and the connection pool's state. On older workers there is no registry and nothing is recorded.
 */
final class TaskMetrics {

    private static final java.util.concurrent.atomic.AtomicLong SENSORS = new java.util.concurrent.atomic.AtomicLong();

    private final Sensor pollTime;

    private TaskMetrics(Sensor pollTime) {
        this.pollTime = pollTime;
    }

    /** Metrics in {@code registry}, or a recorder that does nothing when the worker has none. */
    static TaskMetrics register(PluginMetrics registry, List<TableReader> readers, HikariDataSource pool,
                                Health health) {
        if (registry == null) {
            return new TaskMetrics(null);
        }
        for (TableReader r : readers) {
            Map<String, String> table = Map.of("table", r.name());
            Gauges.add(registry, "rows-read-total", "Rows read from the table since the task started.", table,
                    r::rowsRead);
            if (r.mode().usesTimestamp()) {
                Gauges.add(registry, "lag-ms", "Now minus the newest row timestamp read (-1 before the first row).",
                        table, () -> {
                            Instant newest = r.newestTimestamp();
                            return newest == null ? -1 : System.currentTimeMillis() - newest.toEpochMilli();
                        });
            }
            if (r.mode() == Mode.INCREMENTING) {
                Gauges.add(registry, "id-gaps", "Ranges of missing ids still being re-read.", table,
                        () -> r.position().gaps().size());
            }
        }
        Gauges.add(registry, "retrying-since-ms", "Epoch ms of the first failure of the reads failing now (the "
                + "database unreachable, a query failing), 0 while reads succeed.", health::retryingSinceMs);
        Gauges.add(registry, "last-success-ms", "Epoch ms of the last read the database answered (0 before the "
                + "first).", health::lastSuccessMs);
        Gauges.add(registry, "pool-connections-active", "Pooled connections in use.",
                () -> mxBean(pool) == null ? 0 : mxBean(pool).getActiveConnections());
        Gauges.add(registry, "pool-connections-idle", "Pooled connections idle.",
                () -> mxBean(pool) == null ? 0 : mxBean(pool).getIdleConnections());
        Gauges.add(registry, "pool-threads-awaiting", "Threads waiting for a pooled connection.",
                () -> mxBean(pool) == null ? 0 : mxBean(pool).getThreadsAwaitingConnection());
        LinkedHashMap<String, String> none = new LinkedHashMap<>();
        // Sensor names are worker-wide: each task needs its own, or the first task to stop (a failed one, a
        // rebalance) removes the sensor, and every other task's poll-time metrics with it.
        Sensor sensor = registry.addSensor("sluice-jdbc-poll-time-" + SENSORS.incrementAndGet());
        sensor.add(registry.metricName("poll-time-avg-ms", "Average time a poll spent reading from the database.", none), new Avg());
        sensor.add(registry.metricName("poll-time-max-ms", "Longest time a poll spent reading from the database.", none), new Max());
        return new TaskMetrics(sensor);
    }

    void recordPoll(long startNanos) {
        if (pollTime != null) {
            pollTime.record((System.nanoTime() - startNanos) / 1e6);
        }
    }

    private static HikariPoolMXBean mxBean(HikariDataSource pool) {
        return pool.isClosed() ? null : pool.getHikariPoolMXBean();
    }
}
