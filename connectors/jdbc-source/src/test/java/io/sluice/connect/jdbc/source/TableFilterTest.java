package io.sluice.connect.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Confluent's table selection, list by list, against the table {@code shop.public.orders}. */
class TableFilterTest {

    private static final TableId ORDERS = new TableId("shop", "public", "orders");

    private static List<String> list(String text) {
        return text == null ? List.of() : Arrays.asList(text.split(";", -1));
    }

    @ParameterizedTest(name = "whitelist={0} blacklist={1} include={2} exclude={3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // whitelist | blacklist | include regex | exclude regex | orders read?
            "NULL                | NULL          | NULL            | NULL          | true",
            "orders              | NULL          | NULL            | NULL          | true", // bare
            "public.orders       | NULL          | NULL            | NULL          | true", // schema-qualified
            "shop.orders         | NULL          | NULL            | NULL          | true", // catalog-qualified
            "shop.public.orders  | NULL          | NULL            | NULL          | true", // fully qualified
            "' orders '          | NULL          | NULL            | NULL          | true", // entries are trimmed
            "customers;orders    | NULL          | NULL            | NULL          | true",
            "customers           | NULL          | NULL            | NULL          | false",
            "Orders              | NULL          | NULL            | NULL          | false", // names are exact
            "other.orders        | NULL          | NULL            | NULL          | false",
            "NULL                | orders        | NULL            | NULL          | false",
            "NULL                | public.orders | NULL            | NULL          | false",
            "NULL                | customers     | NULL            | NULL          | true",
            "orders              | orders        | NULL            | NULL          | false", // blacklist wins
            "NULL                | NULL          | ord.*           | NULL          | true", // bare table name
            "NULL                | NULL          | public\\..*     | NULL          | true", // schema.table
            "NULL                | NULL          | shop\\.public\\..* | NULL       | true", // fully qualified
            "NULL                | NULL          | ord             | NULL          | false", // whole-name match
            "NULL                | NULL          | NULL            | .*ers         | false",
            "NULL                | NULL          | .*              | orders        | false", // exclude wins
            "NULL                | NULL          | NULL            | cust.*        | true",
            "''                  | ''            | ''              | ''            | true"}) // empty lists: everything
    void selection(String whitelist, String blacklist, String include, String exclude, boolean read) {
        TableFilter filter = new TableFilter(list(whitelist), list(blacklist), list(include), list(exclude));
        assertThat(filter.accepts(ORDERS)).isEqualTo(read);
    }
}
