package io.sluice.connect.s3.parquet;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet page compression without Hadoop: parquet-hadoop's own codec factory reaches for Hadoop's codec classes, so
 * the pages are compressed here with aircompressor (pure Java Snappy, Zstandard and LZ4, no native library to load
 * into each plugin class loader) and the JDK's gzip. Each codec writes the block format the Parquet specification
 * names for it, so any reader decodes the files.
 */
public final class Codecs implements CompressionCodecFactory {

    public static final Codecs INSTANCE = new Codecs();

    /**
     * One compressor per codec and thread, shared by every column of every file the thread writes: a compressor holds
     * a hash table (Snappy's alone is 32 KiB) and an output buffer, which per column and per open file would cost
     * hundreds of KiB a file. Pages are compressed one at a time on the writing thread, so sharing is safe.
     */
    private static final ThreadLocal<java.util.EnumMap<CompressionCodecName, BytesInputCompressor>> SHARED =
            ThreadLocal.withInitial(() -> new java.util.EnumMap<>(CompressionCodecName.class));

    private Codecs() {
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return SHARED.get().computeIfAbsent(codec, Codecs::newCompressor);
    }

    private static BytesInputCompressor newCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Block(codec, null);
            case SNAPPY -> new Block(codec, new SnappyCompressor());
            case ZSTD -> new Block(codec, new ZstdCompressor());
            case LZ4_RAW -> new Block(codec, new Lz4Compressor());
            case GZIP -> new Gzip();
            default -> throw new IllegalArgumentException("Parquet codec " + codec + " is not supported; use "
                    + "snappy, zstd, gzip, lz4_raw or none");
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Unblock(null);
            case SNAPPY -> new Unblock(new SnappyDecompressor());
            case ZSTD -> new Unblock(new ZstdDecompressor());
            case LZ4_RAW -> new Unblock(new Lz4Decompressor());
            case GZIP -> new Gunzip();
            default -> throw new IllegalArgumentException("Parquet codec " + codec + " is not supported");
        };
    }

    @Override
    public void release() {
    }

    /** A one-shot block codec; a page is compressed into a buffer this compressor reuses. */
    private static final class Block implements BytesInputCompressor {
        private final CompressionCodecName name;
        private final Compressor compressor;
        private byte[] out = new byte[0];

        Block(CompressionCodecName name, Compressor compressor) {
            this.name = name;
            this.compressor = compressor;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            if (compressor == null) {
                return bytes;
            }
            byte[] in = bytes.toByteArray();
            int max = compressor.maxCompressedLength(in.length);
            if (out.length < max) {
                out = new byte[max];
            }
            int n = compressor.compress(in, 0, in.length, out, 0, max);
            // Parquet copies the page before asking for the next one, so handing out the shared buffer is safe.
            return BytesInput.from(out, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return name;
        }

        @Override
        public void release() {
            // shared by the thread's other files
        }
    }

    private static final class Gzip implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(64, bytes.size() / 2));
            try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
                bytes.writeAllTo(gzip);
            }
            return BytesInput.from(out.toByteArray());
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {
        }
    }

    /** Decompressors work on byte arrays; the buffer form copies through them (only readers use it). */
    private abstract static class Decoder implements BytesInputDecompressor {
        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(BytesInput.from(in), uncompressedSize).toByteArray());
        }

        @Override
        public void release() {
        }
    }

    private static final class Unblock extends Decoder {
        private final Decompressor decompressor;

        Unblock(Decompressor decompressor) {
            this.decompressor = decompressor;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            if (decompressor == null) {
                return bytes;
            }
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[uncompressedSize];
            decompressor.decompress(in, 0, in.length, out, 0, uncompressedSize);
            return BytesInput.from(out);
        }

        @Override
        public void release() {
        }
    }

    private static final class Gunzip extends Decoder {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            try (InputStream in = new GZIPInputStream(bytes.toInputStream())) {
                return BytesInput.from(in.readNBytes(uncompressedSize));
            }
        }

        @Override
        public void release() {
        }
    }
}
