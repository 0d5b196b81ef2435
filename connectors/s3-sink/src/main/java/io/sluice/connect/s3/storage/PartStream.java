package io.sluice.connect.s3.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.PositionOutputStream;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An object written as a multipart upload, a part at a time: bytes are buffered until a part is full, then sent in
 * the background while the next part fills, so the writing thread does not wait for S3 and an open file holds at most
 * two parts in memory. Nothing is visible in the bucket until the upload is completed ({@link #finish} then
 * {@link S3Storage#complete}); an abandoned upload leaves no object.
 */
public final class PartStream extends PositionOutputStream {

    private final S3Storage storage;
    private final String key;
    private final Map<String, String> metadata;
    private final int partSize;
    private final List<CompletedPart> parts = new ArrayList<>();
    /** The part being sent in the background, kept until it is acknowledged so a failure can send it again. */
    private Part inFlight;
    private byte[] buffer = new byte[8192];
    private int buffered;
    private long uploaded;
    private String uploadId;
    private RuntimeException failure;
    private boolean completed;

    public PartStream(S3Storage storage, String key, Map<String, String> metadata, int partSize) {
        this.storage = storage;
        this.key = key;
        this.metadata = metadata;
        this.partSize = partSize;
    }

    @Override
    public long getPos() {
        return uploaded + buffered;
    }

    /** A part handed to the uploader: its number, its bytes, and the upload's outcome. */
    private record Part(int number, byte[] bytes, int length, java.util.concurrent.Future<CompletedPart> result) {
    }

    /** Bytes held in memory, not yet acknowledged by S3. */
    public long bufferedBytes() {
        return buffered + (inFlight == null ? 0 : inFlight.length());
    }

    @Override
    public void write(int b) {
        ensureRoom(1);
        buffer[buffered++] = (byte) b;
        sendIfFull();
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            int n = failure == null ? Math.min(len, partSize - buffered) : len;
            ensureRoom(n);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            off += n;
            len -= n;
            sendIfFull();
        }
    }

    private void ensureRoom(int n) {
        if (buffered + n > buffer.length) {
            int cap = failure == null ? partSize : Integer.MAX_VALUE - 16;
            buffer = Arrays.copyOf(buffer, Math.min(cap, Math.max(buffered + n, buffer.length * 2)));
        }
    }

    /**
     * Sends a full part. A failure (after the SDK's retries) is not thrown from here: the Parquet writer is in the
     * middle of a row group and must not see it. The bytes stay buffered, the part grows, and {@link #finish}
     * sends it or throws.
     */
    private void sendIfFull() {
        if (buffered >= partSize) {
            try {
                send();
                failure = null;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    /** Hands the buffer to the uploader, after the previous part is acknowledged (at most one in flight). */
    private void send() {
        settle();
        if (uploadId == null) {
            uploadId = storage.createUpload(key, metadata);
        }
        int number = parts.size() + 1;
        byte[] bytes = buffer;
        int length = buffered;
        inFlight = new Part(number, bytes, length, storage.uploadPartAsync(key, uploadId, number, bytes, length));
        uploaded += length;
        buffer = new byte[Math.min(partSize, Math.max(8192, length))];
        buffered = 0;
    }

    /** Waits for the part in flight; if it failed, sends it once more on this thread (which throws if that fails). */
    private void settle() {
        if (inFlight == null) {
            return;
        }
        Part p = inFlight;
        CompletedPart done;
        try {
            done = p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while uploading " + key, e);
        } catch (java.util.concurrent.ExecutionException e) {
            done = storage.uploadPart(key, uploadId, p.number(), p.bytes(), p.length());
        }
        parts.add(done);
        inFlight = null;
    }

    /**
     * Waits for the part in flight and sends the last one on the calling thread (any thread, once nothing writes to
     * this stream any more); the upload then waits for {@link S3Storage#complete}. Can be called again after a
     * failure: what was not acknowledged is sent again.
     */
    public String finish() {
        settle();
        if (buffered > 0 || parts.isEmpty()) {
            if (uploadId == null) {
                uploadId = storage.createUpload(key, metadata);
            }
            parts.add(storage.uploadPart(key, uploadId, parts.size() + 1, buffer, buffered));
            uploaded += buffered;
            buffered = 0;
        }
        buffer = new byte[0];
        return uploadId;
    }

    /** Completes the upload, once: after a failure of other files' completions the retry skips this one. */
    public void complete() {
        if (!completed) {
            storage.complete(key, uploadId, parts);
            completed = true;
        }
    }

    public String key() {
        return key;
    }

    public String uploadId() {
        return uploadId;
    }

    public List<CompletedPart> parts() {
        return parts;
    }

    /** Drops what was buffered and the upload, if one was started. */
    public void abort() {
        buffer = new byte[0];
        buffered = 0;
        if (inFlight != null) {
            inFlight.result().cancel(true);
            inFlight = null;
        }
        if (uploadId != null) {
            storage.abort(key, uploadId);
        }
    }

    @Override
    public void close() {
        // The Parquet writer closes its stream after the footer; the upload is completed by the committer.
    }
}
