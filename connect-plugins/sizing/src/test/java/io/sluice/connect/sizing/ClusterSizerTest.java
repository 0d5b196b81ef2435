package io.sluice.connect.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every figure against arithmetic done by hand in the test. Where a source document's worked example has an
 * arithmetic slip, the test shows the document's figure next to the correct one.
 */
class ClusterSizerTest {

    private static final double TB = 1e12;
    private static final double MBPS = 1e6;

    private static SizingResult size(Object... keyValues) {
        Map<String, Object> in = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            in.put((String) keyValues[i], keyValues[i + 1]);
        }
        return ClusterSizer.size(Workload.of(in));
    }

    private static double value(SizingResult r, String figure) {
        return r.figure(figure).value();
    }

    private static double bound(SizingResult r, String name) {
        return r.bounds().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void partitionsForOneHundredMegabytesFourConsumers() {
        // Source 004: "100MB/s peak, 4 consumers, RF=3: 100/10 = 10 partitions; 4 consumers -> 4; 2x headroom: 20;
        // Final: 24 (round to multiple of consumer count = 4)". 20 already is a multiple of 4; 24 is a slip.
        SizingResult r = size("write.throughput.avg", "100MB/s", "consumer.parallelism", 4, "replication.factor", 3,
                "partition.write.throughput", "10MB/s");
        int byThroughput = 100 / 10;                 // 10
        int byParallelism = 4;
        int withHeadroom = Math.max(byThroughput, byParallelism) * 2; // 20
        int roundedToConsumers = (withHeadroom + 3) / 4 * 4;           // 20
        assertThat(value(r, "partitions.per.topic")).isEqualTo(roundedToConsumers).isEqualTo(20).isNotEqualTo(24);
        assertThat(r.figure("partitions.per.topic").binding()).isEqualTo("partition.write.throughput");
        assertThat(value(r, "partitions.total")).isEqualTo(20);
    }

    @Test
    void junRaosRuleTakesTheSlowerOfProduceAndConsume() {
        // max(t/p, t/c): 200 MB/s over partitions that take 10 MB/s of writes and give a consumer 5 MB/s.
        SizingResult r = size("write.throughput.avg", "200MB/s", "partition.write.throughput", "10MB/s",
                "partition.read.throughput", "5MB/s", "partition.headroom", 1);
        assertThat(value(r, "partitions.per.topic")).isEqualTo(Math.max(200 / 10, 200 / 5)).isEqualTo(40);
        assertThat(r.figure("partitions.per.topic").binding()).isEqualTo("partition.read.throughput");
    }

    @Test
    void consumerParallelismIsTheFloorAndThroughputSplitsOverTopics() {
        SizingResult r = size("write.throughput.avg", "20MB/s", "topics", 4, "consumer.parallelism", 6,
                "partition.headroom", 1.5);
        // 5 MB/s per topic -> 1 partition by throughput; 6 consumers -> 6; x1.5 = 9; next multiple of 6 = 12.
        assertThat(value(r, "partitions.per.topic")).isEqualTo(12);
        assertThat(r.figure("partitions.per.topic").binding()).isEqualTo("consumer.parallelism");
        assertThat(value(r, "partitions.total")).isEqualTo(48);
    }

    @Test
    void capacityPlanningExampleOfSource003() {
        // Source 003: disk 200 MB/s, network "1 GB/s (125 MB/s)", RF 3: 125 / 3 = 41 MB/s per broker; 10 brokers carry
        // 410 MB/s; 410 MB/s x 86400 = 35.4 TB/day; x 7 days x 3 = 743 TB. (1 GB/s is 1000 MB/s; 125 MB/s is 1 Gbit/s.)
        assertThat(Units.parseRate("n", "1Gbit/s")).isEqualTo(125 * MBPS);
        assertThat(Units.parseRate("n", "1GB/s")).isEqualTo(1000 * MBPS);
        SizingResult r = size("write.throughput.avg", "410MB/s", "broker.network.bandwidth", "1Gbit/s",
                "broker.disk.throughput", "200MB/s", "target.utilization", 1, "replication.factor", 3, "read.fanout", 1,
                "availability.zones", 1, "broker.failures.tolerated", 0, "broker.disk.capacity", "100PB",
                "page.cache.window", "1min", "retention.time", "7d");
        double perDay = 410 * MBPS * 86_400;
        assertThat(perDay / TB).isCloseTo(35.4, within(0.05));
        assertThat(value(r, "storage.total") / TB).isCloseTo(perDay * 7 * 3 / TB, within(1e-6)).isCloseTo(743.9, within(0.1));
        // Network in: 410 x 3 / 125 = 9.84 -> 10 brokers, as the document says.
        assertThat(bound(r, "network.in")).isEqualTo(Math.ceil(410.0 * 3 / 125)).isEqualTo(10);
        // Disk: 410 x 3 / 200 = 6.15 -> 7; the document's min(disk, network) / RF agrees network binds.
        assertThat(bound(r, "disk.throughput")).isEqualTo(7);
        assertThat(value(r, "brokers")).isEqualTo(10);
        assertThat(r.figure("brokers").binding()).isEqualTo("network.in");
    }

    @Test
    void diskExampleOfSource000WithUnitsAndRatioDoneRight() {
        // Source 000: Disk = (10GB x 24 x 7 x 3 x 1.2) / 0.5 = "~12TB per broker" at 6 brokers. It multiplies a rate
        // per second by hours, and divides by the compressed fraction (doubling the data instead of halving it).
        double documentFormula = (10 * 24 * 7 * 3 * 1.2) / 0.5; // "GB"
        assertThat(documentFormula).isCloseTo(12_096, within(1e-9));
        // Correct: 10 GB/s x 604,800 s x RF 3 x (compressed to half) = 9.07 PB kept; plus 20% overhead = 10.9 PB.
        SizingResult r = size("write.throughput.avg", "10GB/s", "retention.time", "7d", "replication.factor", 3,
                "compression.ratio", 2);
        double kept = 10e9 * 604_800 * 3 / 2;
        assertThat(value(r, "storage.total")).isCloseTo(kept, within(1.0));
        assertThat(kept * 1.2 / 6 / TB).isCloseTo(1814.4, within(0.1)); // per broker at 6 brokers: 1.8 PB, not 12 TB
        assertThat(documentFormula * 1e9 / 6).isLessThan(kept * 1.2 / 6 / 100);
    }

    @Test
    void exampleSizingOfSource003() {
        // 100 MB/s writes, 7 days, RF 3: 100 MB/s x 86400 x 7 x 3 = 181 TB ("180 TB" in the document).
        SizingResult r = size("write.throughput.avg", "100MB/s", "retention.time", "7d", "replication.factor", 3);
        assertThat(value(r, "storage.total") / TB).isCloseTo(100 * MBPS * 86_400 * 7 * 3 / TB, within(1e-9)).isCloseTo(181.44, within(1e-6));
        // 4 TiB disks filled to 80%: 181.44 TB / 3.518 TB = 51.6 -> 52 brokers of storage: tiered storage is advised.
        assertThat(bound(r, "storage")).isEqualTo(Math.ceil(181.44e12 / (4 * Math.pow(1024, 4) * 0.8))).isEqualTo(52);
        assertThat(r.figure("brokers").binding()).isEqualTo("storage");
        assertThat(value(r, "brokers")).isEqualTo(54); // 52 + 1 failure, rounded to 3 zones
        assertThat(r.warnings()).anyMatch(w -> w.contains("tiered storage"));
    }

    @Test
    void tieredStorageKeepsOnlyTheLocalWindowOnBrokers() {
        SizingResult r = size("write.throughput.avg", "100MB/s", "retention.time", "30d", "tiered.local.retention", "1d",
                "replication.factor", 3);
        assertThat(value(r, "storage.total")).isCloseTo(100e6 * 86_400 * 3, within(1.0));
        assertThat(value(r, "storage.remote")).isCloseTo(100e6 * 86_400 * 30, within(1.0));
        assertThat(r.warnings()).noneMatch(w -> w.contains("tiered storage"));
    }

    @Test
    void retentionBytesCapsWhatIsKept() {
        // 10 MB/s for 7 days would keep 6.048 TB; 2 partitions x 100 GB caps it at 200 GB per replica.
        SizingResult r = size("write.throughput.avg", "10MB/s", "retention.bytes", "100GB", "partition.headroom", 1,
                "consumer.parallelism", 2, "replication.factor", 3);
        assertThat(value(r, "partitions.total")).isEqualTo(2);
        assertThat(value(r, "storage.total")).isCloseTo(2 * 100e9 * 3, within(1.0));
    }

    @Test
    void networkOutCountsReplicationAndEveryConsumerGroup() {
        // 500 MB/s, compressed 2:1 -> 250 MB/s on the wire. Out: 250 x (3 - 1 + 5) = 1750 MB/s;
        // 10 Gbit/s = 1250 MB/s at 60% = 750 MB/s per broker -> ceil(2.33) = 3. In: 250 x 3 / 750 = 1.
        SizingResult r = size("write.throughput.avg", "500MB/s", "compression.ratio", 2, "read.fanout", 5,
                "replication.factor", 3, "retention.time", "1h");
        assertThat(bound(r, "network.out")).isEqualTo(Math.ceil(250.0 * 7 / 750)).isEqualTo(3);
        assertThat(bound(r, "network.in")).isEqualTo(1);
        assertThat(value(r, "network.out.per.broker")).isCloseTo(1750 * MBPS / value(r, "brokers"), within(1.0));
        assertThat(value(r, "network.in.per.broker")).isCloseTo(750 * MBPS / value(r, "brokers"), within(1.0));
    }

    @Test
    void fanOutThatSaturatesTheNetworkIsCalledOut() {
        SizingResult r = size("write.throughput.avg", "500MB/s", "read.fanout", 20, "retention.time", "1h",
                "availability.zones", 1, "broker.failures.tolerated", 0);
        // 500 x (3 - 1 + 20) / 750 = 14.67 -> 15
        assertThat(value(r, "brokers")).isEqualTo(15);
        assertThat(r.figure("brokers").binding()).isEqualTo("network.out");
        assertThat(r.warnings()).anyMatch(w -> w.contains("fan-out"));
    }

    @Test
    void brokersAreTheLargestBoundPlusFailuresRoundedToZones() {
        // Disk: 300 MB/s x (3 + 1 lagging) / (500 MB/s x 0.6) = 4. Everything else is lower.
        SizingResult r = size("write.throughput.avg", "300MB/s", "read.lagging", 1, "retention.time", "1h",
                "availability.zones", 3, "broker.failures.tolerated", 1);
        assertThat(bound(r, "disk.throughput")).isEqualTo(Math.ceil(300.0 * 4 / 300)).isEqualTo(4);
        assertThat(r.figure("brokers").binding()).isEqualTo("disk.throughput");
        assertThat(value(r, "brokers")).isEqualTo(6); // 4 + 1 = 5 -> next multiple of 3
        assertThat(bound(r, "replication")).isEqualTo(3);
    }

    @Test
    void cpuFollowsTheBaselinePlusTrafficRule() {
        // Source 000: cores = MB/s x 2 / 100 + 4, applied to what a broker writes: 100 MB/s x RF 3 = 300 MB/s over
        // 3 brokers is 100 MB/s each -> 4 + 100 x 2 / 100 = 6 cores.
        SizingResult r = size("write.throughput.avg", "100MB/s", "retention.time", "1h", "availability.zones", 3,
                "broker.failures.tolerated", 0, "broker.network.bandwidth", "1Gbit/s", "target.utilization", 0.8);
        // network in: 300 / (125 x 0.8) = 3 -> 3 brokers; out is equal.
        assertThat(value(r, "brokers")).isEqualTo(3);
        assertThat(value(r, "cpu.per.broker")).isCloseTo(4 + 100.0 * 2 / 100, within(1e-9));
    }

    @Test
    void memoryHoldsHeapOsAndThePageCacheWindow() {
        // Consumers read from leaders: 100 MB/s over 6 brokers = 16.7 MB/s each; a 10 min window = 10 GB of page cache.
        SizingResult r = size("write.throughput.avg", "100MB/s", "retention.time", "1h", "broker.failures.tolerated", 0,
                "availability.zones", 6, "page.cache.window", "10min");
        assertThat(value(r, "brokers")).isEqualTo(6);
        assertThat(value(r, "page.cache.per.broker")).isCloseTo(100e6 / 6 * 600, within(1.0));
        assertThat(value(r, "heap.per.broker")).isEqualTo(4 * Units.GIB);
        assertThat(value(r, "memory.per.broker")).isCloseTo(4 * Units.GIB + Units.GIB + 10e9, within(1.0));
    }

    @Test
    void smallBrokerRamMakesMemoryTheBound() {
        // 8 GiB brokers: 8 - 4 heap - 1 OS = 3 GiB for cache; 100 MB/s x 600 s = 60 GB -> 60e9 / 3 GiB = 18.6 -> 19.
        SizingResult r = size("write.throughput.avg", "100MB/s", "retention.time", "1h", "broker.memory", "8GiB");
        assertThat(bound(r, "memory")).isEqualTo(Math.ceil(60e9 / (3 * Units.GIB))).isEqualTo(19);
        assertThat(r.warnings()).anyMatch(w -> w.contains("page-cache window"));
    }

    @Test
    void heapGrowsWithReplicasWithinFourToEightGiB() {
        assertThat(ClusterSizer.heap(100, 1)).isEqualTo(4 * Units.GIB);
        assertThat(ClusterSizer.heap(8000, 1)).isEqualTo(5 * Units.GIB); // 1 GiB + 4000 MiB = 4.9 GiB -> 5
        assertThat(ClusterSizer.heap(100_000, 1)).isEqualTo(8 * Units.GIB);
    }

    @Test
    void partitionCountCanSetTheBrokerCount() {
        SizingResult r = size("write.throughput.avg", "10MB/s", "topics", 500, "consumer.parallelism", 12,
                "retention.time", "1h", "broker.max.partitions", 4000);
        // 500 topics x 24 partitions (12 consumers x 2) x RF 3 = 36,000 replicas / 4000 = 9 brokers.
        assertThat(value(r, "partitions.total")).isEqualTo(12_000);
        assertThat(bound(r, "partitions")).isEqualTo(9);
        assertThat(r.figure("brokers").binding()).isEqualTo("partitions");
        assertThat(r.warnings()).anyMatch(w -> w.contains("partition count"));
    }

    @Test
    void riskyReplicationSettingsWarn() {
        SizingResult rf2 = size("write.throughput.avg", "1MB/s", "replication.factor", 2, "min.insync.replicas", 2);
        assertThat(rf2.warnings()).anyMatch(w -> w.contains("below 3")).anyMatch(w -> w.contains("stops acks=all"));
        SizingResult isr1 = size("write.throughput.avg", "1MB/s", "min.insync.replicas", 1);
        assertThat(isr1.warnings()).anyMatch(w -> w.contains("min.insync.replicas=1"));
        SizingResult sound = size("write.throughput.avg", "1MB/s", "retention.time", "1h");
        assertThat(sound.warnings()).isEmpty();
    }

    @Test
    void connectWorkersFromThroughputAndTasks() {
        // 100 MB/s at 10 MB/s per task = 10 tasks; 4 cores x 2 tasks = 8 per worker -> 2; network 100 / (125 x 0.6)
        // = 1.33 -> 2; plus one spare = 3 workers. Over 2 connectors: tasks.max = 5.
        SizingResult r = size("write.throughput.avg", "100MB/s", "connect.throughput", "100MB/s", "connect.connectors", 2);
        assertThat(value(r, "connect.tasks")).isEqualTo(10);
        assertThat(value(r, "connect.workers")).isEqualTo(3);
        assertThat(value(r, "connect.tasks.max")).isEqualTo(5);
        // The source document's calculator: max(ceil(10 / 50), ceil(0.8 Gbit/s)) x 3 = 3 as well, but it triples
        // every cluster (ha_factor=3) where one spare worker is what N+1 asks.
        SizingResult big = size("write.throughput.avg", "1MB/s", "connect.tasks", 60);
        assertThat(value(big, "connect.workers")).isEqualTo(Math.ceil(60 / 8.0) + 1).isEqualTo(9);
    }

    @Test
    void noConnectFiguresWhenTheWorkloadSaysNothingOfConnect() {
        SizingResult r = size("write.throughput.avg", "1MB/s");
        assertThat(r.figures()).doesNotContainKey("connect.workers");
    }

    @Test
    void everyFigureCarriesItsFormulaAndNumbers() {
        SizingResult r = size("write.throughput.avg", "50MB/s", "connect.throughput", "50MB/s");
        assertThat(r.figures().values()).allSatisfy(f -> {
            assertThat(f.formula()).isNotBlank();
            assertThat(f.explained()).isNotBlank();
            assertThat(f.binding()).isNotBlank();
        });
        assertThat(r.toMap()).containsKeys("workload", "figures", "brokerBounds", "warnings");
    }
}
