package io.sluice.connect.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.sluice.connect.common.fault.Health;
import io.sluice.connect.jdbc.source.TableReader;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.metrics.Gauge;
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
            LinkedHashMap<String, String> table = new LinkedHashMap<>();
            table.put("table", r.name());
            gauge(registry, "rows-read-total", "Rows read from the table since the task started.", table,
                    x -> x.rowsRead(), r);
            if (r.mode().usesTimestamp()) {
                gauge(registry, "lag-ms", "Now minus the newest row timestamp read (-1 before the first row).",
                        table, x -> {
                            Instant newest = x.newestTimestamp();
                            return newest == null ? -1 : System.currentTimeMillis() - newest.toEpochMilli();
                        }, r);
            }
            if (r.mode() == Mode.INCREMENTING) {
                gauge(registry, "id-gaps", "Ranges of missing ids still being re-read.", table,
                        x -> x.position().gaps().size(), r);
            }
        }
        LinkedHashMap<String, String> none = new LinkedHashMap<>();
        gauge(registry, "retrying-since-ms", "Epoch ms of the first failure of the reads failing now (the database "
                + "unreachable, a query failing), 0 while reads succeed.", none, Health::retryingSinceMs, health);
        gauge(registry, "last-success-ms", "Epoch ms of the last read the database answered (0 before the first).",
                none, Health::lastSuccessMs, health);
        gauge(registry, "pool-connections-active", "Pooled connections in use.", none,
                p -> mxBean(p) == null ? 0 : mxBean(p).getActiveConnections(), pool);
        gauge(registry, "pool-connections-idle", "Pooled connections idle.", none,
                p -> mxBean(p) == null ? 0 : mxBean(p).getIdleConnections(), pool);
        gauge(registry, "pool-threads-awaiting", "Threads waiting for a pooled connection.", none,
                p -> mxBean(p) == null ? 0 : mxBean(p).getThreadsAwaitingConnection(), pool);
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

    private static <T> void gauge(PluginMetrics registry, String name, String doc, LinkedHashMap<String, String> tags,
                                  ToLongFunction<T> value, T target) {
        registry.addMetric(registry.metricName(name, doc, tags), (Gauge<Long>) (config, now) ->
                value.applyAsLong(target));
    }

    private static HikariPoolMXBean mxBean(HikariDataSource pool) {
        return pool.isClosed() ? null : pool.getHikariPoolMXBean();
    }
}
