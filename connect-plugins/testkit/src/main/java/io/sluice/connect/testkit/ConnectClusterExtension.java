package io.sluice.connect.testkit;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A {@link ConnectCluster} for one test class: started before its first test, stopped after its last, and when a test
 * fails, the tail of every process log is printed next to the failure (the full logs stay under {@code target/}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ConnectClusterExtension CLUSTER = new ConnectClusterExtension(b -> b.workers(2).pluginPath(dir));
 * }</pre>
 */
public final class ConnectClusterExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    private final Consumer<ConnectCluster.Builder> spec;
    private ConnectCluster cluster;

    public ConnectClusterExtension(Consumer<ConnectCluster.Builder> spec) {
        this.spec = spec;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ConnectCluster.Builder builder = ConnectCluster.builder().name(context.getRequiredTestClass().getSimpleName());
        spec.accept(builder);
        cluster = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (cluster != null) {
            System.err.println("=== " + context.getDisplayName() + " failed; Connect cluster logs under " + cluster.dir());
            System.err.println(cluster.logTails(80));
        }
    }

    /** The running cluster; only valid inside the test class's tests. */
    public ConnectCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the Connect cluster is not running (used outside the test class?)");
        }
        return cluster;
    }
}
