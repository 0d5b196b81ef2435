package io.sluice.connect.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kafka Connect's REST API, as a user drives it with curl, against one worker. */
public final class ConnectRestClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** An HTTP answer: status, body parsed as JSON when it is JSON, and the raw text. */
    public record Response(int status, JsonNode json, String body) {

        /** Fails with the body when the status is not {@code expected}. */
        public Response expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRestClient(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    // --- plain HTTP

    public Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    public Response post(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(json(body)).header("Content-Type", "application/json"));
    }

    public Response put(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).PUT(json(body)).header("Content-Type", "application/json"));
    }

    public Response patch(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).method("PATCH", json(body))
                .header("Content-Type", "application/json"));
    }

    // --- connectors

    /** {@code POST /connectors}; expects 201 Created. */
    public JsonNode createConnector(String name, Map<String, String> config) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("config", config);
        return post("/connectors", body).expect(201).json();
    }

    /**
     * Creates a connector and waits until it and its {@code tasks} tasks run; closing the result deletes it and waits
     * until it is gone, so a test leaves the cluster as it found it:
     * <pre>{@code try (var c = rest.run("sink", config, 1, timeout)) { ... } }</pre>
     */
    public RunningConnector run(String name, Map<String, String> config, int tasks, Duration timeout) {
        createConnector(name, config);
        try {
            return new RunningConnector(name, awaitState(name, "RUNNING", tasks, timeout), timeout);
        } catch (RuntimeException | Error e) {
            deleteConnector(name);
            throw e;
        }
    }

    /** A connector a test created with {@link #run}; deleted on close. */
    public final class RunningConnector implements AutoCloseable {
        private final String name;
        private final JsonNode status;
        private final Duration timeout;

        private RunningConnector(String name, JsonNode status, Duration timeout) {
            this.name = name;
            this.status = status;
            this.timeout = timeout;
        }

        public String name() {
            return name;
        }

        /** The status that showed it RUNNING: connector and task worker ids. */
        public JsonNode status() {
            return status;
        }

        @Override
        public void close() {
            deleteConnector(name);
            Wait.until("connector " + name + " deleted", timeout, () -> get("/connectors/" + encode(name)).status() == 404);
        }
    }

    /** {@code PUT /connectors/{name}/config}: creates or updates. */
    public Response putConnectorConfig(String name, Map<String, String> config) {
        return put("/connectors/" + encode(name) + "/config", config);
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}: the validation result, errors per key. */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        Map<String, String> withClass = new LinkedHashMap<>(config);
        withClass.putIfAbsent("connector.class", connectorClass);
        return put("/connector-plugins/" + encode(connectorClass) + "/config/validate", withClass).expect(200).json();
    }

    public JsonNode status(String name) {
        return get("/connectors/" + encode(name) + "/status").expect(200).json();
    }

    /** {@code PUT /connectors/{name}/stop}: tasks shut down, offsets kept and open to the offsets API. */
    public void stop(String name) {
        Response r = put("/connectors/" + encode(name) + "/stop", null);
        if (r.status() != 202 && r.status() != 204) {
            throw new AssertionError("PUT /connectors/" + name + "/stop answered " + r.status() + ": " + r.body());
        }
    }

    public void pause(String name) {
        put("/connectors/" + encode(name) + "/pause", null).expect(202);
    }

    public void resume(String name) {
        put("/connectors/" + encode(name) + "/resume", null).expect(202);
    }

    /** {@code POST /connectors/{name}/restart?includeTasks=..&onlyFailed=..}. */
    public Response restart(String name, boolean includeTasks, boolean onlyFailed) {
        return post("/connectors/" + encode(name) + "/restart?includeTasks=" + includeTasks + "&onlyFailed=" + onlyFailed, null);
    }

    public void deleteConnector(String name) {
        int status = delete("/connectors/" + encode(name)).status();
        if (status != 204 && status != 404) {
            throw new AssertionError("DELETE /connectors/" + name + " answered " + status);
        }
    }

    /** {@code GET /connector-plugins?connectorsOnly=..}. */
    public JsonNode plugins(boolean connectorsOnly) {
        return get("/connector-plugins?connectorsOnly=" + connectorsOnly).expect(200).json();
    }

    /** Waits until the connector and {@code tasks} tasks report {@code state} (e.g. RUNNING, PAUSED). */
    public JsonNode awaitState(String name, String state, int tasks, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        Wait.until("connector " + name + " and " + tasks + " task(s) " + state, timeout, () -> {
            Response r = get("/connectors/" + encode(name) + "/status");
            if (r.status() != 200) {
                return false;
            }
            last[0] = r.json();
            if (!state.equals(r.json().at("/connector/state").asText())) {
                failFast(name, state, r.json());
                return false;
            }
            JsonNode ts = r.json().get("tasks");
            if (ts == null || ts.size() != tasks) {
                return false;
            }
            for (JsonNode t : ts) {
                if (!state.equals(t.get("state").asText())) {
                    failFast(name, state, r.json());
                    return false;
                }
            }
            return true;
        });
        return last[0];
    }

    /** Stops waiting for a state the connector cannot reach by itself once it or a task has FAILED. */
    private static void failFast(String name, String awaited, JsonNode status) {
        if ("FAILED".equals(awaited)) {
            return;
        }
        String trace = status.at("/connector/trace").asText("");
        for (JsonNode t : status.path("tasks")) {
            if ("FAILED".equals(t.path("state").asText())) {
                trace = t.path("trace").asText(trace);
            }
        }
        if ("FAILED".equals(status.at("/connector/state").asText()) || !trace.isEmpty()) {
            throw new AssertionError("connector " + name + " failed: " + trace);
        }
    }

    // --- plumbing

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), parse(r.body()), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        if (body == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        try {
            return HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
