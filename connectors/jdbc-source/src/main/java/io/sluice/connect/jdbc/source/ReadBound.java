package io.sluice.connect.jdbc.source;

import io.sluice.connect.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Calendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive upper timestamp of a timestamp-mode read: the database's clock minus {@code
 * timestamp.delay.interval.ms}, and — when enabled and the database lets us see it — no later than the start of the
 * oldest transaction still open, whose rows may yet commit with timestamps below anything read after it began.
 * Measured clock first, open transactions second, data last: a transaction starting after the clock reading stamps
 * its rows later than the bound; one open at the second reading is covered by it; one that ended before is visible.
 */
public final class ReadBound {

    private static final Logger log = LoggerFactory.getLogger(ReadBound.class);

    private final Dialect dialect;
    private final Calendar dbCalendar;
    private final long delayMs;
    private boolean openTransactions;

    public ReadBound(Dialect dialect, Calendar dbCalendar, long delayMs, boolean openTransactions) {
        this.dialect = dialect;
        this.dbCalendar = dbCalendar;
        this.delayMs = delayMs;
        this.openTransactions = openTransactions;
    }

    public Instant upper(Connection c) throws SQLException {
        Instant clock = dialect.currentTime(c, dbCalendar);
        Instant bound = clock.minusMillis(delayMs);
        if (openTransactions) {
            try {
                Instant oldest = dialect.oldestOpenTransaction(c);
                log.debug("Database clock {}, oldest open transaction {}", clock, oldest);
                // a transaction begun within the view's lag may not be listed yet
                Instant unseen = clock.minus(dialect.openTransactionsLag());
                if (oldest == null || unseen.isBefore(oldest)) {
                    oldest = unseen;
                }
                if (oldest.isBefore(bound)) {
                    bound = oldest;
                }
            } catch (SQLException e) {
                if (!c.isValid(5)) {
                    throw e;
                }
                c.rollback(); // PostgreSQL aborts the transaction on any error
                openTransactions = false;
                log.warn("Cannot see open transactions ({}); rows committed late are protected by "
                        + "timestamp.delay.interval.ms={} only", e.getMessage(), delayMs);
            }
        }
        return bound;
    }
}
