package io.sluice.connect.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void sizesUseDecimalAndBinaryPrefixes() {
        assertThat(Units.parseBytes("f", "512")).isEqualTo(512);
        assertThat(Units.parseBytes("f", "1KB")).isEqualTo(1000);
        assertThat(Units.parseBytes("f", "1kB")).isEqualTo(1000);
        assertThat(Units.parseBytes("f", "1KiB")).isEqualTo(1024);
        assertThat(Units.parseBytes("f", "2TiB")).isEqualTo(2 * Math.pow(1024, 4));
        assertThat(Units.parseBytes("f", "1.5 GB")).isEqualTo(1.5e9);
        assertThat(Units.parseBytes("f", "8Gbit")).isEqualTo(1e9);
    }

    @Test
    void ratesAcceptBytesBitsAndTimeUnits() {
        assertThat(Units.parseRate("f", "100MB/s")).isEqualTo(100e6);
        assertThat(Units.parseRate("f", "10Gbit/s")).isEqualTo(1.25e9);
        assertThat(Units.parseRate("f", "10Gbps")).isEqualTo(1.25e9);
        assertThat(Units.parseRate("f", "100MBps")).isEqualTo(100e6);
        assertThat(Units.parseRate("f", "6GB/min")).isEqualTo(100e6);
        assertThat(Units.parseRate("f", "360GB/h")).isCloseTo(100e6, within(1e-3));
    }

    @Test
    void durations() {
        assertThat(Units.parseDuration("f", "7d")).isEqualTo(604_800);
        assertThat(Units.parseDuration("f", "36h")).isEqualTo(129_600);
        assertThat(Units.parseDuration("f", "10min")).isEqualTo(600);
        assertThat(Units.parseDuration("f", "500ms")).isEqualTo(0.5);
        assertThat(Units.parseDuration("f", "2w")).isEqualTo(1_209_600);
    }

    @Test
    void badQuantitiesNameTheFieldAndTheExpectedForm() {
        assertThatThrownBy(() -> Units.parseRate("write.throughput.avg", "100MB"))
                .isInstanceOf(SizingException.class)
                .hasMessageContaining("write.throughput.avg").hasMessageContaining("no time unit");
        assertThatThrownBy(() -> Units.parseBytes("broker.disk.capacity", "lots"))
                .hasMessageStartingWith("broker.disk.capacity: 'lots' is not a size");
        assertThatThrownBy(() -> Units.parseDuration("retention.time", "7 fortnights"))
                .hasMessageContaining("unknown time unit 'fortnights'");
        assertThatThrownBy(() -> Units.parseDuration("retention.time", "7"))
                .hasMessageContaining("has no unit");
        assertThatThrownBy(() -> Units.parseBytes("message.size", "1XB"))
                .hasMessageContaining("unknown unit 'XB'");
    }

    @Test
    void printsThreeSignificantDigits() {
        assertThat(Units.bytes(1.8144e14)).isEqualTo("181 TB");
        assertThat(Units.rate(41.666e6)).isEqualTo("41.7 MB/s");
        assertThat(Units.binaryBytes(6 * Units.GIB)).isEqualTo("6 GiB");
        assertThat(Units.duration(604_800)).isEqualTo("7d");
        assertThat(Units.number(2.0)).isEqualTo("2");
    }
}
