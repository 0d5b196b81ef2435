package io.sluice.connect.s3.write;

import io.sluice.connect.common.fault.Health;
import io.sluice.connect.common.metrics.Gauges;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * The task's counters, published in the worker's plugin metrics (Kafka 4.1+, KIP-877) when there is a registry:
 * records and bytes written, files committed, open files, buffered bytes, skipped records, S3 retries.
 */
public final class SinkMetrics {

    final AtomicLong recordsWritten = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong filesCommitted = new AtomicLong();
    final AtomicLong recordsSkipped = new AtomicLong();
    final AtomicLong recordsReported = new AtomicLong();
    final AtomicLong filesCommittedEarly = new AtomicLong();
    private LongSupplier spillBytes = () -> 0;
    private LongSupplier spilledTotal = () -> 0;
    private io.sluice.connect.s3.iceberg.IcebergCatalog catalog;

    /** The spill area's gauges: bytes on disk now, bytes ever spilled. */
    void spill(LongSupplier bytes, LongSupplier total) {
        this.spillBytes = bytes;
        this.spilledTotal = total;
    }

    /** table.format=iceberg: the catalog whose tables' commits are counted. */
    void tables(io.sluice.connect.s3.iceberg.IcebergCatalog committedTo) {
        this.catalog = committedTo;
    }

    /** Registers the gauges; the suppliers and {@code health} are read when sampled. */
    public void register(PluginMetrics registry, LongSupplier openFiles, LongSupplier buffered, long budget,
                         LongSupplier retries, LongSupplier pausedPartitions, Health health) {
        if (registry == null) {
            return;
        }
        Gauges.add(registry, "records-written-total", "Records written to Parquet objects.", recordsWritten::get);
        Gauges.add(registry, "bytes-written-total", "Bytes of committed Parquet objects.", bytesWritten::get);
        Gauges.add(registry, "files-committed-total", "Parquet objects committed (uploads completed).",
                filesCommitted::get);
        Gauges.add(registry, "records-skipped-total", "Null-valued records ignored (behavior.on.null.values=ignore), "
                + "and records no Iceberg table's route-regex matched.",
                recordsSkipped::get);
        Gauges.add(registry, "records-reported-total", "Bad records sent to the errant record reporter.",
                recordsReported::get);
        Gauges.add(registry, "open-files", "Parquet files open in this task.", openFiles);
        Gauges.add(registry, "buffered-bytes", "Heap held by open files (row groups and parts not yet uploaded).",
                buffered);
        Gauges.add(registry, "memory-budget-bytes", "The task's memory budget (memory.buffer.max.bytes): buffered-bytes "
                + "near it means open files are committed early.", () -> budget);
        Gauges.add(registry, "spill-bytes", "Bytes the task's spill area (spill.dir) holds on disk now.",
                () -> spillBytes.getAsLong());
        Gauges.add(registry, "spilled-bytes-total", "Bytes of buffered rows ever moved to the spill area (compressed).",
                () -> spilledTotal.getAsLong());
        Gauges.add(registry, "files-committed-early-total", "Files committed before they were due because the memory "
                + "budget was reached with the spill full or failing: each is smaller than the rotation asks.",
                filesCommittedEarly::get);
        Gauges.add(registry, "s3-retries-total", "S3 requests retried after throttling, 5xx or I/O errors.", retries);
        Gauges.add(registry, "paused-partitions", "Partitions paused because S3 cannot take their files now.",
                pausedPartitions);
        Gauges.add(registry, "retrying-since-ms", "Epoch ms of the first S3 failure of the faults lasting now (0 while "
                + "S3 answers).", health::retryingSinceMs);
        if (catalog != null) {
            io.sluice.connect.s3.iceberg.IcebergCatalog t = catalog;
            Gauges.add(registry, "table-commits-total", "Iceberg snapshots this task committed (appends and claims), "
                    + "all its tables.", t::commits);
            Gauges.add(registry, "table-commit-time-ms-total", "Milliseconds spent committing to Iceberg tables, "
                    + "retries included: divided by table-commits-total, the commit latency.", t::commitMillis);
            Gauges.add(registry, "table-commit-time-ms-last", "Milliseconds the last Iceberg commit took.",
                    t::lastCommitMillis);
        }
        Gauges.add(registry, "last-success-ms", "Epoch ms of the last file committed or offset index read (0 before the "
                + "first).", health::lastSuccessMs);
    }
}
