package io.sluice.connect.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlScriptTest {

    @TempDir
    Path dir;

    @Test
    void splitsStatementsAtLineEndSemicolonsAndSkipsComments() throws Exception {
        Path file = Files.writeString(dir.resolve("s.sql"), """
                -- a comment; with a semicolon
                CREATE SCHEMA s;

                CREATE TABLE s.t (
                  a text DEFAULT 'x;y'
                );
                """);
        assertThat(SqlScript.statements(file)).containsExactly("CREATE SCHEMA s",
                "CREATE TABLE s.t (\n  a text DEFAULT 'x;y'\n)");
    }

    @Test
    void rejectsATrailingStatementWithoutSemicolon() throws Exception {
        Path file = Files.writeString(dir.resolve("s.sql"), "CREATE SCHEMA s;\nCREATE SCHEMA t\n");
        assertThatThrownBy(() -> SqlScript.statements(file)).hasMessageContaining("no ';'");
    }
}
