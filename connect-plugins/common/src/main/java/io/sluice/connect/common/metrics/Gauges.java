package io.sluice.connect.common.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * The plugins' metrics in the worker's plugin metrics (Kafka 4.1+, KIP-877): counters and states published as
 * gauges read when sampled, and the task's registry, which workers before 4.1 do not have.
 */
public final class Gauges {

    private Gauges() {
    }

    /**
     * The task's registry, or null on workers before Kafka 4.1, whose task contexts have no {@code pluginMetrics()}.
     * Pass a lambda ({@code () -> context.pluginMetrics()}), not a method reference: a method reference to a missing
     * method fails where it is written, before this method can catch it.
     */
    public static PluginMetrics registry(Supplier<PluginMetrics> fromContext) {
        try {
            return fromContext.get();
        } catch (LinkageError e) {
            return null;
        }
    }

    /** A gauge without tags. */
    public static void add(PluginMetrics registry, String name, String doc, LongSupplier value) {
        add(registry, name, doc, Map.of(), value);
    }

    /** A gauge with tags (table, detector, rule...), beside the worker's own connector and task tags. */
    public static void add(PluginMetrics registry, String name, String doc, Map<String, String> tags,
                           LongSupplier value) {
        registry.addMetric(registry.metricName(name, doc, new LinkedHashMap<>(tags)),
                (Gauge<Long>) (config, now) -> value.getAsLong());
    }
}
