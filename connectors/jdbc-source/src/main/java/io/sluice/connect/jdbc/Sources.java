package io.sluice.connect.jdbc;

import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.jdbc.source.TableReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** What a task reads, with Confluent's offset partitions and topic names. */
final class Sources {

    static final String QUERY_ALIAS = "sluice_src";

    private Sources() {
    }

    static TableReader.Source table(JdbcSourceConfig config, Dialect dialect, TableId t) {
        String qualified = t.qualified();
        return new TableReader.Source(qualified, dialect.table(t), t.table(),
                config.getString(JdbcSourceConfig.TOPIC_PREFIX) + t.table(),
                partition("protocol", "1", "table", qualified), config.timestampColumns(qualified),
                config.incrementingColumn(qualified));
    }

    /** The user's SELECT wrapped as a derived table, so its own WHERE/ORDER BY/UNION/CTE stay intact. */
    static TableReader.Source query(JdbcSourceConfig config) {
        String topic = config.getString(JdbcSourceConfig.TOPIC_PREFIX);
        return new TableReader.Source("query", "(" + userQuery(config) + ") " + QUERY_ALIAS, topic, topic,
                partition("query", "query"), config.timestampColumns(topic), config.incrementingColumn(topic));
    }

    /** The partition Confluent's protocol 0 used: the bare table name. */
    static Map<String, String> legacyPartition(TableReader.Source s) {
        return s.partition().containsKey("table") ? partition("table", s.schemaName()) : s.partition();
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
        return config.getString(JdbcSourceConfig.QUERY).trim().replaceAll("[;\\s]+$", "");
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
