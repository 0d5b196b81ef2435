package io.sluice.connect.jdbc.source;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The ids one chunk of a table reads: {@code from} (inclusive) up to {@code to} (exclusive); null is unbounded. The
 * chunks of a table split the whole id line, the first unbounded below and the last above, so no id (new rows and
 * negative ids included) is outside every chunk. A range is a pair of index bounds, so each chunk's query reads only
 * its own part of the index.
 */
public record ChunkRange(Long from, Long to) {

    /** {@code n} ranges splitting {@code min..max} evenly (by value, not by row count); empty ranges when it is small. */
    public static List<ChunkRange> split(long min, long max, int n) {
        List<ChunkRange> out = new ArrayList<>(n);
        BigInteger low = BigInteger.valueOf(min);
        BigInteger width = BigInteger.valueOf(max).subtract(low).add(BigInteger.ONE).max(BigInteger.ONE);
        Long from = null;
        for (int i = 1; i < n; i++) {
            long to = low.add(width.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(n))).longValueExact();
            out.add(new ChunkRange(from, to));
            from = to;
        }
        out.add(new ChunkRange(from, null));
        return List.copyOf(out);
    }

    /**
     * Whether {@code ranges}, in chunk order, split the whole id line: the first unbounded below, the last above,
     * each starting where the one before ends.
     */
    public static boolean splitsTheLine(List<ChunkRange> ranges) {
        if (ranges.isEmpty() || ranges.get(0).from != null || ranges.get(ranges.size() - 1).to != null) {
            return false;
        }
        for (int i = 1; i < ranges.size(); i++) {
            Long end = ranges.get(i - 1).to;
            if (end == null || !end.equals(ranges.get(i).from)) {
                return false;
            }
        }
        return true;
    }

    public boolean contains(long id) {
        return (from == null || id >= from) && (to == null || id < to);
    }

    public boolean overlaps(ChunkRange other) {
        return (from == null || other.to == null || from < other.to)
                && (to == null || other.from == null || other.from < to);
    }

    /** This range minus the parts {@code covering} holds; empty when they cover all of it. */
    List<ChunkRange> minus(List<ChunkRange> covering) {
        List<ChunkRange> left = List.of(this);
        for (ChunkRange c : covering) {
            List<ChunkRange> next = new ArrayList<>();
            for (ChunkRange r : left) {
                if (!r.overlaps(c)) {
                    next.add(r);
                    continue;
                }
                if (c.from != null && (r.from == null || r.from < c.from)) {
                    next.add(new ChunkRange(r.from, c.from));
                }
                if (c.to != null && (r.to == null || c.to < r.to)) {
                    next.add(new ChunkRange(c.to, r.to));
                }
            }
            left = next;
        }
        return left;
    }

    @Override
    public String toString() {
        return "[" + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to) + ")";
    }
}
