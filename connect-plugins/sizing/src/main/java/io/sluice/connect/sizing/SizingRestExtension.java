package io.sluice.connect.sizing;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.sizing.rest.SizingService;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the sizing helper from every Connect worker that lists this class in {@code rest.extension.classes}:
 * <ul>
 *   <li>{@code POST /sizing}: a JSON workload in, the sizing out (400 naming the field on bad input);</li>
 *   <li>{@code GET /sizing/connect-cluster}: workers and tasks for this Connect cluster's live connectors; workload
 *       fields such as {@code connect.task.throughput} may be given as query parameters.</li>
 * </ul>
 *
 * <p>Kafka 4.x workers run JAX-RS under {@code jakarta.ws.rs}, 3.x workers under {@code javax.ws.rs}. This class
 * touches neither: it finds which one the worker's {@code Configurable} implements and registers the matching resource.
 */
public class SizingRestExtension implements ConnectRestExtension {

    private static final Logger log = LoggerFactory.getLogger(SizingRestExtension.class);

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure: requests carry their workload.
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        SizingService service = new SizingService(context.clusterState());
        try {
            // Called reflectively: the method's return type is jakarta.* on 4.x and javax.* on 3.x workers.
            Object configurable = ConnectRestExtensionContext.class.getMethod("configurable").invoke(context);
            ClassLoader loader = configurable.getClass().getClassLoader();
            for (String flavour : new String[] {"jakarta", "javax"}) {
                Class<?> configurableType = loadOrNull(flavour + ".ws.rs.core.Configurable", loader);
                if (configurableType != null && configurableType.isInstance(configurable)) {
                    Object resource = flavour.equals("jakarta")
                            ? new io.sluice.connect.sizing.rest.JakartaSizingResource(service)
                            : new io.sluice.connect.sizing.rest.JavaxSizingResource(service);
                    configurableType.getMethod("register", Object.class).invoke(configurable, resource);
                    log.info("Sluice sizing REST extension {} registered ({}.ws.rs): POST /sizing, GET /sizing/connect-cluster",
                            version(), flavour);
                    return;
                }
            }
            throw new IllegalStateException("the worker's REST configurable " + configurable.getClass().getName()
                    + " is neither jakarta.ws.rs nor javax.ws.rs");
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("cannot register the sizing REST extension on this worker", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot register the sizing REST extension on this worker", e.getCause());
        }
    }

    private static Class<?> loadOrNull(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    @Override
    public void close() {
        // Holds no resources.
    }

    @Override
    public String version() {
        return SluiceVersion.get();
    }
}
