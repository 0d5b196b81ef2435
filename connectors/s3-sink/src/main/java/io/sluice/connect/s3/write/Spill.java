package io.sluice.connect.s3.write;

import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's spill area: rows of open files moved out of the heap as snappy-compressed chunks, appended one after the
 * other to segment files (sequential writes, no file per open file). A segment is deleted once no open file holds a
 * chunk in it; the current one is emptied and reused. It is a buffer, not state: it lives in a directory of its own
 * under {@code spill.dir}, held by a file lock while the task runs and deleted when it stops; an area whose lock
 * nobody holds (its task died) is deleted by the next task that starts there. Used by the writing thread only.
 */
final class Spill implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Spill.class);
    /** Free disk left to everything else: the spill stops short of it. */
    static final long RESERVED_DISK = 64L * 1024 * 1024;
    private static final String LOCK = ".lock";
    /**
     * Lock files held by tasks of this JVM. A sweep never opens them: closing any channel on a file drops every lock
     * the process holds on it, which would leave a live area to the next sweep of another worker.
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final long maxBytes;
    private final FileChannel lockChannel;
    private final SnappyCompressor compressor = new SnappyCompressor();
    private final SnappyDecompressor decompressor = new SnappyDecompressor();
    private byte[] compressed = new byte[0];
    private int segments;
    private Segment current;
    /** Segments with an open channel: closed when the task stops. */
    private final java.util.Set<Segment> openSegments = new java.util.HashSet<>();
    /** Bytes of the segments on disk now, freed chunks included until their segment goes; read by the metrics thread. */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong spilledTotal = new AtomicLong();
    /** Room left this round: the limit, and the disk's free space as last looked at. */
    private long room;
    /** Set when a write failed: the task then commits early instead, as when the spill is full. */
    private String broken;

    private Spill(Path dir, long maxBytes, FileChannel lockChannel) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.lockChannel = lockChannel;
    }

    /** No spill area ({@code spill.max.bytes=0}): every append is refused. */
    static Spill off() {
        return new Spill(null, 0, null);
    }

    /**
     * Why {@code root} cannot hold spill areas, naming {@code spill.dir} and the way out; null if it can. Creates the
     * directory if need be and writes a probe file into it.
     */
    static String problem(Path root, long maxBytes) {
        if (maxBytes <= 0) {
            return null;
        }
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, "probe", ".tmp");
            Files.delete(probe);
            long usable = Files.getFileStore(root).getUsableSpace();
            if (usable < 2 * RESERVED_DISK) {
                return "spill.dir " + root + " has only " + usable / (1024 * 1024) + " MiB free: free space there, "
                        + "point spill.dir at a larger volume, or set spill.max.bytes=0 to commit files early "
                        + "instead of spilling";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "Cannot use spill.dir " + root + " (" + e + "): make it a writable local directory of the worker, "
                    + "or set spill.max.bytes=0 to commit files early instead of spilling";
        }
    }

    /**
     * Creates this task's area under {@code root} (named after {@code owner}) and removes areas of tasks that died.
     * Fails, naming {@code spill.dir}, if the directory cannot be written or its disk is (nearly) full.
     */
    static Spill open(Path root, String owner, long maxBytes) {
        if (maxBytes <= 0) {
            return off();
        }
        String problem = problem(root, maxBytes);
        if (problem != null) {
            throw new ConnectException(problem);
        }
        String name = owner.replaceAll("[^A-Za-z0-9._-]", "_");
        name = name.substring(0, Math.min(name.length(), 100)) + "-" + UUID.randomUUID();
        Path dir = root.resolve(name);
        FileChannel lock = null;
        Path lockFile = held(root.resolve(name + LOCK));
        HELD.add(lockFile);
        try {
            lock = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            lock.lock();
            Files.createDirectory(dir);
            sweep(root);
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable - RESERVED_DISK < maxBytes) {
                log.warn("spill.max.bytes is {} but spill.dir {} has {} MiB free: the spill stops when the disk "
                        + "keeps {} MiB free, then files are committed early", maxBytes, root,
                        usable / (1024 * 1024), RESERVED_DISK / (1024 * 1024));
            }
            return new Spill(dir, maxBytes, lock);
        } catch (IOException e) {
            closeQuietly(lock);
            HELD.remove(lockFile);
            throw new ConnectException("Cannot use spill.dir " + root + " (" + e + "): make it a writable local "
                    + "directory of the worker, or set spill.max.bytes=0 to commit files early instead of spilling", e);
        }
    }

    /** Deletes the areas under {@code root} whose lock nobody holds: their tasks are gone. */
    private static void sweep(Path root) throws IOException {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(root, "*" + LOCK)) {
            for (Path lockFile : locks) {
                if (HELD.contains(held(lockFile))) {
                    continue; // a live task of this worker
                }
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock held = ch.tryLock();
                    if (held == null) {
                        continue; // another process's live task
                    }
                    String area = lockFile.getFileName().toString();
                    deleteTree(root.resolve(area.substring(0, area.length() - LOCK.length())));
                    Files.deleteIfExists(lockFile);
                    held.release();
                } catch (OverlappingFileLockException e) {
                    // a live task of this worker
                } catch (IOException e) {
                    log.debug("Could not check spill area {}: {}", lockFile, e.toString());
                }
            }
        }
    }

    private static Path held(Path lockFile) {
        return lockFile.toAbsolutePath().normalize();
    }

    /** Whether appends can succeed at all. */
    boolean enabled() {
        return dir != null && broken == null;
    }

    /** Starts a round of appends: looks at the disk's free space once, not per chunk. */
    void beginRound() {
        if (!enabled()) {
            room = 0;
            return;
        }
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace() - RESERVED_DISK;
        } catch (IOException e) {
            free = 0;
        }
        room = Math.max(0, Math.min(maxBytes - bytes.get(), free));
    }

    /** Why the spill takes nothing more, for the early-commit warning; null while it does. */
    String fullReason() {
        if (dir == null) {
            return "spill.max.bytes=0";
        }
        if (broken != null) {
            return broken;
        }
        return bytes.get() + " bytes spilled of spill.max.bytes=" + maxBytes + ", or less than "
                + RESERVED_DISK / (1024 * 1024) + " MiB free on the disk of " + dir;
    }

    Run run() {
        return new Run();
    }

    /** The segment to append {@code length} bytes to: the current one, or a new one once it is full. */
    private Segment segmentFor(int length) throws IOException {
        if (current == null || current.size > 0 && current.size + length > SEGMENT_BYTES) {
            if (current != null && current.live == 0) {
                current.delete();
            }
            current = new Segment(dir.resolve("segment-" + segments++));
        }
        return current;
    }

    long bytes() {
        return bytes.get();
    }

    long spilledTotal() {
        return spilledTotal.get();
    }

    @Override
    public void close() {
        if (dir == null) {
            return;
        }
        for (Segment segment : java.util.List.copyOf(openSegments)) {
            segment.closeChannel();
        }
        Path lockFile = held(dir.resolveSibling(dir.getFileName() + LOCK));
        try {
            deleteTree(dir);
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            log.warn("Could not delete spill area {}: {} (the next task to start there deletes it)", dir, e.toString());
        }
        closeQuietly(lockChannel);
        HELD.remove(lockFile);
        bytes.set(0);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held beyond the process
            }
        }
    }

    /** Segments rotate at this size, so space freed by committed files goes back to the disk. */
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;

    /** One segment file: its size, and how many of its bytes are chunks an open file still holds. */
    private final class Segment {
        private final Path file;
        private final FileChannel channel;
        private long size;
        private long live;

        Segment(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            openSegments.add(this);
        }

        /** A chunk of {@code length} bytes is no longer needed: the segment goes (or, if current, empties) at zero. */
        void release(long length) {
            live -= length;
            if (live > 0) {
                return;
            }
            if (this != current) {
                delete();
                return;
            }
            try {
                channel.truncate(0);
                bytes.addAndGet(-size);
                size = 0;
            } catch (IOException e) {
                log.debug("Could not empty spill segment {}: {}", file, e.toString());
            }
        }

        void delete() {
            closeChannel();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("Could not delete spill segment {}: {}", file, e.toString());
            }
            bytes.addAndGet(-size);
            size = 0;
        }

        void closeChannel() {
            closeQuietly(channel);
            openSegments.remove(this);
        }
    }

    /** Where one chunk is: its segment, offset and compressed length, and its length once decompressed. */
    private record Chunk(Segment segment, long offset, int length, int rawLength) {
    }

    /** The spilled rows of one open file, in the order they were written. */
    final class Run {
        private final java.util.List<Chunk> chunks = new java.util.ArrayList<>();

        private Run() {
        }

        /**
         * Appends {@code length} bytes of {@code data} as one compressed chunk. False, with nothing written, when the
         * spill is full or the write fails (the caller keeps the rows in memory).
         */
        boolean append(byte[] data, int length) {
            if (!enabled()) {
                return false;
            }
            int max = compressor.maxCompressedLength(length);
            if (compressed.length < max) {
                compressed = new byte[max];
            }
            int n = compressor.compress(data, 0, length, compressed, 0, max);
            if (n > room) {
                return false;
            }
            Segment segment = null;
            try {
                segment = segmentFor(n);
                ByteBuffer chunk = ByteBuffer.wrap(compressed, 0, n);
                long at = segment.size;
                while (chunk.hasRemaining()) {
                    at += segment.channel.write(chunk, at);
                }
            } catch (IOException e) {
                if (segment != null) {
                    try {
                        segment.channel.truncate(segment.size); // the chunk is not part of the segment
                    } catch (IOException ignored) {
                        // the size below is what counts
                    }
                }
                broken = "a write to " + (segment == null ? dir : segment.file) + " failed (" + e.getMessage() + ")";
                log.warn("Spilling rows to {} failed ({}): the task stops spilling and commits files early when "
                        + "over the memory budget; nothing is lost", dir, e.toString());
                return false;
            }
            chunks.add(new Chunk(segment, segment.size, n, length));
            segment.size += n;
            segment.live += n;
            room -= n;
            bytes.addAndGet(n);
            spilledTotal.addAndGet(n);
            return true;
        }

        /** Chunks held: each costs a few dozen bytes of heap, which the memory budget counts. */
        int chunks() {
            return chunks.size();
        }

        /** Hands each chunk, decompressed, to {@code chunk} in the order appended. */
        void forEach(ChunkConsumer chunk) {
            byte[] raw = new byte[0];
            for (Chunk c : chunks) {
                if (compressed.length < c.length()) {
                    compressed = new byte[c.length()];
                }
                ByteBuffer in = ByteBuffer.wrap(compressed, 0, c.length());
                try {
                    long at = c.offset();
                    while (in.hasRemaining()) {
                        int read = c.segment().channel.read(in, at);
                        if (read < 0) {
                            throw new java.io.EOFException(c.segment().file + " ends before its chunk at " + c.offset());
                        }
                        at += read;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (raw.length < c.rawLength()) {
                    raw = new byte[c.rawLength()];
                }
                decompressor.decompress(compressed, 0, c.length(), raw, 0, c.rawLength());
                chunk.accept(raw, c.rawLength());
            }
        }

        /** Gives the run's chunks up; their segments go once nothing else holds them. */
        void delete() {
            for (Chunk c : chunks) {
                c.segment().release(c.length());
            }
            chunks.clear();
        }

        @Override
        public String toString() {
            return chunks.isEmpty() ? "(empty run)" : chunks.size() + " chunks in " + dir;
        }
    }

    @FunctionalInterface
    interface ChunkConsumer {
        void accept(byte[] data, int length);
    }
}
