package io.sluice.connect.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.jdbc.source.TableId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each dialect writes for a table: in generated SQL (quoted or not) and in offset partitions. */
class DialectNamesTest {

    private static TableId id(String catalog, String schema, String table) {
        return new TableId(catalog, schema, table);
    }

    @ParameterizedTest(name = "{0} quote={1}: {2}.{3}.{4} -> {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', nullValues = "NULL", value = {
            // dialect | quote | catalog | schema | table | in SQL
            "postgresql | true  | shop | public | orders     | \"public\".\"orders\"", // catalog never in PostgreSQL SQL
            "postgresql | true  | NULL | NULL   | orders     | \"orders\"",
            "postgresql | true  | shop | public | we\"ird    | \"public\".\"we\"\"ird\"", // embedded quotes doubled
            "postgresql | false | shop | public | orders     | public.orders",
            "mariadb    | true  | shop | NULL   | orders     | `shop`.`orders`",
            "mariadb    | true  | shop | NULL   | a`b        | `shop`.`a``b`",
            "mariadb    | false | shop | NULL   | orders     | shop.orders",
            "generic    | true  | cat  | dbo    | orders     | \"cat\".\"dbo\".\"orders\"",
            "generic    | true  | ~~   | ~~     | orders     | \"orders\"", // empty parts are left out
            "generic    | true  | NULL | dbo    | my table   | \"dbo\".\"my table\""})
    void tablesInGeneratedSql(String dialect, boolean quote, String catalog, String schema, String table,
                              String sql) {
        assertThat(Dialect.of(dialect, "", quote).table(id(catalog, schema, table))).isEqualTo(sql);
    }

    @ParameterizedTest(name = "{0}: {1}.{2}.{3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // Confluent's forms, so that offsets carry over both ways
            "postgresql | shop | public | orders | public.orders",
            "mariadb    | shop | NULL   | orders | shop.orders",
            "generic    | cat  | dbo    | orders | cat.dbo.orders",
            "generic    | NULL | NULL   | orders | orders"})
    void tablesInOffsetPartitions(String dialect, String catalog, String schema, String table, String offset) {
        assertThat(Dialect.of(dialect, "", true).offsetTable(id(catalog, schema, table))).isEqualTo(offset);
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "''           | jdbc:postgresql://db/shop  | postgresql",
            "''           | jdbc:mariadb://db/shop     | mariadb",
            "''           | jdbc:mysql://db/shop       | mariadb",
            "''           | JDBC:MySQL://db/shop       | mariadb",
            "''           | jdbc:sqlserver://db        | generic",
            "postgresql   | jdbc:mariadb://db/shop     | postgresql", // dialect.name wins over the URL
            "' MariaDB '  | jdbc:postgresql://db/shop  | mariadb",
            "mysql        | jdbc:postgresql://db/shop  | mariadb"})
    void theDialectComesFromTheNameElseTheUrl(String name, String url, String dialect) {
        assertThat(Dialect.of(name, url, true).name()).isEqualTo(dialect);
    }
}
