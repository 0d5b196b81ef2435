package io.sluice.connect.s3;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.config.PeerKeys;
import io.sluice.connect.s3.iceberg.IcebergCatalog;
import io.sluice.connect.s3.iceberg.TableRouter;
import io.sluice.connect.s3.storage.Credentials;
import io.sluice.connect.s3.storage.S3Storage;
import io.sluice.connect.s3.write.SinkWriter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parquet objects on S3 (or an S3-compatible store) from Kafka topics, with Confluent-compatible time-based
 * partitioning, bounded memory and exactly-once output in every rotation mode.
 */
public class S3ParquetSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(S3ParquetSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return SluiceVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        new S3SinkConfig(props);
        Map<String, String> refused = S3SinkConfig.peerErrors(props);
        if (!refused.isEmpty()) {
            throw new ConnectException(String.join("; ", refused.values()));
        }
        S3SinkConfig.peerWarnings(props).values().forEach(log::warn);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3ParquetSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return java.util.Collections.nCopies(maxTasks, props); // every task reads all its partitions alike
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return S3SinkConfig.CONFIG_DEF;
    }

    /** Besides each key's own checks: the partitioner's needs, and whether the bucket is there and writable. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        boolean clean = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (!clean) {
            return result;
        }
        S3SinkConfig config = new S3SinkConfig(connectorConfigs);
        Map<String, String> refused = S3SinkConfig.peerErrors(connectorConfigs);
        refused.forEach((key, message) -> PeerKeys.addError(result, key, message));
        try {
            config.partitioner();
        } catch (org.apache.kafka.common.config.ConfigException e) {
            error(result, S3SinkConfig.PARTITIONER_CLASS, e.getMessage());
            return result;
        }
        try {
            Credentials.of(config);
        } catch (IllegalArgumentException e) {
            error(result, S3SinkConfig.CREDENTIALS_PROVIDER, e.getMessage());
            return result;
        }
        if (!refused.isEmpty()) {
            return result;
        }
        if (config.iceberg() && !validTable(config, result)) {
            return result;
        }
        String spill = SinkWriter.spillProblem(config.spillDir(), config.spillMaxBytes());
        if (spill != null) {
            error(result, S3SinkConfig.SPILL_DIR, spill);
        }
        try (S3Storage storage = new S3Storage(config)) {
            storage.checkBucket();
        } catch (ConnectException e) {
            error(result, S3SinkConfig.S3_BUCKET, e.getMessage());
        } catch (RuntimeException e) {
            error(result, S3SinkConfig.STORE_URL, "Cannot reach the store: " + e.getMessage());
        }
        return result;
    }

    /**
     * The Iceberg settings: tables named (or dynamic routing), a partition spec, and the catalog reachable with the
     * fixed tables in it unless auto-create is on.
     */
    private static boolean validTable(S3SinkConfig config, Config result) {
        try {
            config.icebergPartitionBy();
        } catch (org.apache.kafka.common.config.ConfigException e) {
            error(result, S3SinkConfig.ICEBERG_PARTITION_BY, e.getMessage());
            return false;
        }
        try (IcebergCatalog catalog = config.icebergCatalog()) {
            List<String> fixed = config.getBoolean(S3SinkConfig.ICEBERG_DYNAMIC) ? List.of()
                    : config.icebergTables().stream().filter(t -> !t.contains(TableRouter.TOPIC)).toList();
            for (String name : fixed) {
                if (!catalog.table(name).exists() && !config.getBoolean(S3SinkConfig.ICEBERG_AUTO_CREATE)) {
                    error(result, S3SinkConfig.ICEBERG_TABLES, "Iceberg table " + name + " does not exist: "
                            + "create it, or set iceberg.tables.auto-create-enabled=true");
                    return false;
                }
            }
            if (fixed.isEmpty()) {
                catalog.check();
            }
        } catch (org.apache.kafka.common.config.ConfigException e) {
            String message = e.getMessage();
            error(result, message.contains(S3SinkConfig.ICEBERG_CATALOG + ".type") ? S3SinkConfig.ICEBERG_CATALOG
                    : message.contains("configuration " + S3SinkConfig.ICEBERG_ROUTE_FIELD)
                    ? S3SinkConfig.ICEBERG_ROUTE_FIELD : S3SinkConfig.ICEBERG_TABLES, message);
            return false;
        } catch (RuntimeException e) {
            error(result, S3SinkConfig.ICEBERG_CATALOG, "Cannot use the Iceberg catalog configured by "
                    + "iceberg.catalog.*: " + e);
            return false;
        }
        return true;
    }

    private static void error(Config result, String key, String message) {
        for (ConfigValue v : result.configValues()) {
            if (v.name().equals(key)) {
                v.addErrorMessage(message);
            }
        }
    }
}
