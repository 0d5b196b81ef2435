package io.sluice.connect.smt;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;

/** Stands in for a worker's plugin metrics (KIP-877) in unit tests: records what a plugin registers. */
final class RecordingPluginMetrics implements PluginMetrics {

    private final Map<String, MetricValueProvider<?>> metrics = new HashMap<>();

    /** The current value of a gauge, by name and tags, e.g. {@code dead-lettered-total{rule=id=required}}. */
    Object gauge(String nameAndTags) {
        MetricValueProvider<?> provider = metrics.get(nameAndTags);
        if (provider == null) {
            throw new AssertionError("no metric " + nameAndTags + "; registered: " + metrics.keySet());
        }
        return ((Gauge<?>) provider).value(null, 0);
    }

    @Override
    public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
        return new MetricName(name, "plugins", description, tags);
    }

    @Override
    public void addMetric(MetricName name, MetricValueProvider<?> provider) {
        if (metrics.putIfAbsent(name.name() + name.tags(), provider) != null) {
            throw new IllegalArgumentException("metric " + name + " is already registered");
        }
    }

    @Override
    public void removeMetric(MetricName name) {
        metrics.remove(name.name() + name.tags());
    }

    @Override
    public Sensor addSensor(String name) {
        throw new UnsupportedOperationException("not used by Sluice plugins");
    }

    @Override
    public void removeSensor(String name) {
    }
}
