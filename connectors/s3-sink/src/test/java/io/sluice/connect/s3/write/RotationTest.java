package io.sluice.connect.s3.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule that commits an open file, at and around its threshold, and the memory budget's choice of files. */
class RotationTest {

    @ParameterizedTest(name = "flush.size={0} rotate.size.bytes={1}: {2} records, {3} bytes -> {4}")
    @CsvSource({
            "100, 0,    99,  1000000, false", // no size rule: only the record count
            "100, 0,    100, 0,       true",
            "100, 1000, 10,  999,     false",
            "100, 1000, 10,  1000,    true",
            "100, 1000, 100, 10,      true"})
    void aFileIsCommittedWhenFull(int flushSize, long sizeBytes, long records, long dataSize, boolean commit) {
        assertThat(new Rotation(flushSize, sizeBytes, 0, 0).after(records, dataSize)).isEqualTo(commit);
    }

    @ParameterizedTest(name = "rotate.interval.ms={0}: schema changed={1}, first={2}, record={3} -> {4}")
    @CsvSource({
            "0,    false, 0,    999999, false", // no interval: record time never rotates
            "0,    true,  0,    0,      true", // a schema the file cannot take always does
            "1000, false, 5000, 5999,   false",
            "1000, false, 5000, 6000,   true", // the interval is measured from the file's first record
            "1000, false, 5000, 4000,   false", // a late record does not rotate
            "1000, true,  5000, 5001,   true"})
    void aFileIsCommittedBeforeARecordItMustNotHold(long intervalMs, boolean schemaChanged, long first, long time,
                                                    boolean commit) {
        assertThat(new Rotation(100, 0, intervalMs, 0).before(schemaChanged, first, time)).isEqualTo(commit);
    }

    @ParameterizedTest(name = "rotate.schedule.interval.ms={0}: opened {1}, now {2} -> {3}")
    @CsvSource({"0, 0, 999999, false", "60000, 0, 59999, false", "60000, 0, 60000, true", "60000, 1000, 60999, false"})
    void aFileIsDueByTheWallClockSchedule(long scheduleMs, long openedAt, long now, boolean due) {
        assertThat(new Rotation(100, 0, 0, scheduleMs).due(openedAt, now)).isEqualTo(due);
    }

    @ParameterizedTest(name = "sizes {0}, held {1}, budget {2} -> commit {3}")
    @CsvSource(delimiter = '|', value = {
            "10;20;30 | 0  | 60  | ''", // fits exactly: nothing
            "10;20;30 | 0  | 59  | 2", // the largest alone brings it under
            "10;20;30 | 0  | 20  | 2;1", // largest first, as few as it takes
            "10;20;30 | 25 | 60  | 2", // memory held by failed commits counts
            "10;20;30 | 0  | 0   | 2;1;0",
            "30;30;5  | 0  | 40  | 0", // equal sizes: the first listed goes first
            "5        | 50 | 40  | 0"}) // cannot fit: everything open is committed
    void theBudgetCommitsTheLargestFilesUntilTheRestFit(String sizes, long held, long budget, String expected) {
        long[] s = Arrays.stream(sizes.split(";")).mapToLong(Long::parseLong).toArray();
        int[] want = expected.isEmpty() ? new int[0] : Arrays.stream(expected.split(";")).mapToInt(Integer::parseInt).toArray();
        assertThat(Rotation.overBudget(s, held, budget)).containsExactly(want);
    }
}
