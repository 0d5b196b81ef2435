package io.sluice.connect.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SluiceVersionTest {

    @Test
    void reportsTheVersionTheBuildWroteNotAPlaceholder() {
        assertThat(SluiceVersion.get())
                .matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?")
                .isEqualTo(System.getProperty("sluice.version"));
    }
}
