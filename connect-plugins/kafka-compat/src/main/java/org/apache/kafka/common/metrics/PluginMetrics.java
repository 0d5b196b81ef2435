package org.apache.kafka.common.metrics;

import java.util.LinkedHashMap;
import org.apache.kafka.common.MetricName;

/** Stand-in for the interface of this name in Kafka 4.1+ (KIP-877); see {@link Monitorable}. */
public interface PluginMetrics {

    MetricName metricName(String name, String description, LinkedHashMap<String, String> tags);

    void addMetric(MetricName metricName, MetricValueProvider<?> metricValueProvider);

    void removeMetric(MetricName metricName);

    Sensor addSensor(String name);

    void removeSensor(String name);
}
