package io.sluice.connect.jdbc.dialect;

import io.sluice.connect.jdbc.schema.ColumnInfo;
import io.sluice.connect.jdbc.schema.ColumnReader;
import io.sluice.connect.jdbc.source.TableId;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TimeZone;

/**
 * What differs between databases: identifier quoting, how to stream a result, the database's clock, the oldest open
 * transaction, table discovery and sizes, and type names the generic JDBC mapping does not know.
 */
public abstract class Dialect {

    /** The application name our sessions carry, so the open-transaction bound can ignore our own reads. */
    public static final String APPLICATION_NAME = "sluice-jdbc-source";

    private final boolean quote;

    protected Dialect(boolean quote) {
        this.quote = quote;
    }

    /** Picks the dialect from {@code dialect.name}, or from the JDBC URL when that is empty. */
    public static Dialect of(String name, String url, boolean quote) {
        String n = name == null || name.isBlank() ? fromUrl(url) : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "postgresql" -> new PostgresDialect(quote);
            case "mariadb", "mysql" -> new MariaDbDialect(quote);
            default -> new GenericDialect(quote);
        };
    }

    private static String fromUrl(String url) {
        String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return "postgresql";
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            return "mariadb";
        }
        return "generic";
    }

    public abstract String name();

    protected String quoteChar() {
        return "\"";
    }

    /** An identifier as it goes into generated SQL; embedded quote characters are doubled. */
    public String quote(String identifier) {
        if (!quote) {
            return identifier;
        }
        String q = quoteChar();
        return q + identifier.replace(q, q + q) + q;
    }

    public String table(TableId id) {
        StringBuilder sb = new StringBuilder();
        if (id.catalog() != null && !id.catalog().isEmpty() && includeCatalogInSql()) {
            sb.append(quote(id.catalog())).append('.');
        }
        if (id.schema() != null && !id.schema().isEmpty()) {
            sb.append(quote(id.schema())).append('.');
        }
        return sb.append(quote(id.table())).toString();
    }

    protected boolean includeCatalogInSql() {
        return true;
    }

    /**
     * The table's name in its offset partition ({@code {"protocol":"1","table":...}}), exactly as Confluent's
     * connector writes it for this database, so offsets carry over in both directions.
     */
    public String offsetTable(TableId id) {
        return id.qualified();
    }

    /**
     * Whether the database refused the login for good in a way its SQLState does not say (class 28 always means
     * that): a locked account, for instance. Looks through the causes, as a pool wraps the driver's error.
     */
    public boolean rejectsLogin(SQLException e) {
        return false;
    }

    /** Driver properties every pooled connection gets. */
    public Properties driverProperties() {
        return new Properties();
    }

    /** SQL run once on each new connection, or null. */
    public String connectionInitSql(ZoneId dbZone) {
        return null;
    }

    /** Makes {@code statement} stream its result in pieces of {@code fetchSize} rows rather than load it whole. */
    public void stream(PreparedStatement statement, int fetchSize) throws SQLException {
        statement.setFetchSize(fetchSize);
    }

    /** The database's current time. */
    public Instant currentTime(Connection c, Calendar dbCalendar) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1, dbCalendar).toInstant();
        }
    }

    /**
     * When the oldest transaction that may still write rows began; null when none is open. Throws when this
     * database cannot tell (no such view, or no privilege to see other sessions).
     */
    public Instant oldestOpenTransaction(Connection c) throws SQLException {
        throw new SQLException("the " + name() + " dialect cannot see other sessions' transactions");
    }

    /** How long a newly begun transaction may take to appear in what {@link #oldestOpenTransaction} reads. */
    public Duration openTransactionsLag() {
        return Duration.ZERO;
    }

    /** Tables matching the patterns, of the given types. */
    public List<TableId> tables(Connection c, String catalogPattern, String schemaPattern, List<String> types)
            throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<TableId> out = new ArrayList<>();
        try (ResultSet rs = md.getTables(catalogPattern(c, catalogPattern), schemaPattern, "%",
                types.toArray(String[]::new))) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"),
                        rs.getString("TABLE_NAME"));
                if (!isSystemSchema(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    protected String catalogPattern(Connection c, String configured) throws SQLException {
        return configured;
    }

    protected boolean isSystemSchema(TableId id) {
        return false;
    }

    /** The table's size on disk in bytes, for spreading tables over tasks; 0 when unknown. */
    public long tableSize(Connection c, TableId id) throws SQLException {
        return 0;
    }

    /** The column as this database's values need it mapped (e.g. optional where the database returns NULLs). */
    public ColumnInfo adjust(ColumnInfo column) {
        return column;
    }

    /** A reader for a column the generic JDBC mapping would get wrong, or null to use the generic mapping. */
    public ColumnReader specialColumn(ColumnInfo column) {
        return null;
    }

    /** Whether the driver receives column {@code index}'s values in the database's binary wire format. */
    public boolean binaryFormat(ResultSetMetaData md, int index) throws SQLException {
        return false;
    }

    /**
     * Reads a timestamp column's instant (the UTC wall clock for one without a time zone) straight from the driver's
     * wire bytes, {@link java.time.Instant#MAX}/{@code MIN} for infinities; null where this dialect cannot.
     */
    public ColumnReader.Read wireTimestamp(ColumnInfo column) {
        return null;
    }

    protected static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }
}
