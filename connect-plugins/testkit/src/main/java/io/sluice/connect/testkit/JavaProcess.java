package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the test kit starts: its own process, output appended to a log file, stopped with SIGTERM (bounded) or killed
 * with SIGKILL. Every live process is also killed by a shutdown hook, so none outlives the test JVM.
 */
final class JavaProcess {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(JavaProcess::killTree), "sluice-testkit-reaper"));
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Map<String, String> environment;
    private Process process;

    JavaProcess(String name, List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> args, Path log) {
        this(name, jvmOptions, classpath, mainClass, args, log, Map.of());
    }

    JavaProcess(String name, List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> args, Path log,
                Map<String, String> environment) {
        this.name = name;
        this.log = log;
        this.environment = Map.copyOf(environment);
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        cmd.add(mainClass);
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
    }

    /** Runs to completion (bounded), failing with the log's tail if the exit code is not 0. */
    void runToCompletion(Duration timeout) {
        start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s\n" + tail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException(e);
        } finally {
            LIVE.remove(process);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + tail(40));
        }
    }

    void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "### " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    void stop(Duration grace) {
        terminate();
        awaitExit(grace);
    }

    /** SIGTERM without waiting, so several processes can shut down side by side. */
    void terminate() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    /** Waits for the process to exit, and SIGKILLs it if it has not within {@code grace}. */
    void awaitExit(Duration grace) {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        LIVE.remove(process);
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    void kill() {
        if (process == null) {
            return;
        }
        killTree(process);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    Path log() {
        return log;
    }

    /** The operating system's id of the running process. */
    long pid() {
        return process.pid();
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    String tail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no log at " + log + ")";
            }
            List<String> all = List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\\R"));
            return "--- last " + Math.min(lines, all.size()) + " lines of " + log + "\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
