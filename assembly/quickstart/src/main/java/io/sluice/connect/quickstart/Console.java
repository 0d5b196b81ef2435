package io.sluice.connect.quickstart;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** The quickstart's voice: steps with the time since start, progress lines, and the report's sections. */
final class Console {

    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    Console(PrintStream out) {
        this.out = out;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private String clock() {
        return String.format("[%4ds]", elapsed().toSeconds());
    }

    void step(String what, String detail) {
        out.printf("%s %-11s %s%n", clock(), what, detail);
        out.flush();
    }

    void progress(String line) {
        out.printf("%s %-11s %s%n", clock(), "progress", line);
        out.flush();
    }

    void section(String title) {
        out.println();
        out.println(title);
    }

    void line(String text) {
        out.println("  " + text);
    }

    /** Rows under a header, each column as wide as its widest cell. */
    void table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (List<String> row : prepend(header, rows)) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : prepend(header, rows)) {
            StringBuilder s = new StringBuilder("    ");
            for (int i = 0; i < row.size(); i++) {
                s.append(String.format("%-" + (width[i] + 2) + "s", row.get(i)));
            }
            out.println(s.toString().stripTrailing());
        }
    }

    private static List<List<String>> prepend(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new java.util.ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }
}
