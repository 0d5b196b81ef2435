package io.sluice.connect.jdbc.dialect;

import io.sluice.connect.jdbc.schema.ColumnInfo;
import io.sluice.connect.jdbc.schema.ColumnReader;
import io.sluice.connect.jdbc.schema.TypeMapping;
import io.sluice.connect.jdbc.source.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.errors.DataException;

/** MariaDB and MySQL: backquotes, streaming fetch, INNODB_TRX for open transactions, unsigned and zero dates. */
public final class MariaDbDialect extends Dialect {

    MariaDbDialect(boolean quote) {
        super(quote);
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    protected String quoteChar() {
        return "`";
    }

    @Override
    public Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("connectionAttributes", "program_name:" + APPLICATION_NAME);
        p.setProperty("connectTimeout", "10000");
        return p;
    }

    /** MariaDB's ER_ACCOUNT_HAS_BEEN_LOCKED (4151) and MySQL's (3118) come with SQLState HY000. */
    @Override
    public boolean rejectsLogin(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == 4151 || s.getErrorCode() == 3118)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String connectionInitSql(ZoneId dbZone) {
        // TIMESTAMP columns arrive in the session's zone: make it db.timezone so they read like DATETIME ones.
        // Named zones need the server's time zone tables; a fixed offset always works.
        String zone = dbZone.normalized() instanceof ZoneOffset o ? (o.getTotalSeconds() == 0 ? "+00:00" : o.getId())
                : dbZone.getId();
        return "SET time_zone = '" + zone.replace("'", "") + "'";
    }

    @Override
    public Instant currentTime(Connection c, Calendar dbCalendar) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT UTC_TIMESTAMP(6)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1, utc()).toInstant();
        }
    }

    @Override
    public Instant oldestOpenTransaction(Connection c) throws SQLException {
        // Transactions that can still write: not declared read-only, not an autocommit SELECT. Needs PROCESS.
        String sql = "SELECT UNIX_TIMESTAMP(MIN(trx_started)) FROM information_schema.INNODB_TRX "
                + "WHERE trx_mysql_thread_id <> CONNECTION_ID() AND trx_is_read_only = 0 "
                + "AND trx_autocommit_non_locking = 0";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long seconds = rs.getLong(1);
            // trx_started has whole seconds: its floor is at or before the real start, so still a safe bound.
            return rs.wasNull() ? null : Instant.ofEpochSecond(seconds);
        }
    }

    /** InnoDB refreshes the INNODB_TRX view from a cache at most every 100 ms; a margin over that. */
    @Override
    public Duration openTransactionsLag() {
        return Duration.ofMillis(500);
    }

    @Override
    protected String catalogPattern(Connection c, String configured) throws SQLException {
        return configured != null ? configured : c.getCatalog();
    }

    @Override
    protected boolean isSystemSchema(TableId id) {
        String db = id.catalog() == null ? id.schema() : id.catalog();
        return db != null && (db.equalsIgnoreCase("mysql") || db.equalsIgnoreCase("information_schema")
                || db.equalsIgnoreCase("performance_schema") || db.equalsIgnoreCase("sys"));
    }

    @Override
    public long tableSize(Connection c, TableId id) throws SQLException {
        String sql = "SELECT DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.catalog() != null ? id.catalog() : id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Override
    public ColumnInfo adjust(ColumnInfo c) {
        String type = c.typeName() == null ? "" : c.typeName().toUpperCase(Locale.ROOT);
        boolean temporal = type.startsWith("DATE") || type.startsWith("TIMESTAMP");
        // Zero dates ('0000-00-00') have no calendar value and read as NULL, so such columns are optional.
        return temporal && !c.optional() ? c.asOptional() : c;
    }

    @Override
    public ColumnReader specialColumn(ColumnInfo c) {
        String type = c.typeName() == null ? "" : c.typeName().toUpperCase(Locale.ROOT);
        if (type.equals("TIME")) {
            return new ColumnReader(TypeMapping.opt(Time.builder(), c), (rs, i) -> {
                String v = rs.getString(i);
                return v == null ? null : timeOfDay(v, c.name());
            });
        }
        if (type.equals("BOOLEAN")) { // TINYINT(1), as the driver reports it unless tinyInt1isBit=false
            return new ColumnReader(TypeMapping.opt(SchemaBuilder.bool(), c), (rs, i) -> {
                int v = rs.getInt(i);
                return rs.wasNull() ? null : tinyInt1(v, c.name());
            });
        }
        if (type.startsWith("YEAR")) {
            return new ColumnReader(TypeMapping.opt(SchemaBuilder.int16(), c), (rs, i) -> {
                short v = rs.getShort(i);
                return rs.wasNull() ? null : v;
            });
        }
        return null;
    }

    /**
     * A TINYINT(1) as the boolean Confluent's connector emits, where it holds 0 or 1. Any other value fails the row:
     * the driver would read 2 or -1 as true, and the number would be lost.
     */
    static Boolean tinyInt1(int value, String column) {
        if (value == 0 || value == 1) {
            return value == 1;
        }
        throw new DataException("Column '" + column + "' is a TINYINT(1), read as a boolean, and holds " + value
                + ", which is neither 0 nor 1. To read such columns as numbers (INT8), add tinyInt1isBit=false to "
                + "connection.url (the option MariaDB's and MySQL's drivers share).");
    }

    /**
     * A MariaDB/MySQL TIME ({@code [-]H..H:MM:SS[.ffffff]}) as Connect's Time. TIME is a duration, from -838:59:59 to
     * 838:59:59, and Connect's Time a time of day: values inside a day map exactly (to the millisecond Time holds),
     * values outside one fail the row, because the driver would wrap them around the clock (25:00 read as 01:00).
     */
    static java.util.Date timeOfDay(String text, String column) {
        String[] hms = text.split(":");
        long hours = Long.parseLong(hms[0]);
        if (text.startsWith("-") || hours >= 24 || hms.length != 3) {
            throw new DataException("Column '" + column + "' holds the TIME value " + text + ", outside the 00:00:00 to "
                    + "23:59:59 a Connect Time can hold (a MariaDB/MySQL TIME is a duration). Read it as a number or "
                    + "text with the query mode, e.g. TIME_TO_SEC(" + column + ") or CAST(" + column + " AS CHAR).");
        }
        String[] secondsAndFraction = hms[2].split("\\.");
        long millis = ((hours * 60 + Integer.parseInt(hms[1])) * 60 + Integer.parseInt(secondsAndFraction[0])) * 1000;
        if (secondsAndFraction.length > 1) {
            millis += Integer.parseInt((secondsAndFraction[1] + "00").substring(0, 3));
        }
        return new java.util.Date(millis);
    }
}
