package io.sluice.connect.s3.parquet;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Which columns of one file schema are written without a dictionary, learned from the files already written.
 *
 * <p>parquet-java builds a dictionary for every column and, when a column chunk's first page is written, keeps it only
 * if it made that page smaller; otherwise it replays the page's values into a plain encoder and the file has no
 * dictionary for that column. A column of (nearly) unique values, such as ids, timestamps or emails, pays for a
 * hash-table entry per value and the replay, in every file, to end up plain. Once a file shows that a column dropped
 * its dictionary in every row group, the next files of the schema write it plain from the start: the same encoding
 * the fallback gives, without the detour. Every {@value #PROBE_EVERY}th file tries every column again, so a column
 * whose values start repeating gets its dictionary back.
 */
public final class DictionaryChoice {

    public static final int PROBE_EVERY = 16;

    /** Dotted column paths written plain; files may be opened and sealed on different threads. */
    private final Set<String> plain = ConcurrentHashMap.newKeySet();
    private final AtomicLong files = new AtomicLong();

    /** The columns a file being opened writes plain: none for a probe. */
    public Set<String> forNewFile() {
        if (plain.isEmpty() || files.getAndIncrement() % PROBE_EVERY == PROBE_EVERY - 1) {
            return Set.of();
        }
        return Set.copyOf(plain);
    }

    /** The columns written plain as of now. */
    public Set<String> plainColumns() {
        return Set.copyOf(plain);
    }

    /**
     * Learns from a file's footer, written with {@code writtenPlain} as {@link #forNewFile()} gave them: a column that
     * was offered a dictionary and had values shows whether it kept it. A plain column, or one of nulls only, says
     * nothing about what its dictionary would do.
     */
    public void learn(ParquetMetadata footer, Set<String> writtenPlain) {
        Set<String> kept = new HashSet<>();
        Set<String> dropped = new HashSet<>();
        for (BlockMetaData block : footer.getBlocks()) {
            for (ColumnChunkMetaData column : block.getColumns()) {
                String path = column.getPath().toDotString();
                if (!writtenPlain.contains(path) && hasValues(column)) {
                    EncodingStats encodings = column.getEncodingStats();
                    (encodings != null && encodings.hasDictionaryEncodedPages() ? kept : dropped).add(path);
                }
            }
        }
        dropped.removeAll(kept);
        plain.removeAll(kept);
        plain.addAll(dropped);
    }

    private static boolean hasValues(ColumnChunkMetaData column) {
        Statistics<?> stats = column.getStatistics();
        return stats == null || !stats.isNumNullsSet() || stats.getNumNulls() < column.getValueCount();
    }
}
