package io.sluice.connect.common.fault;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings about events that can come by the thousand (bad records): the first few of each window are logged one
 * by one, the rest only counted by reason and summed up in one line when the window is over (at the next event) or
 * when the task stops. A burst of bad input then writes a bounded number of lines; the metrics still count every
 * event.
 */
public final class BurstLog {

    private final Logger log;
    private final int perWindow;
    private final long windowMs;
    private final String what;
    private final LongSupplier clock;
    private long windowStart;
    private int logged;
    private final Map<String, Long> suppressed = new TreeMap<>();

    /** {@code what} names the events in the summary line, e.g. "dead letters". */
    public BurstLog(Logger log, int perWindow, long windowMs, String what) {
        this(log, perWindow, windowMs, what, System::currentTimeMillis);
    }

    BurstLog(Logger log, int perWindow, long windowMs, String what, LongSupplier clock) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowMs = windowMs;
        this.what = what;
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /** Logs the warning, or counts it under {@code reason} once this window has logged enough. */
    public synchronized void warn(String reason, String format, Object... args) {
        long now = clock.getAsLong();
        if (now - windowStart >= windowMs) {
            flush();
            windowStart = now;
            logged = 0;
        }
        if (logged < perWindow) {
            logged++;
            log.warn(format, args);
        } else {
            suppressed.merge(reason, 1L, Long::sum);
        }
    }

    /** Logs the summary of what was counted and not logged, if anything. */
    public synchronized void flush() {
        if (suppressed.isEmpty()) {
            return;
        }
        long total = suppressed.values().stream().mapToLong(Long::longValue).sum();
        log.warn("{} more {} not logged one by one in the last {} s, by reason: {}", total, what,
                Math.max(1, (clock.getAsLong() - windowStart) / 1000), suppressed);
        suppressed.clear();
    }
}
