package io.sluice.connect.s3;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;

/** Order records of topic {@code orders} with nested structs, arrays of structs, a map and logical types. */
final class Orders {

    static final long HOUR = 3_600_000L;
    static final long BASE = 1_795_000_000_000L - 1_795_000_000_000L % HOUR;
    static final Schema ADDRESS = SchemaBuilder.struct().name("Address")
            .field("city", Schema.STRING_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct().name("shop.Order").version(1)
            .field("id", Schema.INT64_SCHEMA)
            .field("amount", Decimal.builder(2).parameter("connect.decimal.precision", "12").build())
            .field("created", Timestamp.SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("ship", ADDRESS)
            .field("bill", SchemaBuilder.struct().name("Address").field("city", Schema.STRING_SCHEMA)
                    .field("zip", Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("lines", SchemaBuilder.array(SchemaBuilder.struct().field("sku", Schema.STRING_SCHEMA)
                    .field("qty", Schema.INT32_SCHEMA).build()).build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
            .build();

    /** Order {@code offset}: its hour cycles through three, so three files of a partition are open at once. */
    static SinkRecord record(int partition, long offset) {
        return record(partition, offset, 3);
    }

    /** Order {@code offset} in hour {@code offset % hours}: that many files of a partition are open at once. */
    static SinkRecord record(int partition, long offset, int hours) {
        Struct value = new Struct(VALUE)
                .put("id", partition * 1_000_000L + offset)
                .put("amount", new BigDecimal(offset).movePointLeft(2))
                .put("created", new java.util.Date(BASE + (offset % hours) * HOUR + offset))
                .put("tags", List.of("t" + offset % 5))
                .put("ship", new Struct(ADDRESS).put("city", "c" + offset % 7))
                .put("bill", null)
                .put("lines", List.of(new Struct(VALUE.field("lines").schema().valueSchema()).put("sku", "s" + offset)
                        .put("qty", (int) offset % 4)))
                .put("attrs", Map.of("k", (int) offset));
        return new SinkRecord("orders", partition, null, null, VALUE, value, offset);
    }

    static List<SinkRecord> records(int partition, long from, long to) {
        return records(partition, from, to, 3);
    }

    /** A backfill's records: offsets {@code from..to-1} spread over {@code hours} hourly directories. */
    static List<SinkRecord> records(int partition, long from, long to, int hours) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(record(partition, o, hours));
        }
        return out;
    }

    /** The sink settings the tests share: hourly directories from {@code created}, offsets as columns. */
    static java.util.Map<String, String> hourlyProps(java.util.Map<String, String> s3Props, int flushSize) {
        java.util.Map<String, String> props = new java.util.HashMap<>(s3Props);
        props.put("partitioner.class", "io.confluent.connect.storage.partitioner.HourlyPartitioner");
        props.put("timestamp.extractor", "RecordField");
        props.put("timestamp.field", "created");
        props.put("flush.size", Integer.toString(flushSize));
        props.put("kafka.metadata.fields", "partition,offset");
        return props;
    }

    private Orders() {
    }
}
