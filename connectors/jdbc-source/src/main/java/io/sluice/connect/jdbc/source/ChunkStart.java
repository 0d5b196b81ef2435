package io.sluice.connect.jdbc.source;

import io.sluice.connect.jdbc.Mode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a chunk starts reading, from the stored offsets of its table's chunks. Normally its own offset was written
 * for the same range and is taken as it is. When the chunks were split differently since (the connector computed
 * new bounds before every chunk had committed an offset), the chunk starts from the earliest position among the
 * stored chunks that overlap its range, and from {@code fallback} (the unchunked offset, or the very start) where no
 * stored chunk covers part of it: rows may be read twice, never skipped.
 */
public final class ChunkStart {

    private ChunkStart() {
    }

    /** A chunk's stored offset: the range it was written for and the position. */
    public record Stored(ChunkRange range, Position position) {
    }

    /**
     * @param range    the chunk's ids
     * @param stored   the stored offsets of the table's chunks
     * @param fallback where to start ids no stored chunk covers; null for the start of the table
     * @return the start position; null for the start of the table
     */
    public static Position of(ChunkRange range, List<Stored> stored, Position fallback, Mode mode) {
        Optional<Position> own = stored.stream().filter(s -> s.range().equals(range)).map(Stored::position)
                .min(ORDER);
        if (own.isPresent()) {
            return own.get();
        }
        List<Position> candidates = new ArrayList<>();
        List<ChunkRange> overlapping = new ArrayList<>();
        for (Stored s : stored) {
            if (s.range().overlaps(range)) {
                overlapping.add(s.range());
                candidates.add(mode == Mode.INCREMENTING ? withoutGaps(s.position()) : s.position());
            }
        }
        if (!range.minus(overlapping).isEmpty()) {
            if (fallback == null) {
                return null;
            }
            candidates.add(mode == Mode.INCREMENTING ? withoutGaps(fallback) : fallback);
        }
        return candidates.stream().min(ORDER).orElse(fallback);
    }

    /** Reading order of positions: by timestamp, then id; null (not read yet) first. */
    private static final Comparator<Position> ORDER = Comparator
            .comparing(Position::timestamp, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(Position::incrementing, Comparator.nullsFirst(Comparator.<Long>naturalOrder()));

    /** The same ids as read, with every open gap counted as unread: the position just before the lowest gap. */
    private static Position withoutGaps(Position p) {
        if (p.gaps().isEmpty()) {
            return p;
        }
        long lowest = p.gaps().stream().mapToLong(Position.Gap::from).min().orElseThrow();
        long id = p.incrementing() == null ? lowest - 1 : Math.min(p.incrementing(), lowest - 1);
        return p.withIncrementing(p.timestamp(), id, List.of());
    }
}
