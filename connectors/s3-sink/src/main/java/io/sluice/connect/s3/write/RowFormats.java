package io.sluice.connect.s3.write;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.DictionaryChoice;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/** Row formats per Connect schema (bounded cache, last one first), and the Kafka metadata columns of a row. */
final class RowFormats {

    private static final int CACHE_SIZE = 64;

    private final List<String> metadata;
    private final Map<Schema, OpenFile.RowFormat> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Schema, OpenFile.RowFormat> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    /** Confluent's enums as Avro enums (enhanced.avro.schema.support), else as strings. */
    private final boolean enums;
    private Schema lastSchema;
    private OpenFile.RowFormat lastFormat;

    RowFormats(List<String> metadata, boolean enums) {
        this.metadata = List.copyOf(metadata);
        this.enums = enums;
    }

    OpenFile.RowFormat of(Schema schema) {
        if (schema == lastSchema) {
            return lastFormat;
        }
        OpenFile.RowFormat format = cache.computeIfAbsent(schema, s -> {
            AvroSchemas.requireStruct(s);
            org.apache.avro.Schema row = AvroSchemas.withMetadata(AvroSchemas.toAvro(s, enums), metadata);
            return new OpenFile.RowFormat(row, AvroValues.compile(s, row), s.fields().size(), new RowCodec(row),
                    new DictionaryChoice());
        });
        lastSchema = schema;
        lastFormat = format;
        return format;
    }

    /** The row of a record: its value's fields, then the metadata columns. */
    GenericData.Record row(OpenFile.RowFormat format, Object value, SinkRecord record) {
        GenericData.Record row = value == null ? new GenericData.Record(format.avro())
                : (GenericData.Record) format.converter().convert(value);
        int i = format.valueFields();
        for (String m : metadata) {
            row.put(i++, switch (m) {
                case "topic" -> record.originalTopic(); // where the record was read: with the offset, a unique id
                case "partition" -> record.originalKafkaPartition();
                case "offset" -> record.kafkaOffset();
                case "timestamp" -> record.timestamp();
                case "key" -> text(record.key());
                default -> headers(record);
            });
        }
        return row;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        return value.toString();
    }

    private static Map<String, String> headers(SinkRecord record) {
        if (record.headers().isEmpty()) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        for (Header h : record.headers()) {
            Object v = h.value();
            out.put(h.key(), v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : text(v));
        }
        return out;
    }
}
