package io.sluice.connect.s3.write;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable state of one Kafka partition in the bucket, {@code <topics.dir>/<topic>/_sluice/<partition>.json}:
 * <ul>
 *   <li>{@code committed}: every offset below it is in a completed object (or was deliberately skipped);</li>
 *   <li>{@code files}: the objects at or after {@code committed}, each with its directory and offset range, written
 *       here before its upload is completed;</li>
 *   <li>{@code epoch}: bumped by each task that takes the partition, so the index's entity tag changes and a zombie's
 *       conditional write of it fails.</li>
 * </ul>
 * Recovery starts reading at {@code committed} and skips a record found in a listed, completed object: the same
 * directory (or, with wall-clock paths, any) and an offset inside the object's range. Within one directory the files
 * of a partition follow each other, so that test is exact whatever rotated them (count, time, memory, schedule).
 */
public record OffsetIndex(long epoch, long committed, List<Entry> files) {

    /** One object: its key, directory, first and last offset, and the upload that writes it. */
    public record Entry(String key, String path, long start, long end, String upload, String attempt) {
        boolean covers(String recordPath, long offset, boolean byPath) {
            return offset >= start && offset <= end && (!byPath || path.equals(recordPath));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static final OffsetIndex EMPTY = new OffsetIndex(0, -1, List.of());

    public OffsetIndex {
        files = List.copyOf(files);
    }

    static OffsetIndex parse(byte[] json) {
        try {
            return JSON.readValue(json, OffsetIndex.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable offset index", e);
        }
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry holding {@code offset} of a record in {@code path}, or {@code null}. */
    Entry find(String path, long offset, boolean byPath) {
        for (Entry e : files) {
            if (e.covers(path, offset, byPath)) {
                return e;
            }
        }
        return null;
    }

    /** This index with {@code added} files and a new committed offset; files wholly below it are dropped. */
    OffsetIndex with(long newEpoch, long newCommitted, List<Entry> added) {
        List<Entry> kept = new ArrayList<>(files.size() + added.size());
        java.util.Set<String> replaced = new java.util.HashSet<>();
        added.forEach(a -> replaced.add(a.key()));
        for (Entry e : files) {
            if (e.end >= newCommitted && !replaced.contains(e.key)) {
                kept.add(e);
            }
        }
        kept.addAll(added);
        return new OffsetIndex(newEpoch, Math.max(committed, newCommitted), kept);
    }
}
