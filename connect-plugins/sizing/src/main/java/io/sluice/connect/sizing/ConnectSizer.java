package io.sluice.connect.sizing;

import static io.sluice.connect.sizing.Units.number;
import static io.sluice.connect.sizing.Workload.CONNECT_CONNECTORS;
import static io.sluice.connect.sizing.Workload.CONNECT_TASKS;
import static io.sluice.connect.sizing.Workload.CONNECT_TASKS_PER_CORE;
import static io.sluice.connect.sizing.Workload.CONNECT_TASK_THROUGHPUT;
import static io.sluice.connect.sizing.Workload.CONNECT_THROUGHPUT;
import static io.sluice.connect.sizing.Workload.CONNECT_WORKER_CORES;
import static io.sluice.connect.sizing.Workload.CONNECT_WORKER_FAILURES;
import static io.sluice.connect.sizing.Workload.CONNECT_WORKER_NETWORK;
import static io.sluice.connect.sizing.Workload.TARGET_UTILIZATION;

import java.util.ArrayList;
import java.util.List;

/**
 * Sizes a Kafka Connect cluster: tasks from throughput (or a known task count), workers from cores and network,
 * plus the workers that may fail (N+1 by default).
 */
public final class ConnectSizer {

    private ConnectSizer() {
    }

    /**
     * The Connect figures for a workload, or none when it says nothing about Connect.
     *
     * @param partitions partitions the sink tasks can share, or 0 when unknown
     */
    public static List<Figure> size(Workload w, long partitions) {
        if (!w.isSet(CONNECT_THROUGHPUT) && !w.isSet(CONNECT_TASKS)) {
            return List.of();
        }
        double throughput = w.getOrDefault(CONNECT_THROUGHPUT, 0);
        int known = (int) w.getOrDefault(CONNECT_TASKS, 0);
        int byThroughput = ClusterSizer.ceil(throughput / w.get(CONNECT_TASK_THROUGHPUT));
        int tasks = Math.max(Math.max(known, byThroughput), 1);
        int connectors = w.integer(CONNECT_CONNECTORS);
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("connect.tasks", tasks, tasks + " tasks",
                byThroughput >= known ? "connect.task.throughput" : "connect.tasks",
                "max(connect.tasks, ceil(throughput / task throughput))",
                "max(" + known + ", ceil(" + Units.rate(throughput) + " / " + Units.rate(w.get(CONNECT_TASK_THROUGHPUT)) + ")) = " + tasks));
        int tasksMax = ClusterSizer.ceil((double) tasks / connectors);
        figures.add(new Figure("connect.tasks.max", tasksMax, "tasks.max=" + tasksMax + " per connector", "connect.connectors",
                "ceil(tasks / connectors)", "ceil(" + tasks + " / " + connectors + ") = " + tasksMax
                        + (partitions > 0 && tasksMax > partitions ? "; a sink task beyond the " + partitions + " partitions would sit idle" : "")));
        figures.add(workers(w, tasks, throughput));
        return figures;
    }

    /** Workers for a number of tasks moving {@code throughput} bytes/s in all. */
    public static Figure workers(Workload w, int tasks, double throughput) {
        double u = w.get(TARGET_UTILIZATION);
        double tasksPerWorker = w.get(CONNECT_WORKER_CORES) * w.get(CONNECT_TASKS_PER_CORE);
        int byTasks = ClusterSizer.ceil(tasks / tasksPerWorker);
        int byNetwork = ClusterSizer.ceil(throughput / (w.get(CONNECT_WORKER_NETWORK) * u));
        int failures = w.integer(CONNECT_WORKER_FAILURES);
        int workers = Math.max(Math.max(byTasks, byNetwork), 1) + failures;
        return new Figure("connect.workers", workers, workers + " workers",
                byNetwork > byTasks ? "connect.worker.network.bandwidth" : "connect.worker.cpu.cores",
                "max(ceil(tasks / (cores x tasks per core)), ceil(throughput / (network x u)), 1) + failures tolerated",
                "max(ceil(" + tasks + " / (" + w.integer(CONNECT_WORKER_CORES) + " x " + number(w.get(CONNECT_TASKS_PER_CORE)) + ")), ceil("
                        + Units.rate(throughput) + " / (" + Units.rate(w.get(CONNECT_WORKER_NETWORK)) + " x " + number(u) + ")), 1) + "
                        + failures + " = " + workers);
    }
}
