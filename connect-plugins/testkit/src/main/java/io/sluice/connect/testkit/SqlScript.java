package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A plain SQL file (statements ending with {@code ;} at the end of a line, {@code --} comments) run statement by statement. */
public final class SqlScript {

    private SqlScript() {
    }

    public static void run(Connection db, Path file) throws SQLException {
        try (Statement st = db.createStatement()) {
            for (String sql : statements(file)) {
                st.execute(sql);
            }
        }
    }

    /** The statements of {@code file}, without their {@code ;}. */
    public static List<String> statements(Path file) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                    continue;
                }
                current.append(line).append('\n');
                if (trimmed.endsWith(";")) {
                    out.add(current.substring(0, current.lastIndexOf(";")));
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException(file + " ends with a statement that has no ';'");
        }
        return out;
    }
}
