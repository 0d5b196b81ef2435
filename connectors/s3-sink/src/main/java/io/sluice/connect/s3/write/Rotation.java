package io.sluice.connect.s3.write;

import java.util.Arrays;

/**
 * When open files are committed: after {@code flush.size} records or {@code rotate.size.bytes} of data, before a
 * record {@code rotate.interval.ms} of record time past the file's first (or one with a schema the file cannot
 * take), {@code rotate.schedule.interval.ms} of wall-clock time after the file opened, and, across the task, the
 * largest files first while the open files exceed the memory budget. Zero turns a time or size rule off.
 */
record Rotation(int flushSize, long sizeBytes, long intervalMs, long scheduleMs) {

    /** Whether the open file must be committed before a record of {@code recordTime} goes in. */
    boolean before(boolean schemaChanged, long firstRecordTime, long recordTime) {
        return schemaChanged || intervalMs > 0 && recordTime - firstRecordTime >= intervalMs;
    }

    /** Whether the file is full after a write. */
    boolean after(long records, long dataSize) {
        return records >= flushSize || sizeBytes > 0 && dataSize >= sizeBytes;
    }

    /** Whether a file opened at {@code openedAt} is due by the wall-clock schedule. */
    boolean due(long openedAt, long now) {
        return scheduleMs > 0 && now - openedAt >= scheduleMs;
    }

    /**
     * The files to commit so that the open files fit in {@code budget}: indexes into {@code sizes}, largest first,
     * as few as it takes. {@code held} is memory the task holds outside open files (failed commits awaiting retry).
     */
    static int[] overBudget(long[] sizes, long held, long budget) {
        long used = held + Arrays.stream(sizes).sum();
        if (used <= budget) {
            return new int[0];
        }
        Integer[] order = new Integer[sizes.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Long.compare(sizes[b], sizes[a]));
        int n = 0;
        while (n < order.length && used > budget) {
            used -= sizes[order[n++]];
        }
        return Arrays.stream(order, 0, n).mapToInt(Integer::intValue).toArray();
    }
}
