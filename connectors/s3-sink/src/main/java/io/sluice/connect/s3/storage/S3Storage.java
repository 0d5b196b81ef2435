package io.sluice.connect.s3.storage;

import io.sluice.connect.s3.S3SinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The S3 operations the sink needs, over the AWS SDK v2 with the SDK's own retries (jittered exponential backoff on
 * throttling, 5xx and I/O errors; the retry circuit breaker off, so a long throttling episode is ridden out rather
 * than failed fast). An error that outlasts the retries is thrown as {@link SdkException}; the caller rewinds.
 */
public final class S3Storage implements AutoCloseable {

    /** Files whose last part and completion are sent at once. */
    public static final int PARALLEL_COMMITS = 8;

    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);

    /** A conditional write lost: another task changed the object since this one read it. */
    public static final class Fenced extends RuntimeException {
        Fenced(String key) {
            super("Object " + key + " was changed by another task");
        }
    }

    /** An object's content and entity tag. */
    public record Versioned(byte[] bytes, String etag) {
    }

    private final S3Client client;
    private final String bucket;
    private final String sse;
    private final String kmsKeyId;
    private final String acl;
    private final boolean conditional;
    private final AtomicLong requests = new AtomicLong();
    /** Sends parts while the task thread encodes the next ones; one thread, so parts leave in order per task. */
    private final java.util.concurrent.ExecutorService uploader = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "sluice-s3-upload");
                t.setDaemon(true);
                return t;
            });
    /** Sends the last parts of files and completes them, several files at a time: small files are round trips. */
    private final java.util.concurrent.ExecutorService committer = java.util.concurrent.Executors.newFixedThreadPool(
            PARALLEL_COMMITS, r -> {
                Thread t = new Thread(r, "sluice-s3-commit");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong attempts = new AtomicLong();
    private final AwsCredentialsProvider credentials;

    public S3Storage(S3SinkConfig config) {
        this.credentials = Credentials.of(config);
        this.bucket = config.bucket();
        this.sse = config.sseAlgorithm();
        this.kmsKeyId = config.sseKmsKeyId();
        this.acl = config.cannedAcl();
        this.conditional = config.conditionalWrites();
        var retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(config.partRetries() + 1)
                .backoffStrategy(BackoffStrategy.exponentialDelay(
                        Duration.ofMillis(config.retryBackoffMs()), Duration.ofSeconds(20)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(
                        Duration.ofMillis(config.retryBackoffMs()), Duration.ofSeconds(20)))
                .circuitBreakerEnabled(false)
                .build();
        var builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials)
                .requestChecksumCalculation(config.checksumWhenSupported()
                        ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(retry).addExecutionInterceptor(new Counter()));
        if (config.storeUrl() != null) {
            builder.endpointOverride(config.storeUrl());
        }
        this.client = builder.build();
    }


    /** Counts requests and their attempts: the difference is the number of retries. */
    private final class Counter implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests.incrementAndGet();
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            attempts.incrementAndGet();
        }
    }

    public long retries() {
        return attempts.get() - requests.get();
    }

    /** Fails with a message a user can act on when the bucket is missing or not writable with these credentials. */
    public void checkBucket() {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            throw new ConnectException(bucketProblem(e), e);
        }
    }

    /**
     * As {@link #checkBucket()} when a task starts, except that an unavailable store only warns: a task (re)started
     * during an S3 outage, by a rebalance for instance, rides it out like its writes do instead of failing.
     */
    public void checkBucketAtStart() {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            if (!unavailable(e)) {
                throw e instanceof S3Exception s3 ? new ConnectException(bucketProblem(s3), e) : e;
            }
            log.warn("Bucket '{}' cannot be checked now ({}); starting anyway, writes retry until S3 answers", bucket,
                    e.getMessage());
        }
    }

    /** Whether {@code e} says S3 is away for now (no connection, a server error, throttling), not that a request is wrong. */
    public static boolean unavailable(SdkException e) {
        if (e instanceof S3Exception s3) {
            return s3.statusCode() >= 500 || s3.statusCode() == 429;
        }
        return e instanceof SdkClientException;
    }

    /** What a failed request says is wrong, for the user: the bucket's problem, or the store's own words. */
    public String problem(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            if (s3.statusCode() == 404 && !"NoSuchBucket".equals(code)) {
                return "S3 answered 404 " + code + " (" + s3.getMessage() + "); an object or upload the sink wrote "
                        + "is gone: is a lifecycle rule aborting uploads or deleting objects under topics.dir?";
            }
            return bucketProblem(s3) + " [S3 " + s3.statusCode() + (code == null ? "" : " " + code) + "]";
        }
        return e.getMessage();
    }

    /** What is wrong with the bucket, for the user. */
    public String bucketProblem(S3Exception e) {
        return switch (e.statusCode()) {
            case 404 -> "Bucket '" + bucket + "' does not exist (s3.bucket.name, store.url, s3.region)";
            case 403 -> "Access to bucket '" + bucket + "' is denied: check aws.access.key.id / the credentials "
                    + "chain and the bucket policy";
            case 301 -> "Bucket '" + bucket + "' is in another region than s3.region=" + e.awsErrorDetails()
                    .sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse("?");
            default -> "Bucket '" + bucket + "' cannot be reached: " + e.getMessage();
        };
    }

    public String createUpload(String key, Map<String, String> metadata) {
        CreateMultipartUploadRequest.Builder b = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                .contentType("application/vnd.apache.parquet").metadata(metadata);
        if (!sse.isEmpty()) {
            b.serverSideEncryption(ServerSideEncryption.fromValue(sse));
            if (sse.equals("aws:kms") && !kmsKeyId.isEmpty()) {
                b.ssekmsKeyId(kmsKeyId);
            }
        }
        if (!acl.isEmpty()) {
            b.acl(acl);
        }
        return client.createMultipartUpload(b.build()).uploadId();
    }

    /** Uploads a part on the storage's uploader thread; the caller keeps {@code bytes} untouched until it is done. */
    public java.util.concurrent.Future<CompletedPart> uploadPartAsync(String key, String uploadId, int partNumber,
            byte[] bytes, int length) {
        return uploader.submit(() -> uploadPart(key, uploadId, partNumber, bytes, length));
    }

    public CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] bytes, int length) {
        String etag = client.uploadPart(p -> p.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                .contentLength((long) length), RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes, 0, length)))
                .eTag();
        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
    }

    /** Completes an upload; {@link Fenced} if it was aborted meanwhile (a task that took the partition over). */
    public void complete(String key, String uploadId, List<CompletedPart> parts) {
        try {
            client.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new Fenced(key);
            }
            throw e;
        }
    }

    /**
     * Runs {@code action} on each item, {@value #PARALLEL_COMMITS} at a time (on the calling thread if there is one);
     * once all are done, throws the first failure.
     */
    public <T> void eachInParallel(List<T> items, java.util.function.Consumer<T> action) {
        if (items.size() == 1) {
            action.accept(items.get(0));
            return;
        }
        List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>(items.size());
        for (T item : items) {
            running.add(committer.submit(() -> action.accept(item)));
        }
        RuntimeException first = null;
        for (java.util.concurrent.Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while committing files", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Aborts an upload; one that no longer exists (completed or aborted before) is fine. */
    public void abort(String key, String uploadId) {
        try {
            client.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
    }

    /** The user metadata of an object, or {@code null} when there is no such object. */
    public Map<String, String> metadata(String key) {
        try {
            HeadObjectResponse head = client.headObject(h -> h.bucket(bucket).key(key));
            return head.metadata();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** An object's bytes and entity tag, or {@code null} when there is no such object. */
    public Versioned get(String key) {
        try {
            ResponseBytes<GetObjectResponse> r = client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket)
                    .key(key).build());
            return new Versioned(r.asByteArray(), r.response().eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Writes a small object only if it is unchanged since it was read ({@code etag}; {@code null}: only if it does
     * not exist yet), returning the new entity tag. Throws {@link Fenced} when the condition fails.
     */
    public String putIfUnchanged(String key, byte[] bytes, String etag) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType("application/json");
        if (conditional) {
            if (etag == null) {
                b.ifNoneMatch("*");
            } else {
                b.ifMatch(etag);
            }
        }
        if (!sse.isEmpty()) {
            b.serverSideEncryption(ServerSideEncryption.fromValue(sse));
        }
        try {
            return client.putObject(b.build(), RequestBody.fromBytes(bytes)).eTag();
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                throw new Fenced(key);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        uploader.shutdownNow();
        committer.shutdownNow();
        client.close();
        if (credentials instanceof AutoCloseable closeable) { // a role session's refresh thread and STS client
            try {
                closeable.close();
            } catch (Exception e) {
                // nothing left to release
            }
        }
    }
}
