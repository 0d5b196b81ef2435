package io.sluice.connect.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    private static AbstractThrowableAssert<?, ?> rejects(Map<String, ?> in, String field) {
        return assertThatThrownBy(() -> ClusterSizer.size(Workload.of(in)))
                .isInstanceOf(SizingException.class)
                .satisfies(e -> assertThat(((SizingException) e).field()).isEqualTo(field))
                .hasMessageStartingWith(field + ": ");
    }

    @Test
    void defaultsFillWhatIsNotGivenAndPeakDefaultsToAverage() {
        Workload w = Workload.of(Map.of("write.throughput.avg", "50MB/s"));
        assertThat(w.get(Workload.WRITE_PEAK)).isEqualTo(50e6);
        assertThat(w.integer(Workload.REPLICATION_FACTOR)).isEqualTo(3);
        assertThat(w.get(Workload.RETENTION_TIME)).isEqualTo(7 * 86_400);
        assertThat(w.isSet(Workload.RETENTION_BYTES)).isFalse();
        assertThat(w.describe()).containsEntry("write.throughput.peak", "50 MB/s").containsEntry("retention.time", "7d");
    }

    @Test
    void numbersAndNumericStringsBothWork() {
        Workload w = Workload.of(Map.of("write.throughput.avg", "1MB/s", "replication.factor", "3", "read.fanout", 2.5,
                "message.size", 2048));
        assertThat(w.get(Workload.READ_FANOUT)).isEqualTo(2.5);
        assertThat(w.get(Workload.MESSAGE_SIZE)).isEqualTo(2048);
    }

    @Test
    void missingThroughputIsNamed() {
        rejects(Map.of(), "write.throughput.avg").hasMessageContaining("required");
        rejects(Map.of("write.throughput.peak", "10MB/s"), "write.throughput.avg");
    }

    @Test
    void unknownFieldsAreNamedWithTheKnownOnes() {
        rejects(Map.of("write.throughput.avg", "1MB/s", "replication.factr", 3), "replication.factr")
                .hasMessageContaining("unknown workload field").hasMessageContaining("replication.factor");
    }

    @Test
    void badValuesAndContradictionsAreNamed() {
        rejects(Map.of("write.throughput.avg", "fast"), "write.throughput.avg").hasMessageContaining("100MB/s");
        rejects(Map.of("write.throughput.avg", "1MB/s", "replication.factor", 2.5), "replication.factor")
                .hasMessageContaining("whole number");
        rejects(Map.of("write.throughput.avg", "1MB/s", "replication.factor", 0), "replication.factor")
                .hasMessageContaining("at least 1");
        rejects(Map.of("write.throughput.avg", "1MB/s", "target.utilization", 1.5), "target.utilization")
                .hasMessageContaining("between 0.05 and 1");
        rejects(Map.of("write.throughput.avg", "100MB/s", "write.throughput.peak", "50MB/s"), "write.throughput.peak")
                .hasMessageContaining("below the average");
        rejects(Map.of("write.throughput.avg", "1MB/s", "replication.factor", 3, "min.insync.replicas", 4), "min.insync.replicas")
                .hasMessageContaining("cannot exceed replication.factor");
        rejects(Map.of("write.throughput.avg", "1MB/s", "read.fanout", 1, "read.lagging", 2), "read.lagging");
        rejects(Map.of("write.throughput.avg", "1MB/s", "retention.time", "1d", "tiered.local.retention", "2d"), "tiered.local.retention");
        rejects(Map.of("write.throughput.avg", "0MB/s"), "write.throughput.avg").hasMessageContaining("above zero");
        rejects(Map.of("write.throughput.avg", "1MB/s", "compression.ratio", 0.5), "compression.ratio")
                .hasMessageContaining("at least 1");
        rejects(Map.of("write.throughput.avg", "1MB/s", "broker.cpu.cores", 4), "broker.cpu.cores")
                .hasMessageContaining("baseline");
        rejects(Map.of("write.throughput.avg", "1MB/s", "broker.memory", "2GiB"), "broker.memory");
    }

    @Test
    void nestedDocumentsFlattenWithDots() {
        Map<String, Object> flat = SizingFormat.readWorkload("write:\n  throughput:\n    avg: 50MB/s\nreplication.factor: 3\n");
        assertThat(flat).containsEntry("write.throughput.avg", "50MB/s").containsEntry("replication.factor", 3);
        assertThatThrownBy(() -> SizingFormat.readWorkload("[1, 2]")).isInstanceOf(SizingException.class)
                .hasMessageContaining("mapping");
        assertThatThrownBy(() -> SizingFormat.readWorkload("{\"a\": ")).isInstanceOf(SizingException.class)
                .hasMessageContaining("not a JSON or YAML document");
    }
}
