package io.sluice.connect.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void clusterIdsNeverStartWithADashTheStorageToolWouldTakeForAnOption() {
        for (int i = 0; i < 5_000; i++) {
            assertThat(KafkaBroker.newClusterId()).hasSize(22).doesNotStartWith("-").doesNotStartWith("_");
        }
    }
}
