package io.sluice.connect.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DuckDB, from npm, as the independent reader of Parquet output: no Java between the files and the answer. The test
 * kit's build installs it ({@code duckdb/}, {@code npm install}); the directory is passed to tests as the system
 * property {@code sluice.duckdb.dir}.
 */
public final class DuckDb {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DuckDb() {
    }

    /** Runs one statement and returns its rows (a JSON array of objects; DECIMAL and TIMESTAMP come as strings). */
    public static JsonNode query(String sql) {
        Path dir = Paths.get(System.getProperty("sluice.duckdb.dir", "duckdb"));
        if (!Files.isDirectory(dir.resolve("node_modules/@duckdb/node-api"))) {
            throw new IllegalStateException("DuckDB is not installed in " + dir.toAbsolutePath() + ": run `npm install` "
                    + "there (the test kit's Maven build does it) and pass the directory as -Dsluice.duckdb.dir");
        }
        try {
            Path out = Files.createTempFile("duckdb-", ".json");
            try {
                Process p = new ProcessBuilder(List.of("node", "query.mjs", sql)).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectErrorStream(false)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                byte[] err = p.getErrorStream().readAllBytes();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("DuckDB did not answer within 60 s: " + sql);
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("DuckDB failed on " + sql + ":\n"
                            + new String(err, StandardCharsets.UTF_8));
                }
                return MAPPER.readTree(out.toFile());
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A SQL string literal. */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
