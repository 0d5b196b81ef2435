package io.sluice.connect.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class MariaDbDialectTest {

    @Test
    void tinyInt1IsABooleanOnlyForZeroAndOne() {
        assertThat(MariaDbDialect.tinyInt1(0, "flag")).isFalse();
        assertThat(MariaDbDialect.tinyInt1(1, "flag")).isTrue();
        for (int v : new int[] {2, -1, 127}) {
            assertThatThrownBy(() -> MariaDbDialect.tinyInt1(v, "flag")).isInstanceOf(DataException.class)
                    .hasMessageContaining("Column 'flag'").hasMessageContaining("holds " + v)
                    .hasMessageContaining("tinyInt1isBit=false");
        }
    }
}
