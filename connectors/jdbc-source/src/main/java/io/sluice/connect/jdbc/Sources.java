package io.sluice.connect.jdbc;

import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.source.ChunkRange;
import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.jdbc.source.TableReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** What a task reads, with Confluent's offset partitions and topic names. */
final class Sources {

    static final String QUERY_ALIAS = "sluice_src";

    private Sources() {
    }

    /** Table {@code t} as a whole. */
    static TableReader.Source table(JdbcSourceConfig config, Dialect dialect, TableId t) {
        return table(config, dialect, t, 0, null);
    }

    /** Chunk {@code chunk} of {@code table.chunks} of table {@code t}, the ids {@code range}; null: the whole table. */
    static TableReader.Source table(JdbcSourceConfig config, Dialect dialect, TableId t, int chunk, ChunkRange range) {
        String qualified = t.qualified();
        String offsetTable = dialect.offsetTable(t);
        Map<String, String> partition = range != null
                ? partition("protocol", "1", "table", offsetTable, "chunk", chunkName(config, chunk))
                : partition("protocol", "1", "table", offsetTable);
        return new TableReader.Source(range != null ? qualified + "#" + chunk : qualified, dialect.table(t), t.table(),
                config.getString(JdbcSourceConfig.TOPIC_PREFIX) + t.table(), partition,
                offsetTable.equals(qualified) ? null : qualified, config.timestampColumns(qualified),
                config.incrementingColumn(qualified), range);
    }

    /** The user's SELECT wrapped as a derived table, so its own WHERE/ORDER BY/UNION/CTE stay intact. */
    static TableReader.Source query(JdbcSourceConfig config) {
        return query(config, 0, null);
    }

    /** Chunk {@code chunk} of {@code table.chunks} of the query, the ids {@code range}; null: the whole query. */
    static TableReader.Source query(JdbcSourceConfig config, int chunk, ChunkRange range) {
        String topic = config.getString(JdbcSourceConfig.TOPIC_PREFIX);
        Map<String, String> partition = range != null ? partition("query", "query", "chunk", chunkName(config, chunk))
                : partition("query", "query");
        return new TableReader.Source(range != null ? "query#" + chunk : "query",
                "(" + userQuery(config) + ") " + QUERY_ALIAS, topic, topic, partition, null, config.timestampColumns(topic),
                config.incrementingColumn(topic), range);
    }

    private static String chunkName(JdbcSourceConfig config, int chunk) {
        return chunk + "/" + config.getInt(JdbcSourceConfig.TABLE_CHUNKS);
    }

    /**
     * The partitions of every chunk of {@code s}'s table (or query), in chunk order, under each name the chunks'
     * offsets may be stored under, best first: the current name, then the name earlier builds used
     * ({@link TableReader.Source#formerTable()}). Each list is empty when the table is not chunked.
     */
    static List<List<Map<String, String>>> chunkPartitionsByName(JdbcSourceConfig config, TableReader.Source s) {
        List<List<Map<String, String>>> out = new ArrayList<>(2);
        out.add(chunkPartitions(config, s.partition().get("table")));
        if (s.formerTable() != null) {
            out.add(chunkPartitions(config, s.formerTable()));
        }
        return out;
    }

    private static List<Map<String, String>> chunkPartitions(JdbcSourceConfig config, String table) {
        List<Map<String, String>> out = new ArrayList<>();
        int chunks = config.getInt(JdbcSourceConfig.TABLE_CHUNKS);
        if (chunks > 1) {
            for (int i = 0; i < chunks; i++) { // built like the sources' own, so they serialize the same
                out.add(table != null ? partition("protocol", "1", "table", table, "chunk", i + "/" + chunks)
                        : partition("query", "query", "chunk", i + "/" + chunks));
            }
        }
        return out;
    }

    /**
     * Where a source's offset may be when its own partition has none, best first: a chunk starts from its table's
     * (or query's) unchunked offset; a table from the name earlier Sluice builds stored it under, then from
     * Confluent's protocol-0 partition (the bare table name).
     */
    static List<Map<String, String>> fallbackPartitions(TableReader.Source s) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> unchunked = new HashMap<>(s.partition());
        if (unchunked.remove("chunk") != null) {
            out.add(Collections.unmodifiableMap(unchunked));
        }
        if (s.formerTable() != null) {
            out.add(partition("protocol", "1", "table", s.formerTable()));
        }
        if (s.partition().containsKey("table")) {
            out.add(partition("table", s.schemaName()));
        }
        return out;
    }

    /**
     * A partition map whose iteration order is the same in every JVM: workers find stored offsets by the bytes of
     * the serialized partition, so an order that changes between runs (as {@code Map.of}'s does) loses them. A
     * {@link HashMap} also orders the keys exactly as Confluent's connector did, so its offsets are found too.
     */
    private static Map<String, String> partition(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    static String userQuery(JdbcSourceConfig config) {
        return config.query().trim().replaceAll("[;\\s]+$", "");
    }

    /** Identifies the query an offset was written for; whitespace at the ends does not count. */
    static String queryHash(JdbcSourceConfig config) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(userQuery(config).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
