package io.sluice.connect.jdbc.source;

import io.sluice.connect.jdbc.Mode;
import io.sluice.connect.jdbc.dialect.Dialect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The SQL a table's reads run, per mode: the main read from the stored position up to the read bound, and the
 * re-read of id gaps; a chunk's range on the incrementing column and {@code query.suffix} go on every statement.
 * Text and parameters only, so that each mode's SQL can be checked without a database.
 */
final class ReadQueries {

    /** A statement and its parameters, in order ({@link Instant}s are bound in the database's time zone). */
    record Query(String sql, List<Object> params) {
    }

    private final String from;
    private final Mode mode;
    private final String suffix;
    private final String timestampExpr;
    private final String incrementingColumn;
    /** A chunk's condition on the incrementing column ({@code >= from AND < to}); empty for a whole table. */
    private final String chunkPredicate;
    private final List<Object> chunkParams = new ArrayList<>(2);

    ReadQueries(TableReader.Source source, Mode mode, Dialect dialect, String querySuffix) {
        this.from = source.from();
        this.mode = mode;
        this.suffix = querySuffix == null || querySuffix.isBlank() ? null : querySuffix;
        this.timestampExpr = mode.usesTimestamp() ? timestampExpression(dialect, source.timestampColumns()) : null;
        this.incrementingColumn = mode.usesIncrementing() ? dialect.quote(source.incrementingColumn()) : null;
        StringJoiner chunkIds = new StringJoiner(" AND ");
        if (source.chunk() != null) {
            String key = dialect.quote(source.incrementingColumn());
            if (source.chunk().from() != null) {
                chunkIds.add(key + " >= ?");
                chunkParams.add(source.chunk().from());
            }
            if (source.chunk().to() != null) {
                chunkIds.add(key + " < ?");
                chunkParams.add(source.chunk().to());
            }
        }
        this.chunkPredicate = chunkIds.toString();
    }

    /** The rows after {@code position}, up to {@code upperBound} (exclusive) in the timestamp modes, in order. */
    Query main(Position position, Instant upperBound) {
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(from);
        List<Object> params = new ArrayList<>();
        switch (mode) {
            case BULK -> {
                if (!chunkPredicate.isEmpty()) {
                    sql.append(" WHERE ").append(chunkPredicate);
                    params.addAll(chunkParams);
                }
            }
            case INCREMENTING -> {
                sql.append(" WHERE ").append(incrementingColumn).append(" > ?");
                params.add(position.incrementing() == null ? Long.MIN_VALUE : position.incrementing());
                andChunk(sql, params);
                sql.append(" ORDER BY ").append(incrementingColumn).append(" ASC");
            }
            case TIMESTAMP, TIMESTAMP_INCREMENTING -> {
                sql.append(" WHERE ").append(timestampExpr).append(" < ?");
                params.add(upperBound);
                Instant after = position.timestamp();
                if (after != null && mode == Mode.TIMESTAMP_INCREMENTING && position.incrementing() != null) {
                    sql.append(" AND (").append(timestampExpr).append(" > ? OR (").append(timestampExpr)
                            .append(" = ? AND ").append(incrementingColumn).append(" > ?))");
                    params.add(after);
                    params.add(after);
                    params.add(position.incrementing());
                } else if (after != null) {
                    sql.append(" AND ").append(timestampExpr).append(" > ?");
                    params.add(after);
                }
                andChunk(sql, params);
                sql.append(" ORDER BY ").append(timestampExpr).append(" ASC");
                if (mode == Mode.TIMESTAMP_INCREMENTING) {
                    sql.append(", ").append(incrementingColumn).append(" ASC");
                }
            }
        }
        return new Query(withSuffix(sql), params);
    }

    /** The rows whose ids fall in {@code gaps} (incrementing mode), in id order. */
    Query gaps(List<Position.Gap> gaps) {
        StringJoiner ranges = new StringJoiner(" OR ", "(", ")");
        List<Object> params = new ArrayList<>();
        for (Position.Gap g : gaps) {
            ranges.add(incrementingColumn + " BETWEEN ? AND ?");
            params.add(g.from());
            params.add(g.to());
        }
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(from).append(" WHERE ").append(ranges);
        andChunk(sql, params);
        sql.append(" ORDER BY ").append(incrementingColumn).append(" ASC");
        return new Query(withSuffix(sql), params);
    }

    private void andChunk(StringBuilder sql, List<Object> params) {
        if (!chunkPredicate.isEmpty()) {
            sql.append(" AND ").append(chunkPredicate);
            params.addAll(chunkParams);
        }
    }

    private String withSuffix(StringBuilder sql) {
        return suffix == null ? sql.toString() : sql.append(' ').append(suffix).toString();
    }

    private static String timestampExpression(Dialect dialect, List<String> columns) {
        if (columns.size() == 1) {
            return dialect.quote(columns.get(0));
        }
        StringJoiner j = new StringJoiner(", ", "COALESCE(", ")");
        columns.forEach(c -> j.add(dialect.quote(c)));
        return j.toString();
    }
}
