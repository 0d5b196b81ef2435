package io.sluice.connect.s3.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class TablePartitionsTest {

    private static final Schema TABLE = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "created", Types.TimestampType.withZone()),
            Types.NestedField.optional(3, "region", Types.StringType.get()),
            Types.NestedField.optional(4, "_kafka_timestamp", Types.TimestampType.withZone()));
    private static final org.apache.kafka.connect.data.Schema VALUE = SchemaBuilder.struct()
            .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
            .field("created", Timestamp.builder().optional().build())
            .field("region", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final long AT = java.time.Instant.parse("2026-12-07T16:45:00Z").toEpochMilli();

    private static SinkRecord record(Object value, Long timestamp) {
        return new SinkRecord("t", 0, null, null, value instanceof Struct s ? s.schema() : null, value, 7, timestamp,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }

    @Test
    void termsBecomeIcebergTransformsAndCommasInsideArgumentsStay() {
        PartitionSpec spec = TablePartitions.spec(TABLE, List.of("hours(created)", "bucket(id, 8)", "region"));
        assertThat(spec.fields()).extracting(f -> f.transform().toString())
                .containsExactly("hour", "bucket[8]", "identity");
    }

    @Test
    void anUnknownColumnOrTransformOrAMissingWidthIsNamed() {
        assertThatThrownBy(() -> TablePartitions.spec(TABLE, List.of("day(updated)")))
                .hasMessageContaining("'updated'").hasMessageContaining("created");
        assertThatThrownBy(() -> TablePartitions.spec(TABLE, List.of("week(created)")))
                .hasMessageContaining("'week'");
        assertThatThrownBy(() -> TablePartitions.spec(TABLE, List.of("bucket(id)")))
                .hasMessageContaining("needs a width");
    }

    @Test
    void aRecordsPathIsItsTupleUnderTheTablesTransforms() {
        TablePartitions p = new TablePartitions(TablePartitions.spec(TABLE, List.of("hour(created)", "region")));
        Struct v = new Struct(VALUE).put("id", 1L).put("created", new java.util.Date(AT)).put("region", "eu");
        String path = p.path(record(v, null));
        assertThat(path).isEqualTo("created_hour=2026-12-07-16/region=eu");
        assertThat(p.partition(path).get(0, Integer.class)).isEqualTo((int) (AT / 3_600_000L));
        Struct nulls = new Struct(VALUE).put("id", 2L);
        assertThat(p.path(record(nulls, null))).isEqualTo("created_hour=null/region=null");
    }

    @Test
    void theKafkaTimestampAndSchemalessMapsArePartitionSources() {
        TablePartitions byRecordTime = new TablePartitions(TablePartitions.spec(TABLE, List.of("day(_kafka_timestamp)")));
        assertThat(byRecordTime.path(record(Map.of("id", 1L), AT))).isEqualTo("_kafka_timestamp_day=2026-12-07");
        TablePartitions byRegion = new TablePartitions(TablePartitions.spec(TABLE, List.of("region")));
        assertThat(byRegion.path(record(Map.of("region", "us"), AT))).isEqualTo("region=us");
    }

    @Test
    void aStructWithoutThePartitionFieldIsABadRecord() {
        TablePartitions p = new TablePartitions(TablePartitions.spec(TABLE, List.of("region")));
        Struct v = new Struct(SchemaBuilder.struct().field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .build()).put("id", 1L);
        assertThatThrownBy(() -> p.path(record(v, AT))).isInstanceOf(DataException.class)
                .hasMessageContaining("'region'");
    }
}
