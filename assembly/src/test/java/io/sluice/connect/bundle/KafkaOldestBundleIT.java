package io.sluice.connect.bundle;

import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundle on workers of the oldest Kafka line it supports, 3.9 (javax.ws.rs REST layer, reload4j logging), with
 * the Kafka 3.9 compatibility jar in its lib/ as the install guide says.
 */
class KafkaOldestBundleIT extends BundleOnWorkersIT {

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = clusterOn(System.getProperty("sluice.kafka.oldest.version"),
            Bundle.pluginPathForKafka39());

    @Override
    ConnectCluster cluster() {
        return CLUSTER.cluster();
    }
}
