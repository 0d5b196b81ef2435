package io.sluice.connect.s3.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.s3.parquet.ParquetFiles;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class OpenFileTest {

    private static final Schema VALUE = SchemaBuilder.struct().name("Row").field("id", Schema.INT64_SCHEMA)
            .field("text", Schema.STRING_SCHEMA).build();

    @Test
    void aRowTheBufferCannotTakeLeavesItAsItWas() throws Exception {
        OpenFile.RowFormat format = new RowFormats(List.of(), false).of(VALUE);
        OpenFile file = new OpenFile(null, "p", "k", "a", 0, VALUE, format, 0, 0,
                new ParquetFiles.Settings(CompressionCodecName.SNAPPY, 1 << 20, 8192, true), 5 << 20, false, null,
                java.util.function.UnaryOperator.identity());
        GenericData.Record good = new GenericData.Record(format.avro());
        good.put(0, 1L);
        good.put(1, "first");
        file.write(good, 0);
        long size = file.dataSize();

        GenericData.Record bad = new GenericData.Record(format.avro());
        bad.put(0, 2L); // encoded before the bad field fails
        bad.put(1, 42);
        assertThatThrownBy(() -> file.write(bad, 1)).isInstanceOf(ClassCastException.class);
        assertThat(file.dataSize()).as("the half-encoded row is gone").isEqualTo(size);
        assertThat(file.records).isEqualTo(1);

        good.put(1, "third");
        file.write(good, 2);
        assertThat(file.dataSize()).as("the next row follows the first directly").isEqualTo(2 * size);
    }
}
