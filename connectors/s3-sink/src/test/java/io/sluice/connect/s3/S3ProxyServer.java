package io.sluice.connect.s3;

import java.net.URI;
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

/** A real S3 API server in the test JVM: S3Proxy over an in-memory store, SigV4 with fixed keys, on 127.0.0.1. */
final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "sluice-access";
    static final String SECRET_KEY = "sluice-secret";

    private final S3Proxy proxy;

    S3ProxyServer() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        for (int i = 0; i < 100 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(50);
        }
    }

    String url() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The connector settings that reach this server. */
    Map<String, String> sinkProps(String bucket) {
        Map<String, String> props = new HashMap<>();
        props.put("s3.bucket.name", bucket);
        props.put("store.url", url());
        props.put("s3.path.style.access.enabled", "true");
        props.put("s3.region", "us-east-1");
        props.put("aws.access.key.id", ACCESS_KEY);
        props.put("aws.secret.access.key", SECRET_KEY);
        return props;
    }

    S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(url())).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
