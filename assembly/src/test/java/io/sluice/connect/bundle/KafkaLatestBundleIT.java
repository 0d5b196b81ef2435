package io.sluice.connect.bundle;

import io.sluice.connect.testkit.ConnectCluster;
import io.sluice.connect.testkit.ConnectClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bundle on workers of the Kafka version it is built against (jakarta.ws.rs REST layer). */
class KafkaLatestBundleIT extends BundleOnWorkersIT {

    @RegisterExtension
    static final ConnectClusterExtension CLUSTER = clusterOn(System.getProperty("sluice.kafka.version"),
            Bundle.pluginPath());

    @Override
    ConnectCluster cluster() {
        return CLUSTER.cluster();
    }
}
