package io.sluice.connect.s3;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.metrics.Gauges;
import io.sluice.connect.s3.storage.S3Storage;
import io.sluice.connect.s3.write.SinkMetrics;
import io.sluice.connect.s3.write.SinkWriter;
import io.sluice.connect.s3.write.WriteBehind;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes its partitions' records to Parquet objects; offsets are committed only for completed objects. */
public class S3ParquetSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(S3ParquetSinkTask.class);

    private S3Storage storage;
    private SinkWriter sinkWriter;
    private WriteBehind writer;
    private long scheduleMs;

    @Override
    public String version() {
        return SluiceVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        S3SinkConfig config = new S3SinkConfig(props);
        scheduleMs = config.rotateScheduleIntervalMs();
        storage = new S3Storage(config);
        storage.checkBucketAtStart();
        SinkMetrics metrics = new SinkMetrics();
        sinkWriter = new SinkWriter(config, storage, context, metrics, props.getOrDefault("name", "task"));
        writer = new WriteBehind(sinkWriter, props.getOrDefault("name", "task"));
        metrics.register(Gauges.registry(() -> context.pluginMetrics()), sinkWriter::openFilesGauge, sinkWriter::memoryGauge,
                config.memoryBufferBytes(), storage::retries, sinkWriter::pausedGauge, sinkWriter.health());
        log.info("S3 Parquet sink task writing to s3://{}/{}", config.bucket(), config.topicsDir());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        writer.open(partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        writer.put(records);
        if (scheduleMs > 0) {
            // Without records the worker polls again only at its next offset flush (offset.flush.interval.ms,
            // a minute by default): come back sooner, so an idle partition's file is committed on schedule.
            context.timeout(Math.max(100, Math.min(scheduleMs / 10, 10_000)));
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return writer.committable();
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (writer != null) {
            writer.close(partitions);
        }
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.close();
        }
        if (storage != null) {
            storage.close();
        }
    }
}
