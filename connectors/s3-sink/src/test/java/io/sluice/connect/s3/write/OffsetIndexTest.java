package io.sluice.connect.s3.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The partition's durable index: which records recovery skips, and how a commit rewrites it. */
class OffsetIndexTest {

    private static OffsetIndex.Entry entry(String key, String path, long start, long end) {
        return new OffsetIndex.Entry(key, path, start, end, "upload-" + key, "attempt");
    }

    /** Two directories' files of one partition: eu holds 100..149 then 200..249, us holds 150..199. */
    private static final OffsetIndex INDEX = new OffsetIndex(3, 100, List.of(entry("a", "region=eu", 100, 149),
            entry("b", "region=us", 150, 199), entry("c", "region=eu", 200, 249)));

    @ParameterizedTest(name = "{0}@{1} byPath={2} -> {3}")
    @CsvSource(nullValues = "NULL", value = {
            "region=eu, 100, true,  a", // first offset of a file
            "region=eu, 149, true,  a", // last offset of a file
            "region=eu, 150, true,  NULL", // in us's file, not eu's: not written for eu
            "region=us, 150, true,  b",
            "region=eu, 200, true,  c",
            "region=eu, 250, true,  NULL", // past every file
            "region=eu, 99,  true,  NULL", // below (already committed: recovery does not start there)
            "region=us, 120, false, a", // wall-clock paths: any directory's file counts
            "region=xx, 175, false, b"})
    void recoverySkipsARecordOnlyInsideAListedFileOfItsDirectory(String path, long offset, boolean byPath,
                                                                 String key) {
        OffsetIndex.Entry found = INDEX.find(path, offset, byPath);
        assertThat(found == null ? null : found.key()).isEqualTo(key);
    }

    @Test
    void aCommitKeepsFilesNotWhollyBelowItAndReplacesRetriedKeys() {
        OffsetIndex next = INDEX.with(4, 200, List.of(entry("d", "region=us", 250, 260), entry("c", "region=eu", 200, 255)));
        assertThat(next.epoch()).isEqualTo(4);
        assertThat(next.committed()).isEqualTo(200);
        // a and b end below 200: dropped; the old c gives way to its retried entry; the added follow in order
        assertThat(next.files()).extracting(OffsetIndex.Entry::key).containsExactly("d", "c");
        assertThat(next.find("region=eu", 255, true).end()).isEqualTo(255);
    }

    @Test
    void theCommittedOffsetNeverGoesBack() {
        assertThat(INDEX.with(4, 50, List.of()).committed()).isEqualTo(100);
        assertThat(INDEX.with(4, 50, List.of()).files()).hasSize(3);
    }

    @Test
    void itSurvivesTheBucketAndReadsIndexesWithFieldsItDoesNotKnow() {
        assertThat(OffsetIndex.parse(INDEX.toJson())).isEqualTo(INDEX);
        String later = "{\"epoch\":2,\"committed\":7,\"files\":[],\"writtenBy\":\"a later version\"}";
        assertThat(OffsetIndex.parse(later.getBytes(StandardCharsets.UTF_8))).isEqualTo(new OffsetIndex(2, 7, List.of()));
    }
}
