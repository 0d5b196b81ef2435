package io.sluice.connect.jdbc.source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a table's (or query's) reading stands, as a Connect source offset in Confluent's format
 * ({@code timestamp} epoch ms, {@code timestamp_nanos} nanos of the second, {@code incrementing}) so offsets
 * migrate both ways, plus what only we keep: incrementing ids still being re-read ({@code gaps}) and which query the
 * offset belongs to ({@code query.hash}).
 *
 * @param timestamp   every row up to this timestamp has been delivered (timestamp modes), or null
 * @param incrementing the highest id delivered (incrementing modes), or null
 * @param gaps        id ranges below {@code incrementing} not seen yet and still re-read, oldest first
 * @param queryHash   the query this position is for (query mode), or null
 * @param rewoundFor  the daylight-saving change (epoch second) whose repeated hour was re-read, or null
 */
public record Position(Instant timestamp, Long incrementing, List<Gap> gaps, String queryHash, Long rewoundFor) {

    static final String TIMESTAMP = "timestamp";
    static final String TIMESTAMP_NANOS = "timestamp_nanos";
    static final String INCREMENTING = "incrementing";
    static final String GAPS = "gaps";
    static final String QUERY_HASH = "query.hash";
    static final String REWOUND_FOR = "dst.rewound";
    static final String CHUNK_FROM = "chunk.from";
    static final String CHUNK_TO = "chunk.to";

    /** Ids {@code from..to} (inclusive) not seen yet; re-read until {@code expiresAtMs} (worker clock). */
    public record Gap(long from, long to, long expiresAtMs) {
    }

    /** Where reading starts without an offset: from {@code timestamp} or above {@code id} (null: the beginning). */
    public static Position start(Instant timestamp, Long id, String queryHash) {
        return new Position(timestamp, id, List.of(), queryHash, null);
    }

    public Position withTimestamp(Instant ts) {
        return new Position(ts, incrementing, gaps, queryHash, rewoundFor);
    }

    public Position withIncrementing(Instant ts, long id, List<Gap> newGaps) {
        return new Position(ts, id, newGaps, queryHash, rewoundFor);
    }

    public Position withGaps(List<Gap> newGaps) {
        return new Position(timestamp, incrementing, newGaps, queryHash, rewoundFor);
    }

    /** Back to just before {@code ts}, forgetting the id, once for the daylight-saving change {@code transition}. */
    public Position rewoundTo(Instant ts, long transition) {
        return new Position(ts, null, gaps, queryHash, transition);
    }

    /** The same position for {@code hash}'s query. */
    public Position forQuery(String hash) {
        return new Position(timestamp, incrementing, gaps, hash, rewoundFor);
    }

    public Map<String, Object> toMap() {
        return toMap(gaps.isEmpty() ? List.of() : encode(gaps), null);
    }

    /**
     * The offset map with {@code gaps} already encoded by {@link #encode}; a chunk's offset also holds the chunk's
     * id range, so a restart finds out which ids the position is about even when the chunks were split anew.
     */
    public Map<String, Object> toMap(List<List<Long>> encodedGaps, ChunkRange chunk) {
        if (encodedGaps.isEmpty() && queryHash == null && rewoundFor == null) { // one per record: small, immutable
            Long from = chunk == null ? null : chunk.from();
            Long to = chunk == null ? null : chunk.to();
            if (timestamp == null && from == null && to == null) {
                return incrementing == null ? Map.of() : Map.of(INCREMENTING, incrementing);
            }
            if (timestamp == null && incrementing != null) { // a chunk's records
                return from == null ? Map.of(INCREMENTING, incrementing, CHUNK_TO, to)
                        : to == null ? Map.of(INCREMENTING, incrementing, CHUNK_FROM, from)
                        : Map.of(INCREMENTING, incrementing, CHUNK_FROM, from, CHUNK_TO, to);
            }
            if (incrementing != null && from == null && to == null) {
                return Map.of(TIMESTAMP, timestamp.toEpochMilli(), TIMESTAMP_NANOS, (long) timestamp.getNano(),
                        INCREMENTING, incrementing);
            }
        }
        Map<String, Object> m = new HashMap<>(8);
        if (timestamp != null) {
            m.put(TIMESTAMP, timestamp.toEpochMilli());
            m.put(TIMESTAMP_NANOS, (long) timestamp.getNano());
        }
        if (incrementing != null) {
            m.put(INCREMENTING, incrementing);
        }
        if (!encodedGaps.isEmpty()) {
            m.put(GAPS, encodedGaps);
        }
        if (queryHash != null) {
            m.put(QUERY_HASH, queryHash);
        }
        if (rewoundFor != null) {
            m.put(REWOUND_FOR, rewoundFor);
        }
        if (chunk != null && chunk.from() != null) {
            m.put(CHUNK_FROM, chunk.from());
        }
        if (chunk != null && chunk.to() != null) {
            m.put(CHUNK_TO, chunk.to());
        }
        return m;
    }

    /** Gaps as offsets hold them: {@code [from, to, expiresAtMs]} lists. */
    public static List<List<Long>> encode(List<Gap> gaps) {
        List<List<Long>> g = new ArrayList<>(gaps.size());
        for (Gap gap : gaps) {
            g.add(List.of(gap.from, gap.to, gap.expiresAtMs));
        }
        return List.copyOf(g);
    }

    /** The id range a chunk's offset was written for; null for offsets of whole tables. */
    public static ChunkRange chunkOf(Map<String, ?> m) {
        Long from = m.get(CHUNK_FROM) instanceof Number n ? n.longValue() : null;
        Long to = m.get(CHUNK_TO) instanceof Number n ? n.longValue() : null;
        return from == null && to == null ? null : new ChunkRange(from, to);
    }

    /** Reads an offset written by us or by Confluent's connector; null stays null. */
    public static Position fromMap(Map<String, ?> m) {
        if (m == null) {
            return null;
        }
        Instant ts = null;
        if (m.get(TIMESTAMP) instanceof Number ms) {
            long millis = ms.longValue();
            long nanos = m.get(TIMESTAMP_NANOS) instanceof Number n ? n.longValue() : Math.floorMod(millis, 1000) * 1_000_000L;
            ts = Instant.ofEpochSecond(Math.floorDiv(millis, 1000), nanos);
        }
        Long inc = m.get(INCREMENTING) instanceof Number n ? n.longValue() : null;
        List<Gap> gaps = new ArrayList<>();
        if (m.get(GAPS) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof List<?> g && g.size() == 3) {
                    gaps.add(new Gap(((Number) g.get(0)).longValue(), ((Number) g.get(1)).longValue(),
                            ((Number) g.get(2)).longValue()));
                }
            }
        }
        String hash = m.get(QUERY_HASH) instanceof String s ? s : null;
        Long rewound = m.get(REWOUND_FOR) instanceof Number n ? n.longValue() : null;
        return new Position(ts, inc, List.copyOf(gaps), hash, rewound);
    }
}
