package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.source.ChunkRange;
import io.sluice.connect.jdbc.source.Position;
import io.sluice.connect.jdbc.source.TableId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** Offsets a worker can find again, and Confluent's offsets read as ours. */
class OffsetsTest {

    private static final JdbcSourceConfig CONFIG = new JdbcSourceConfig(Map.of(
            JdbcSourceConfig.CONNECTION_URL, "jdbc:postgresql://db/shop", JdbcSourceConfig.MODE, "incrementing",
            JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id", JdbcSourceConfig.TOPIC_PREFIX, "shop-"));

    private static String json(Map<String, ?> partition) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), true);
        return new String(c.fromConnectData("", null, partition));
    }

    @Test
    void partitionsSerializeInOneOrderInEveryJvmTheSameAsConfluents() {
        var source = Sources.table(CONFIG, Dialect.of("", CONFIG.url(), true), new TableId("shop", "public", "orders"));
        // Workers look offsets up by these bytes: the order must not depend on the JVM (Map.of's does). Confluent's
        // connector names a PostgreSQL table schema.table, without the database.
        assertThat(json(source.partition())).isEqualTo("{\"protocol\":\"1\",\"table\":\"public.orders\"}");
        assertThat(source.topic()).isEqualTo("shop-orders");
        // Where no offset is stored under that name: Sluice's earlier name (with the database), then protocol 0.
        assertThat(Sources.fallbackPartitions(source)).extracting(OffsetsTest::json).containsExactly(
                "{\"protocol\":\"1\",\"table\":\"shop.public.orders\"}", "{\"table\":\"orders\"}");
    }

    @Test
    void mariaDbTablesAreNamedDatabaseDotTableAsConfluentNamesThem() {
        Dialect mariadb = Dialect.of("", "jdbc:mariadb://db/shop", true);
        var source = Sources.table(CONFIG, mariadb, new TableId("shop", null, "orders"));
        assertThat(json(source.partition())).isEqualTo("{\"protocol\":\"1\",\"table\":\"shop.orders\"}");
        assertThat(source.formerTable()).isNull();
        assertThat(Sources.fallbackPartitions(source)).extracting(OffsetsTest::json)
                .containsExactly("{\"table\":\"orders\"}");
    }

    @Test
    void chunksLookUnderTheCurrentNameFirstThenTheEarlierOne() {
        Map<String, String> props = new HashMap<>(CONFIG.originalsStrings());
        props.put(JdbcSourceConfig.TABLE_CHUNKS, "2");
        JdbcSourceConfig chunked = new JdbcSourceConfig(props);
        var chunk = Sources.table(chunked, Dialect.of("", CONFIG.url(), true), new TableId("shop", "public", "orders"),
                1, new ChunkRange(100L, null));
        assertThat(json(chunk.partition()))
                .isEqualTo("{\"protocol\":\"1\",\"chunk\":\"1/2\",\"table\":\"public.orders\"}");
        assertThat(Sources.chunkPartitionsByName(chunked, chunk)).hasSize(2);
        assertThat(Sources.chunkPartitionsByName(chunked, chunk).get(0)).extracting(OffsetsTest::json).containsExactly(
                "{\"protocol\":\"1\",\"chunk\":\"0/2\",\"table\":\"public.orders\"}",
                "{\"protocol\":\"1\",\"chunk\":\"1/2\",\"table\":\"public.orders\"}");
        assertThat(Sources.chunkPartitionsByName(chunked, chunk).get(1)).extracting(OffsetsTest::json).containsExactly(
                "{\"protocol\":\"1\",\"chunk\":\"0/2\",\"table\":\"shop.public.orders\"}",
                "{\"protocol\":\"1\",\"chunk\":\"1/2\",\"table\":\"shop.public.orders\"}");
        assertThat(Sources.fallbackPartitions(chunk)).extracting(OffsetsTest::json).containsExactly(
                "{\"protocol\":\"1\",\"table\":\"public.orders\"}",
                "{\"protocol\":\"1\",\"table\":\"shop.public.orders\"}", "{\"table\":\"orders\"}");
    }

    @Test
    void confluentOffsetsReadAsOurs() {
        Instant ts = Instant.parse("2026-03-01T10:15:30.123456789Z");
        Map<String, Object> confluent = Map.of("timestamp", ts.toEpochMilli(), "timestamp_nanos", 123456789,
                "incrementing", 42L);
        Position p = Position.fromMap(confluent);
        assertThat(p.timestamp()).isEqualTo(ts);
        assertThat(p.incrementing()).isEqualTo(42L);
        assertThat(p.gaps()).isEmpty();
        assertThat(p.toMap()).containsEntry("timestamp", ts.toEpochMilli()).containsEntry("timestamp_nanos", 123456789L)
                .containsEntry("incrementing", 42L);
    }

    @Test
    void gapsAndQueryHashSurviveTheRoundTrip() {
        Position p = new Position(null, 10L, List.of(new Position.Gap(3, 4, 1_000L), new Position.Gap(7, 7, 2_000L)),
                "abc", 1_793_512_800L);
        assertThat(Position.fromMap(p.toMap())).isEqualTo(p);
        Instant before1970 = Instant.parse("1969-12-31T23:59:59.250Z");
        assertThat(Position.fromMap(Position.start(before1970, null, null).toMap()).timestamp()).isEqualTo(before1970);
    }
}
