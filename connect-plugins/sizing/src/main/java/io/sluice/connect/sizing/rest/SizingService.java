package io.sluice.connect.sizing.rest;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.sizing.ClusterSizer;
import io.sluice.connect.sizing.ConnectSizer;
import io.sluice.connect.sizing.Figure;
import io.sluice.connect.sizing.SizingException;
import io.sluice.connect.sizing.SizingFormat;
import io.sluice.connect.sizing.SizingResult;
import io.sluice.connect.sizing.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.TaskState;

/** What the sizing endpoints do, apart from any JAX-RS flavour: JSON text in, a status and JSON text out. */
public final class SizingService {

    /** An HTTP answer: status code and JSON body. */
    public record Reply(int status, String json) {
    }

    private final ConnectClusterState cluster;

    public SizingService(ConnectClusterState cluster) {
        this.cluster = cluster;
    }

    /** {@code POST /sizing}. */
    public Reply size(String body) {
        try {
            SizingResult result = ClusterSizer.size(Workload.of(SizingFormat.readWorkload(body == null ? "" : body)));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("version", SluiceVersion.get());
            out.putAll(result.toMap());
            return new Reply(200, SizingFormat.json(out));
        } catch (SizingException e) {
            return badRequest(e);
        }
    }

    /** {@code GET /sizing/connect-cluster}: the live connectors and tasks of this Connect cluster, and the workers they need. */
    public Reply connectCluster(Map<String, String> query) {
        Workload workload;
        try {
            workload = Workload.of(query);
        } catch (SizingException e) {
            return badRequest(e);
        }
        Map<String, Integer> tasksByWorker = new TreeMap<>();
        Map<String, Integer> tasksByState = new TreeMap<>();
        List<Object> connectors = new ArrayList<>();
        int tasks = 0;
        for (String name : cluster.connectors()) {
            ConnectorHealth health;
            try {
                health = cluster.connectorHealth(name);
            } catch (RuntimeException e) {
                continue; // deleted between the listing and this call
            }
            tasksByWorker.putIfAbsent(health.connectorState().workerId(), 0);
            for (TaskState task : health.tasksState().values()) {
                tasksByWorker.merge(task.workerId(), 1, Integer::sum);
                tasksByState.merge(task.state(), 1, Integer::sum);
            }
            tasks += health.tasksState().size();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", name);
            c.put("type", String.valueOf(health.type()).toLowerCase(java.util.Locale.ROOT));
            c.put("state", health.connectorState().state());
            c.put("tasks", health.tasksState().size());
            connectors.add(c);
        }
        double throughput = workload.getOrDefault(Workload.CONNECT_THROUGHPUT, 0);
        int neededTasks = Math.max(tasks, (int) workload.getOrDefault(Workload.CONNECT_TASKS, 0));
        Figure workers = ConnectSizer.workers(workload, neededTasks, throughput);
        int current = tasksByWorker.size();

        List<String> warnings = new ArrayList<>();
        if (current < workers.value()) {
            warnings.add("tasks are running on " + current + " worker(s); " + (long) workers.value()
                    + " are recommended (" + workers.binding() + ", with failure headroom)");
        }
        if (!tasksByWorker.isEmpty()) {
            int most = tasksByWorker.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            int least = tasksByWorker.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            if (most - least > 1) {
                warnings.add("tasks are unevenly spread (" + least + " to " + most + " per worker)");
            }
        }
        int failed = tasksByState.getOrDefault("FAILED", 0);
        if (failed > 0) {
            warnings.add(failed + " task(s) FAILED; they count towards the sizing but do no work");
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", SluiceVersion.get());
        out.put("connectors", connectors);
        out.put("tasks", tasks);
        out.put("tasksByState", tasksByState);
        out.put("workers", current);
        out.put("tasksByWorker", tasksByWorker);
        out.put("recommendedWorkers", workers.toMap());
        out.put("warnings", warnings);
        return new Reply(200, SizingFormat.json(out));
    }

    private static Reply badRequest(SizingException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error_code", 400);
        error.put("message", e.getMessage());
        error.put("field", e.field());
        return new Reply(400, SizingFormat.json(error));
    }
}
