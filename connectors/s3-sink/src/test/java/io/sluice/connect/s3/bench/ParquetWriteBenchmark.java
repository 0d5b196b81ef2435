package io.sluice.connect.s3.bench;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.avro.AvroValues;
import io.sluice.connect.s3.parquet.DictionaryChoice;
import io.sluice.connect.s3.parquet.ParquetFiles;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.PositionOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Rows per second through the S3 sink's write path, in memory, without Kafka or S3: the Parquet writer alone on rows
 * converted beforehand, and Connect structs converted and written (what the sink's write thread does per record).
 * The rows are those of the end-to-end S3 benchmark: 15 fields, about 300 bytes of payload; seven of the columns are
 * unique in the whole set, three more within a file of 1,000 rows. An invocation writes {@value #ROWS} rows into files
 * of {@code rowsPerFile} rows: small files are those of a backfill over many paths, large ones those of a steady
 * stream. With {@code -prof gc} or a profiler in {@code -Djmh.args}, the place to see where a row's time goes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParquetWriteBenchmark {

    private static final int ROWS = 100_000;
    private static final ParquetFiles.Settings SETTINGS =
            new ParquetFiles.Settings(CompressionCodecName.SNAPPY, 32 << 20, 1 << 20, true);

    /**
     * Whether files learn which columns to write plain from the files before, as the sink does
     * ({@link DictionaryChoice}); false: parquet-java offers every column a dictionary in every file.
     */
    @Param({"true", "false"})
    public boolean learnDictionaries;

    @Param({"1000", "100000"})
    public int rowsPerFile;

    private DictionaryChoice dictionaries;
    private org.apache.avro.Schema avro;
    private AvroValues.Converter converter;
    private final List<Struct> structs = new ArrayList<>();
    private final List<GenericRecord> rows = new ArrayList<>();

    @Setup
    public void setUp() {
        Schema schema = SchemaBuilder.struct().name("bench.Order")
                .field("id", Schema.INT64_SCHEMA).field("created", Timestamp.SCHEMA)
                .field("customer", Schema.STRING_SCHEMA).field("email", Schema.STRING_SCHEMA)
                .field("amount", Decimal.schema(2)).field("qty", Schema.INT32_SCHEMA)
                .field("status", Schema.STRING_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .field("flag", Schema.BOOLEAN_SCHEMA).field("updated", Timestamp.SCHEMA)
                .field("country", Schema.STRING_SCHEMA).field("city", Schema.STRING_SCHEMA)
                .field("sku", Schema.STRING_SCHEMA).field("price", Schema.FLOAT64_SCHEMA)
                .field("channel", Schema.STRING_SCHEMA).build();
        dictionaries = new DictionaryChoice();
        avro = AvroSchemas.toAvro(schema);
        converter = AvroValues.compile(schema, avro);
        long base = 1_767_225_600_000L;
        for (long i = 0; i < ROWS; i++) {
            Struct s = new Struct(schema).put("id", i).put("created", new java.util.Date(base + i))
                    .put("customer", "customer-" + i).put("email", "customer" + i + "@example.com")
                    .put("amount", BigDecimal.valueOf(i % 100_000, 2)).put("qty", (int) (i % 17))
                    .put("status", i % 3 == 0 ? "shipped" : "open").put("note", "note for order " + i
                            + " with some free text").put("flag", i % 2 == 0)
                    .put("updated", new java.util.Date(base + i + 1000)).put("country", i % 5 == 0 ? "FR" : "DE")
                    .put("city", "city-" + i % 997).put("sku", String.format("sku-%05d", i % 20_000))
                    .put("price", (i % 10_000) / 7.0).put("channel", i % 4 == 0 ? "web" : "store");
            structs.add(s);
            rows.add((GenericRecord) converter.convert(s));
        }
    }

    /** The Parquet writer alone, on rows converted beforehand. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long write() throws Exception {
        long bytes = 0;
        for (int file = 0; file < ROWS / rowsPerFile; file++) {
            bytes += writeFile(file, i -> rows.get(i));
        }
        return bytes;
    }

    /** What the sink does per record: Connect struct to Avro row, then the sink's writer. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long convertAndWrite() throws Exception {
        long bytes = 0;
        for (int file = 0; file < ROWS / rowsPerFile; file++) {
            bytes += writeFile(file, i -> (GenericRecord) converter.convert(structs.get(i)));
        }
        return bytes;
    }

    /** The {@code file}th file of an invocation. */
    private long writeFile(int file, IntFunction<GenericRecord> row) throws Exception {
        Discard out = new Discard();
        Set<String> plain = learnDictionaries ? dictionaries.forNewFile() : Set.of();
        ParquetWriter<GenericRecord> writer = ParquetFiles.writer(out, avro, SETTINGS, UnaryOperator.identity(), plain);
        try (writer) {
            for (int i = 0; i < rowsPerFile; i++) {
                writer.write(row.apply(file * rowsPerFile + i));
            }
        }
        dictionaries.learn(writer.getFooter(), plain);
        return out.pos;
    }

    /** Counts the bytes and drops them. */
    private static final class Discard extends PositionOutputStream {
        long pos;

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void write(int b) {
            pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pos += len;
        }
    }
}
