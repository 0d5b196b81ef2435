package io.sluice.connect.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An {@link S3Server} for one test class, with a client of it: started before the class's first test, both closed
 * after its last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final S3ServerExtension STORE = new S3ServerExtension();
 * }</pre>
 */
public final class S3ServerExtension implements BeforeAllCallback, AfterAllCallback {

    private S3Server server;
    private S3Client client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = new S3Server();
        client = server.client();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server; only valid inside the test class's tests. */
    public S3Server server() {
        if (server == null) {
            throw new IllegalStateException("the S3 server is not running (used outside the test class?)");
        }
        return server;
    }

    /** A client of the running server, closed with it. */
    public S3Client client() {
        server();
        return client;
    }
}
