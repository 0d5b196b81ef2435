package io.sluice.connect.s3.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillTest {

    @TempDir
    Path root;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void chunksComeBackInOrderAndTheRunsBytesAreCounted() {
        try (Spill spill = Spill.open(root, "s3-orders", 1 << 20)) {
            spill.beginRound();
            Spill.Run run = spill.run();
            byte[] first = text("a".repeat(5000));
            byte[] second = text("second chunk");
            assertThat(run.append(first, first.length)).isTrue();
            assertThat(run.append(second, 6)).isTrue(); // only the length given
            assertThat(spill.bytes()).as("compressed").isPositive().isLessThan(first.length);
            assertThat(spill.spilledTotal()).isEqualTo(spill.bytes());

            ByteArrayOutputStream read = new ByteArrayOutputStream();
            run.forEach((data, length) -> read.write(data, 0, length));
            assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("a".repeat(5000) + "second");

            run.delete();
            assertThat(spill.bytes()).isZero();
            assertThat(spill.spilledTotal()).isPositive();
        }
    }

    @Test
    void aChunkPastTheLimitIsRefusedAndNothingOfItWritten() {
        try (Spill spill = Spill.open(root, "s3-orders", 100)) {
            spill.beginRound();
            Spill.Run run = spill.run();
            byte[] small = text("x".repeat(50));
            assertThat(run.append(small, small.length)).isTrue();
            long used = spill.bytes();
            byte[] random = new byte[200];
            new java.util.Random(1).nextBytes(random); // incompressible: past the limit
            assertThat(run.append(random, random.length)).isFalse();
            assertThat(spill.bytes()).isEqualTo(used);
            assertThat(spill.fullReason()).contains("spill.max.bytes=100");
        }
    }

    @Test
    void theAreaIsTheTasksOwnAndGoneWhenItCloses() throws Exception {
        Spill spill = Spill.open(root, "s3/orders: backfill", 1 << 20);
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("a directory and its lock, named after the connector")
                    .hasSize(2).allMatch(n -> n.startsWith("s3_orders__backfill-"));
        }
        spill.close();
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aTaskStartingBesideLiveOnesOfThisWorkerLeavesTheirAreas() throws Exception {
        try (Spill first = Spill.open(root, "s3-a", 1 << 20); Spill second = Spill.open(root, "s3-b", 1 << 20)) {
            first.beginRound();
            Spill.Run run = first.run();
            assertThat(run.append(text("rows"), 4)).isTrue();
            try (Spill third = Spill.open(root, "s3-c", 1 << 20)) {
                try (Stream<Path> entries = Files.list(root)) {
                    assertThat(entries).hasSize(6);
                }
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                run.forEach((data, length) -> read.write(data, 0, length));
                assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("rows");
            }
        }
    }

    @Test
    void offTakesNothingAndNeedsNoDirectory() {
        Spill off = Spill.open(root.resolve("never-created"), "s3", 0);
        assertThat(off.enabled()).isFalse();
        assertThat(off.fullReason()).isEqualTo("spill.max.bytes=0");
        assertThat(root.resolve("never-created")).doesNotExist();
    }

    @Test
    void aPathThatIsNotADirectoryIsRefusedNamingTheKeyAndTheWayOut() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        assertThat(Spill.problem(file, 1 << 20)).contains("spill.dir", "spill.max.bytes=0");
        assertThat(Spill.problem(file, 0)).isNull();
        assertThat(Spill.problem(root, 1 << 20)).isNull();
        assertThatThrownBy(() -> Spill.open(file.resolve("sub"), "s3", 1 << 20)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("spill.dir");
    }
}
