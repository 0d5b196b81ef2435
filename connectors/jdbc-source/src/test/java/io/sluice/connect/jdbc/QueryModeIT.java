package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Query mode wraps any SELECT (a CTE, WHERE, UNION, ORDER BY and a trailing semicolon here), on PostgreSQL and
 * MariaDB, and a changed query never silently inherits the old query's offset.
 */
class QueryModeIT {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anySelectIsWrappedNotAppendedTo(TestDatabase db) throws Exception {
        String a = TestDatabase.table("q_a");
        String b = TestDatabase.table("q_b");
        db.exec("CREATE TABLE " + a + " (id INT PRIMARY KEY, v TEXT NOT NULL)",
                "CREATE TABLE " + b + " (id INT PRIMARY KEY, v TEXT NOT NULL)",
                "INSERT INTO " + a + " VALUES (1, 'a1'), (2, 'skip'), (3, 'a3')",
                "INSERT INTO " + b + " VALUES (1, 'b1')");
        String query = "WITH kept AS (SELECT id, v FROM " + a + " WHERE v <> 'skip') "
                + "SELECT id, v FROM kept UNION ALL SELECT id + 100 AS id, v FROM " + b + " ORDER BY v DESC;";
        Map<String, String> p = db.props("incrementing");
        p.put(JdbcSourceConfig.QUERY, query);
        p.put(JdbcSourceConfig.INCREMENTING_COLUMN_NAME, "id");
        p.put(JdbcSourceConfig.TOPIC_PREFIX, "joined");
        try (TaskHarness h = new TaskHarness(p).start()) {
            h.pollUntilCount(3);
            assertThat(h.values("v")).containsExactly("a1", "a3", "b1");
            assertThat(h.delivered.get(0).topic()).isEqualTo("joined");
            assertThat(h.delivered.get(0).sourcePartition()).isEqualTo(Map.of("query", "query"));

            // A different query with the same stored offset: refused, with the way out.
            h.task().stop();
            p.put(JdbcSourceConfig.QUERY, "SELECT id, v FROM " + a);
            TaskHarness changed = new TaskHarness(p);
            changed.committed.putAll(h.committed);
            assertThatThrownBy(changed::start).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("different query").hasMessageContaining("query.change.behavior=restart");

            p.put(JdbcSourceConfig.QUERY_CHANGE_BEHAVIOR, "restart");
            TaskHarness restarted = new TaskHarness(p);
            restarted.committed.putAll(h.committed);
            try (TaskHarness r = restarted.start()) {
                r.pollUntilCount(3);
                assertThat(r.values("v")).containsExactly("a1", "skip", "a3");
            }
        }
    }
}
