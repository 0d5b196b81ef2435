package io.sluice.connect.common.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

class BurstLogTest {

    /** A logger that keeps the WARN lines it is given. */
    private static Logger recording(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args != null && args.length >= 1) {
                        Object[] rest = args.length == 2 && args[1] instanceof Object[] a ? a
                                : java.util.Arrays.copyOfRange(args, 1, args.length);
                        lines.add(MessageFormatter.arrayFormat((String) args[0], rest).getMessage());
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }

    @Test
    void aBurstWritesTheFirstFewLinesThenOneSummaryPerWindow() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong(1_000_000);
        BurstLog burst = new BurstLog(recording(lines), 3, 60_000, "dead letters", now::get);
        for (int i = 0; i < 10_000; i++) {
            burst.warn(i % 2 == 0 ? "rule a" : "rule b", "record {} failed", i);
        }
        assertThat(lines).containsExactly("record 0 failed", "record 1 failed", "record 2 failed");
        now.addAndGet(60_000);
        burst.warn("rule a", "record {} failed", 10_000);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).isEqualTo("9997 more dead letters not logged one by one in the last 60 s, by reason: "
                + "{rule a=4998, rule b=4999}");
        assertThat(lines.get(4)).isEqualTo("record 10000 failed");
        burst.flush();
        assertThat(lines).as("nothing suppressed since").hasSize(5);
    }
}
