package io.sluice.connect.s3;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;

/** The answer of the connector's {@code validate} as a test reads it. */
final class Validate {

    private Validate() {
    }

    /** The keys {@code validate} reports errors on, each with its messages. */
    static Map<String, List<String>> errors(Map<String, String> config) {
        Map<String, List<String>> out = new HashMap<>();
        for (ConfigValue v : new S3ParquetSinkConnector().validate(config).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                out.put(v.name(), v.errorMessages());
            }
        }
        return out;
    }
}
