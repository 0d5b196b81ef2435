package io.sluice.connect.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class StructValuesTest {

    @Test
    void reachesTheValuesOfThisKafkaVersionsStruct() {
        Schema schema = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct row = new Struct(schema);
        Object[] values = StructValues.of(row);
        assertThat(values).as("the fast path is taken, not the put() fallback").hasSize(2);
        values[0] = 7L;
        values[1] = "seven";
        assertThat(row.getInt64("id")).isEqualTo(7L);
        assertThat(row.get("name")).isEqualTo("seven");
        assertThat(row).isEqualTo(new Struct(schema).put("id", 7L).put("name", "seven"));
    }
}
