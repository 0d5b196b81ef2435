package io.sluice.connect.s3.write;

import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
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
 * A task's spill area: rows of open files moved out of the heap, one run file per open file, each a sequence of
 * snappy-compressed chunks written sequentially. It is a buffer, not state: it lives in a directory of its own under
 * {@code spill.dir}, held by a file lock while the task runs and deleted when it stops; an area whose lock nobody
 * holds (its task died) is deleted by the next task that starts there. Used by the writing thread only.
 */
final class Spill implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Spill.class);
    /** Free disk left to everything else: the spill stops short of it. */
    static final long RESERVED_DISK = 64L * 1024 * 1024;
    private static final String LOCK = ".lock";

    private final Path dir;
    private final long maxBytes;
    private final FileChannel lockChannel;
    private final SnappyCompressor compressor = new SnappyCompressor();
    private final SnappyDecompressor decompressor = new SnappyDecompressor();
    private byte[] compressed = new byte[0];
    private long runs;
    /** Bytes on disk now; read by the metrics thread. */
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
        try {
            lock = FileChannel.open(root.resolve(name + LOCK), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
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
            throw new ConnectException("Cannot use spill.dir " + root + " (" + e + "): make it a writable local "
                    + "directory of the worker, or set spill.max.bytes=0 to commit files early instead of spilling", e);
        }
    }

    /** Deletes the areas under {@code root} whose lock nobody holds: their tasks are gone. */
    private static void sweep(Path root) throws IOException {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(root, "*" + LOCK)) {
            for (Path lockFile : locks) {
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
        return new Run(dir.resolve(Long.toString(runs++)));
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
        try {
            deleteTree(dir);
            Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + LOCK));
        } catch (IOException e) {
            log.warn("Could not delete spill area {}: {} (the next task to start there deletes it)", dir, e.toString());
        }
        closeQuietly(lockChannel);
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

    /** The spilled rows of one open file, in the order they were written. */
    final class Run {
        private final Path file;
        private long size;

        private Run(Path file) {
            this.file = file;
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
            if (compressed.length < max + 8) {
                compressed = new byte[max + 8];
            }
            int n = compressor.compress(data, 0, length, compressed, 8, max);
            if (n + 8 > room) {
                return false;
            }
            ByteBuffer chunk = ByteBuffer.wrap(compressed, 0, n + 8);
            chunk.putInt(0, length).putInt(4, n);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.position(size);
                try {
                    while (chunk.hasRemaining()) {
                        ch.write(chunk);
                    }
                } catch (IOException e) {
                    ch.truncate(size); // the chunk is not part of the run
                    throw e;
                }
            } catch (IOException e) {
                broken = "a write to " + file + " failed (" + e.getMessage() + ")";
                log.warn("Spilling rows to {} failed ({}): the task stops spilling and commits files early when "
                        + "over the memory budget; nothing is lost", file, e.toString());
                return false;
            }
            size += n + 8;
            room -= n + 8;
            bytes.addAndGet(n + 8);
            spilledTotal.addAndGet(n + 8);
            return true;
        }

        /** Hands each chunk, decompressed, to {@code chunk} in the order appended. */
        void forEach(ChunkConsumer chunk) {
            if (size == 0) {
                return;
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file),
                    1 << 16))) {
                long read = 0;
                byte[] raw = new byte[0];
                while (read < size) {
                    int length = in.readInt();
                    int n = in.readInt();
                    if (compressed.length < n) {
                        compressed = new byte[n];
                    }
                    in.readFully(compressed, 0, n);
                    if (raw.length < length) {
                        raw = new byte[length];
                    }
                    decompressor.decompress(compressed, 0, n, raw, 0, length);
                    chunk.accept(raw, length);
                    read += n + 8;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Removes the run's file; its bytes no longer count. */
        void delete() {
            if (size == 0) {
                return;
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("Could not delete spill run {}: {}", file, e.toString());
            }
            bytes.addAndGet(-size);
            size = 0;
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }

    @FunctionalInterface
    interface ChunkConsumer {
        void accept(byte[] data, int length);
    }
}
