package org.apache.kafka.common.metrics;

/**
 * Stand-in for the interface of this name in Kafka 4.1+ (KIP-877), with the same method, used only on a worker that
 * lacks it: there nobody calls it, and Sluice plugins simply publish no metrics. On 4.1+ workers the worker's own
 * interface is loaded instead of this one.
 */
public interface Monitorable {

    /** Hands the plugin the registry its metrics go to. */
    void withPluginMetrics(PluginMetrics metrics);
}
