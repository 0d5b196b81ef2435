package io.sluice.connect.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;

/**
 * A REST catalog (Apache Iceberg's REST catalog protocol, the paths a table writer uses) served on 127.0.0.1 over
 * another catalog, with Iceberg's own request and response types and handlers. {@link #down} stops it (connections
 * are refused, as from a catalog whose process is gone) and starts it again on the same port.
 */
public final class IcebergRestCatalog implements AutoCloseable {

    private final Catalog backend;
    private final ObjectMapper json = mapper();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger answersToLose = new AtomicInteger();
    /** Until when (nanoTime) requests are refused after an answer was lost: the client's checks fail too. */
    private volatile long refuseUntil;
    private final java.util.concurrent.ExecutorService executor =
            java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "iceberg-rest-catalog");
                t.setDaemon(true);
                return t;
            });
    private final int port;
    private HttpServer server;

    /** Serves {@code backend}, which must support namespaces, on a free port. */
    public IcebergRestCatalog(Catalog backend) throws IOException {
        this.backend = backend;
        this.server = serve(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer serve(int onPort) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        s.createContext("/v1/", this::handle);
        s.setExecutor(executor);
        s.start();
        return s;
    }

    /** Iceberg's own mapper for the protocol's types (kebab-case names, its serializers). */
    private static ObjectMapper mapper() {
        try {
            var m = Class.forName("org.apache.iceberg.rest.RESTObjectMapper").getDeclaredMethod("mapper");
            m.setAccessible(true);
            return (ObjectMapper) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("iceberg-core's REST object mapper is not where it was", e);
        }
    }

    /**
     * Removes every table of {@code namespace} from {@code catalog}, leaving their files alone: a catalog kept in a
     * database outlives the S3 server its tables' files were in.
     */
    public static void forget(Catalog catalog, Namespace namespace) {
        if (!((SupportsNamespaces) catalog).namespaceExists(namespace)) {
            return;
        }
        for (TableIdentifier table : catalog.listTables(namespace)) {
            catalog.dropTable(table, false);
        }
    }

    /** The catalog's URI, for {@code iceberg.catalog.uri}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops serving (connections are refused) or serves again, on the same port. */
    public synchronized void down(boolean isDown) throws IOException {
        if (isDown && server != null) {
            server.stop(0);
            server = null;
        } else if (!isDown && server == null) {
            server = serve(port);
        }
    }

    /**
     * The next {@code n} table commits are applied, but answered with 500, as when the answer is lost; for two
     * seconds after each, every request is refused with 500, so the client's own retries and checks fail as well.
     */
    public void loseCommitAnswers(int n) {
        answersToLose.set(n);
    }

    /** Table commits accepted so far. */
    public int commits() {
        return commits.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                Object response = route(exchange);
                if (response == null) {
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    reply(exchange, 200, response);
                }
            } catch (NoSuchTableException | NoSuchNamespaceException e) {
                reply(exchange, 404, error(404, e.getClass().getSimpleName(), e.getMessage()));
            } catch (AlreadyExistsException | CommitFailedException e) {
                reply(exchange, 409, error(409, e.getClass().getSimpleName(), e.getMessage()));
            } catch (ValidationException | IllegalArgumentException e) {
                reply(exchange, 400, error(400, e.getClass().getSimpleName(), e.getMessage()));
            } catch (RuntimeException | Error e) { // an answer, whatever failed: a client must never hang
                reply(exchange, 500, error(500, e.getClass().getSimpleName(), String.valueOf(e)));
            }
        }
    }

    private Object route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = new ArrayList<>(Arrays.asList(exchange.getRequestURI().getRawPath().split("/")));
        path.removeIf(String::isEmpty);
        path.remove(0); // v1
        if (System.nanoTime() - refuseUntil < 0) {
            throw new IllegalStateException("requests are refused for now");
        }
        SupportsNamespaces namespaces = (SupportsNamespaces) backend;
        if (path.equals(List.of("config"))) {
            return ConfigResponse.builder().build();
        }
        if (path.get(0).equals("namespaces")) {
            if (path.size() == 1) {
                return method.equals("POST")
                        ? CatalogHandlers.createNamespace(namespaces, body(exchange, CreateNamespaceRequest.class))
                        : CatalogHandlers.listNamespaces(namespaces, Namespace.empty());
            }
            Namespace ns = RESTUtil.decodeNamespace(URLDecoder.decode(path.get(1), StandardCharsets.UTF_8), "\u001f");
            if (path.size() == 2) {
                if (method.equals("HEAD")) {
                    CatalogHandlers.namespaceExists(namespaces, ns);
                    return null;
                }
                return CatalogHandlers.loadNamespace(namespaces, ns);
            }
            if (path.size() == 3 && path.get(2).equals("tables")) {
                return method.equals("POST")
                        ? CatalogHandlers.createTable(backend, ns, body(exchange, CreateTableRequest.class))
                        : CatalogHandlers.listTables(backend, ns);
            }
            if (path.size() >= 4 && path.get(2).equals("tables")) {
                TableIdentifier id = TableIdentifier.of(ns, URLDecoder.decode(path.get(3), StandardCharsets.UTF_8));
                if (path.size() == 5 && path.get(4).equals("metrics")) {
                    exchange.getRequestBody().readAllBytes();
                    return null;
                }
                switch (method) {
                    case "HEAD" -> {
                        CatalogHandlers.tableExists(backend, id);
                        return null;
                    }
                    case "DELETE" -> {
                        CatalogHandlers.dropTable(backend, id);
                        return null;
                    }
                    case "POST" -> {
                        Object committed = CatalogHandlers.updateTable(backend, id,
                                body(exchange, UpdateTableRequest.class));
                        commits.incrementAndGet();
                        if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            refuseUntil = System.nanoTime() + 2_000_000_000L;
                            throw new IllegalStateException("the commit was applied; this answer is lost");
                        }
                        return committed;
                    }
                    default -> {
                        return CatalogHandlers.loadTable(backend, id, RESTCatalogProperties.SnapshotMode.ALL);
                    }
                }
            }
        }
        throw new IllegalArgumentException("not served here: " + method + " " + exchange.getRequestURI());
    }

    private <T> T body(HttpExchange exchange, Class<T> type) throws IOException {
        return json.readValue(exchange.getRequestBody(), type);
    }

    private static ErrorResponse error(int code, String type, String message) {
        return ErrorResponse.builder().responseCode(code).withType(type).withMessage(message).build();
    }

    private void reply(HttpExchange exchange, int status, Object body) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) { // a HEAD answer has no body
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }
}
