package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.DictionaryChoice;
import io.sluice.connect.s3.parquet.ParquetFiles;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.junit.jupiter.api.Test;

/** Columns whose dictionary parquet-java drops are written plain from the next file on, to the same bytes. */
class DictionaryChoiceTest {

    private static final Schema VALUE = SchemaBuilder.struct().name("Order").field("id", Schema.INT64_SCHEMA)
            .field("email", Schema.STRING_SCHEMA).field("status", Schema.STRING_SCHEMA)
            .field("price", Schema.FLOAT64_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final org.apache.avro.Schema AVRO = AvroSchemas.toAvro(VALUE);
    private static final AvroValues.Converter CONVERTER = AvroValues.compile(VALUE, AVRO);
    private static final ParquetFiles.Settings SETTINGS =
            new ParquetFiles.Settings(CompressionCodecName.SNAPPY, 8 << 20, 64 * 1024, true);

    private record Written(byte[] bytes, ParquetMetadata footer) {
    }

    /**
     * Rows {@code from..from+count}: unique ids, prices and notes (every fifth one null), emails unique or one of
     * {@code emails}, three statuses.
     */
    private static Written write(long from, int count, int emails, Set<String> plain) throws Exception {
        ParquetObjects.Buffer out = new ParquetObjects.Buffer();
        ParquetWriter<GenericRecord> writer = ParquetFiles.writer(out, AVRO, SETTINGS, UnaryOperator.identity(),
                plain);
        try (writer) {
            for (long i = from; i < from + count; i++) {
                long email = emails == 0 ? i : i % emails;
                writer.write((GenericRecord) CONVERTER.convert(new Struct(VALUE).put("id", i)
                        .put("email", "customer" + email + "@example.com").put("status", List.of("open", "paid",
                                "shipped").get((int) (i % 3))).put("price", i / 7.0)
                        .put("note", i % 5 == 0 ? null : "note " + i)));
            }
        }
        return new Written(out.bytes.toByteArray(), writer.getFooter());
    }

    private static Written writeAndLearn(DictionaryChoice choice, long from, int count, int emails)
            throws Exception {
        Set<String> plain = choice.forNewFile();
        Written file = write(from, count, emails, plain);
        choice.learn(file.footer(), plain);
        return file;
    }

    @Test
    void columnsThatDroppedTheirDictionaryAreWrittenPlainNextTimeGivingTheSameBytes() throws Exception {
        DictionaryChoice choice = new DictionaryChoice();
        assertThat(choice.plainColumns()).isEmpty();
        // 20,000 rows: several pages per column, so some are dropped at the first page, not at the file's end
        writeAndLearn(choice, 0, 20_000, 0);
        assertThat(choice.plainColumns()).containsExactlyInAnyOrder("id", "email", "price", "note");

        Written learned = writeAndLearn(choice, 20_000, 20_000, 0);
        Written alone = write(20_000, 20_000, 0, Set.of()); // every column offered a dictionary, as parquet-java does
        assertThat(learned.bytes()).isEqualTo(alone.bytes());
        assertThat(ParquetObjects.rows(learned.bytes())).hasSize(20_000);
    }

    @Test
    void aColumnOfNullsOnlyIsNotJudged() throws Exception {
        DictionaryChoice choice = new DictionaryChoice();
        Set<String> plain = choice.forNewFile();
        ParquetObjects.Buffer out = new ParquetObjects.Buffer();
        ParquetWriter<GenericRecord> writer = ParquetFiles.writer(out, AVRO, SETTINGS, UnaryOperator.identity(),
                plain);
        try (writer) {
            for (long i = 0; i < 1_000; i++) {
                writer.write((GenericRecord) CONVERTER.convert(new Struct(VALUE).put("id", i)
                        .put("email", "customer" + i + "@example.com").put("status", "open").put("price", 1.0)));
            }
        }
        choice.learn(writer.getFooter(), plain);
        assertThat(choice.plainColumns()).containsExactlyInAnyOrder("id", "email");
    }

    @Test
    void aColumnNamedPlainGetsNoDictionaryEvenWhereOneWouldPay() throws Exception {
        assertThat(dictionaryColumns(write(0, 5_000, 0, Set.of()).footer())).containsExactly("status");
        assertThat(dictionaryColumns(write(0, 5_000, 0, Set.of("status")).footer())).isEmpty();
    }

    private static List<String> dictionaryColumns(ParquetMetadata footer) {
        return footer.getBlocks().get(0).getColumns().stream()
                .filter(c -> c.getEncodingStats().hasDictionaryEncodedPages())
                .map(c -> c.getPath().toDotString()).toList();
    }

    @Test
    void aPlainColumnWhoseValuesStartRepeatingGetsItsDictionaryBackAtTheNextProbe() throws Exception {
        DictionaryChoice choice = new DictionaryChoice();
        writeAndLearn(choice, 0, 5_000, 0);
        assertThat(choice.plainColumns()).contains("email");
        int files = 0;
        while (choice.plainColumns().contains("email") && files++ < DictionaryChoice.PROBE_EVERY) {
            writeAndLearn(choice, 5_000L * files, 5_000, 10); // ten emails from now on
        }
        assertThat(choice.plainColumns()).containsExactlyInAnyOrder("id", "price", "note");
        assertThat(files).isLessThanOrEqualTo(DictionaryChoice.PROBE_EVERY);
    }
}
