package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.source.ChunkRange;
import io.sluice.connect.jdbc.source.ChunkStart;
import io.sluice.connect.jdbc.source.Position;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How chunks split the id line, how their ranges travel in offsets and where a chunk starts when they changed. */
class ChunkRangesTest {

    private static Position at(long id, Position.Gap... gaps) {
        return new Position(null, id, List.of(gaps), null, null);
    }

    private static ChunkStart.Stored stored(Long from, Long to, Position p) {
        return new ChunkStart.Stored(new ChunkRange(from, to), p);
    }

    @Test
    void rangesSplitTheWholeLineEvenly() {
        assertThat(ChunkRange.split(1, 1000, 3)).containsExactly(new ChunkRange(null, 334L),
                new ChunkRange(334L, 667L), new ChunkRange(667L, null));
        List<ChunkRange> all = ChunkRange.split(Long.MIN_VALUE, Long.MAX_VALUE, 4); // no overflow
        assertThat(ChunkRange.splitsTheLine(all)).isTrue();
        assertThat(all.get(2).from()).isZero();
        List<ChunkRange> tiny = ChunkRange.split(5, 5, 3); // fewer ids than chunks: some chunks are empty
        assertThat(ChunkRange.splitsTheLine(tiny)).isTrue();
        assertThat(tiny.stream().filter(r -> r.contains(5))).hasSize(1);
        assertThat(tiny.stream().filter(r -> r.contains(Long.MIN_VALUE) || r.contains(Long.MAX_VALUE))).hasSize(2);
        assertThat(ChunkRange.splitsTheLine(List.of(new ChunkRange(null, 5L), new ChunkRange(6L, null)))).isFalse();
    }

    @Test
    void aChunkOffsetCarriesItsRange() {
        ChunkRange r = new ChunkRange(334L, 667L);
        Map<String, Object> offset = at(500).toMap(List.of(), r);
        assertThat(offset).containsEntry("incrementing", 500L).containsEntry("chunk.from", 334L)
                .containsEntry("chunk.to", 667L);
        assertThat(Position.chunkOf(offset)).isEqualTo(r);
        assertThat(Position.chunkOf(at(500).toMap(List.of(), new ChunkRange(null, 334L))))
                .isEqualTo(new ChunkRange(null, 334L));
        assertThat(Position.chunkOf(at(500).toMap(List.of(), new ChunkRange(667L, null))))
                .isEqualTo(new ChunkRange(667L, null));
        assertThat(at(500).toMap(List.of(), new ChunkRange(null, null))).isEqualTo(Map.of("incrementing", 500L));
        assertThat(Position.chunkOf(at(500).toMap())).isNull();
    }

    @Test
    void aChunkResumesFromItsOwnOffsetGapsIncluded() {
        Position own = at(800, new Position.Gap(600, 610, 1L));
        assertThat(ChunkStart.of(new ChunkRange(500L, null), List.of(stored(null, 500L, at(120)),
                stored(500L, null, own)), null, Mode.INCREMENTING)).isEqualTo(own);
    }

    @Test
    void afterANewSplitAChunkStartsWhereNoOverlappingChunkIsBehind() {
        List<ChunkStart.Stored> old = List.of(stored(null, 500L, at(120)),
                stored(500L, null, at(800, new Position.Gap(600, 610, 1L))));
        // only the old first chunk overlaps
        assertThat(ChunkStart.of(new ChunkRange(null, 300L), old, null, Mode.INCREMENTING)).isEqualTo(at(120));
        // both overlap: the earlier position wins (the query itself starts at 300)
        assertThat(ChunkStart.of(new ChunkRange(300L, 600L), old, null, Mode.INCREMENTING)).isEqualTo(at(120));
        // an open gap counts as unread: start just before it, the gap no longer tracked
        assertThat(ChunkStart.of(new ChunkRange(600L, null), old, null, Mode.INCREMENTING)).isEqualTo(at(599));
    }

    @Test
    void idsNoStoredChunkCoversStartFromTheFallback() {
        List<ChunkStart.Stored> onlyLast = List.of(stored(500L, null, at(800)));
        assertThat(ChunkStart.of(new ChunkRange(null, 300L), onlyLast, at(50), Mode.INCREMENTING)).isEqualTo(at(50));
        assertThat(ChunkStart.of(new ChunkRange(null, 300L), onlyLast, null, Mode.INCREMENTING)).isNull();
        // partly covered: the uncovered part decides
        assertThat(ChunkStart.of(new ChunkRange(400L, null), onlyLast, at(50), Mode.INCREMENTING)).isEqualTo(at(50));
        assertThat(ChunkStart.of(new ChunkRange(400L, null), onlyLast, at(900), Mode.INCREMENTING))
                .isEqualTo(at(800));
    }

    @Test
    void timestampIncrementingChunksCompareByTimestampThenId() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Position early = new Position(t0, 900L, List.of(), null, null);
        Position late = new Position(t0.plusSeconds(1), 10L, List.of(), null, null);
        List<ChunkStart.Stored> old = List.of(stored(null, 500L, late), stored(500L, null, early));
        assertThat(ChunkStart.of(new ChunkRange(null, null), old, null, Mode.TIMESTAMP_INCREMENTING))
                .isEqualTo(early);
    }
}
