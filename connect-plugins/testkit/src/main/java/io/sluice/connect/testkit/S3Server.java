package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A real S3 API server in the test JVM: S3Proxy over an in-memory store, SigV4 with fixed keys, on 127.0.0.1. */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "sluice-access";
    public static final String SECRET_KEY = "sluice-secret";

    private final S3Proxy proxy;

    public S3Server() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        Wait.until("S3Proxy started", Duration.ofSeconds(30), () -> "STARTED".equals(proxy.getState()));
    }

    public String url() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The connector settings that reach this server. */
    public Map<String, String> sinkProps(String bucket) {
        Map<String, String> props = new HashMap<>();
        props.put("s3.bucket.name", bucket);
        props.put("store.url", url());
        props.put("s3.path.style.access.enabled", "true");
        props.put("s3.region", "us-east-1");
        props.put("aws.access.key.id", ACCESS_KEY);
        props.put("aws.secret.access.key", SECRET_KEY);
        return props;
    }

    /** The properties of Iceberg's S3FileIO that reach this server, for a catalog's configuration. */
    public Map<String, String> icebergFileIo() {
        Map<String, String> props = new HashMap<>();
        props.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        props.put("s3.endpoint", url());
        props.put("s3.path-style-access", "true");
        props.put("s3.access-key-id", ACCESS_KEY);
        props.put("s3.secret-access-key", SECRET_KEY);
        props.put("client.region", "us-east-1");
        return props;
    }

    public S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(url())).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Creates the bucket unless it exists. */
    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
                s3.createBucket(b -> b.bucket(bucket));
            }
        }
    }

    /** Copies every object under {@code prefix} to {@code dir}, keeping the key as the relative path. */
    public void download(String bucket, String prefix, Path dir) {
        try (S3Client s3 = client()) {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                Path target = dir.resolve(o.key());
                Files.createDirectories(target.getParent());
                Files.write(target, s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
