package io.sluice.connect.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class PeerKeysTest {

    private static final PeerKeys PEER = PeerKeys.of("Peer's sink")
            .withoutEffect("shutdown.timeout.ms", "tasks stop when their uploads end")
            .refusedUnless("file.delim", "+"::equals, "object names always use '+'")
            .refusedUnless("s3.sse.customer.key", v -> v.isEmpty(), "SSE-C is not supported");

    @Test
    void onlyKeysPresentWarnAndOnlyRefusedValuesFail() {
        assertThat(PEER.warnings(Map.of("flush.size", "3"))).isEmpty();
        assertThat(PEER.warnings(Map.of("shutdown.timeout.ms", "1"))).containsOnlyKeys("shutdown.timeout.ms")
                .containsValue("shutdown.timeout.ms (a key of Peer's sink) has no effect here: tasks stop when their "
                        + "uploads end");
        assertThat(PEER.errors(Map.of("file.delim", "+"))).isEmpty();
        assertThat(PEER.errors(Map.of("file.delim", " + "))).as("trimmed").isEmpty();
        assertThat(PEER.errors(Map.of("file.delim", "_"))).containsOnlyKeys("file.delim");
    }

    @Test
    void aRefusedValueIsNeverEchoedItMayBeASecret() {
        assertThat(PEER.errors(Map.of("s3.sse.customer.key", "c2VjcmV0LWtleQ==")).get("s3.sse.customer.key"))
                .contains("SSE-C is not supported").doesNotContain("c2VjcmV0LWtleQ==");
    }

    @Test
    void errorsOnForeignKeysAreAddedToTheValidateAnswer() {
        List<ConfigValue> values = new ArrayList<>(List.of(new ConfigValue("flush.size")));
        Config result = new Config(values);
        PeerKeys.addError(result, "flush.size", "too small");
        PeerKeys.addError(result, "file.delim", "refused");
        assertThat(result.configValues()).extracting(ConfigValue::name).containsExactly("flush.size", "file.delim");
        assertThat(result.configValues().get(1).errorMessages()).containsExactly("refused");
    }
}
