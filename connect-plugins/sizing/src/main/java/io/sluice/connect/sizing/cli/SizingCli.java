package io.sluice.connect.sizing.cli;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.sizing.ClusterSizer;
import io.sluice.connect.sizing.SizingException;
import io.sluice.connect.sizing.SizingFormat;
import io.sluice.connect.sizing.SizingResult;
import io.sluice.connect.sizing.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sluice-sizing [--file workload.yaml] [--<field> <value> ...] [--json | --explain]}.
 *
 * <p>Every workload field is also a flag ({@code --write.throughput.avg 100MB/s} or
 * {@code --write-throughput-avg=100MB/s}); flags override the file.
 */
public final class SizingCli {

    private SizingCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI; returns the exit code (0 done, 1 bad workload, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Object> workload = new LinkedHashMap<>();
        Map<String, Object> flags = new LinkedHashMap<>();
        boolean json = false;
        boolean explain = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    err.println("unexpected argument '" + arg + "'; flags start with --");
                    return 2;
                }
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                switch (name) {
                    case "help":
                    case "h":
                        out.print(usage());
                        return 0;
                    case "version":
                        out.println(SluiceVersion.get());
                        return 0;
                    case "json":
                        json = true;
                        continue;
                    case "explain":
                        explain = true;
                        continue;
                    default:
                        break;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        err.println("--" + name + " needs a value");
                        return 2;
                    }
                    value = args[++i];
                }
                if (name.equals("file")) {
                    workload.putAll(SizingFormat.readWorkload(Files.readString(Path.of(value), StandardCharsets.UTF_8)));
                } else {
                    flags.put(name.replace('-', '.'), value);
                }
            }
            workload.putAll(flags);
            SizingResult result = ClusterSizer.size(Workload.of(workload));
            out.print(json ? SizingFormat.json(result.toMap()) + "\n" : SizingFormat.report(result, explain));
            return 0;
        } catch (SizingException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("error: cannot read workload file: " + e);
            return 1;
        }
    }

    static String usage() {
        StringBuilder s = new StringBuilder();
        s.append("Usage: sluice-sizing [--file workload.yaml|json] [--<field> <value> ...] [--json | --explain]\n\n");
        s.append("Sizes Kafka brokers, partitions and Connect workers for a workload. Flags override the file.\n");
        s.append("Sizes: 2TiB, 500GB; rates: 100MB/s, 10Gbit/s; durations: 7d, 12h, 10min.\n\nFields:\n");
        for (Workload.Field f : Workload.fields()) {
            s.append(String.format("  --%-34s %s%s%n", f.name(), f.doc(),
                    f.defaultValue() == null ? "" : " [" + f.defaultValue() + "]"));
        }
        return s.toString();
    }
}
