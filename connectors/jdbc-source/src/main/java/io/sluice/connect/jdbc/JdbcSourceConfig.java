package io.sluice.connect.jdbc;

import io.sluice.connect.common.config.Choice;
import io.sluice.connect.common.config.PeerKeys;
import io.sluice.connect.common.fault.RetryBudget;
import io.sluice.connect.jdbc.schema.NumericMapping;
import io.sluice.connect.jdbc.schema.TimestampGranularity;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The JDBC source connector's configuration. Keys are Confluent's wherever the feature is the same, so a user
 * migrating changes {@code connector.class} and little else; keys of features Confluent lacks are marked as ours.
 */
public final class JdbcSourceConfig extends AbstractConfig {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcSourceConfig.class);

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USER = "connection.user";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String CONNECTION_ATTEMPTS = "connection.attempts";
    public static final String QUERY_RETRY_ATTEMPTS = "query.retry.attempts";
    public static final String CONNECTION_BACKOFF_MS = "connection.backoff.ms";
    public static final String CONNECTION_RETRY_TIMEOUT_MS = "connection.retry.timeout.ms";
    public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
    public static final String POOL_MAX_LIFETIME_MS = "connection.pool.max.lifetime.ms";
    public static final String POOL_LEAK_DETECTION_MS = "connection.pool.leak.detection.ms";
    public static final String TRANSACTION_ISOLATION_MODE = "transaction.isolation.mode";
    public static final String DIALECT_NAME = "dialect.name";

    public static final String TABLE_WHITELIST = "table.whitelist";
    public static final String TABLE_BLACKLIST = "table.blacklist";
    public static final String TABLE_INCLUDE_LIST = "table.include.list";
    public static final String TABLE_EXCLUDE_LIST = "table.exclude.list";
    public static final String SCHEMA_PATTERN = "schema.pattern";
    public static final String CATALOG_PATTERN = "catalog.pattern";
    public static final String TABLE_TYPES = "table.types";
    public static final String TABLE_POLL_INTERVAL_MS = "table.poll.interval.ms";
    public static final String TABLE_CHUNKS = "table.chunks";
    public static final String QUOTE_SQL_IDENTIFIERS = "quote.sql.identifiers";

    public static final String MODE = "mode";
    public static final String INCREMENTING_COLUMN_NAME = "incrementing.column.name";
    public static final String INCREMENTING_COLUMN_MAPPING = "incrementing.column.mapping";
    public static final String TIMESTAMP_COLUMN_NAME = "timestamp.column.name";
    public static final String TIMESTAMP_COLUMNS_MAPPING = "timestamp.columns.mapping";
    public static final String VALIDATE_NON_NULL = "validate.non.null";
    public static final String QUERY = "query";
    public static final String QUERY_MASKED = "query.masked";
    public static final String QUERY_SUFFIX = "query.suffix";
    public static final String QUERY_CHANGE_BEHAVIOR = "query.change.behavior";

    public static final String TIMESTAMP_DELAY_INTERVAL_MS = "timestamp.delay.interval.ms";
    public static final String TIMESTAMP_INITIAL = "timestamp.initial";
    public static final String INCREMENTING_INITIAL = "incrementing.initial";
    public static final String TIMESTAMP_OPEN_TRANSACTIONS = "timestamp.open.transactions.bound";
    public static final String INCREMENTING_GAP_TIMEOUT_MS = "incrementing.gap.timeout.ms";
    public static final String INCREMENTING_GAP_MAX = "incrementing.gap.max";

    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String BATCH_MAX_ROWS = "batch.max.rows";
    public static final String DB_TIMEZONE = "db.timezone";
    public static final String TIMESTAMP_GRANULARITY = "timestamp.granularity";
    public static final String NUMERIC_MAPPING = "numeric.mapping";
    public static final String NUMERIC_PRECISION_MAPPING = "numeric.precision.mapping";
    /** Confluent's provider that reads connection.user and connection.password, as Sluice does. */
    static final String CONFLUENT_DEFAULT_CREDENTIALS = "io.confluent.connect.jdbc.util.DefaultJdbcCredentialsProvider";

    /** Keys of Confluent's connector that Sluice does not define: accepted with a WARN, or refused at validate. */
    static final PeerKeys CONFLUENT = PeerKeys.of("Confluent's JDBC source")
            .withoutEffect("max.buffer.size", "the read-ahead holds four batches of batch.max.rows")
            .withoutEffect("poll.linger.ms", "poll() waits for records at most a second, or poll.interval.ms if "
                    + "shorter")
            .withoutEffect("table.monitoring.startup.polling.limit.ms", "tasks are configured once the first table "
                    + "listing is done, retried with connection.attempts")
            .withoutEffect("date.calendar.system", "dates and timestamps are read in the proleptic Gregorian "
                    + "calendar (PROLEPTIC_GREGORIAN); they differ from LEGACY only before 1582-10-15")
            .refusedUnless("jdbc.credentials.provider.class", CONFLUENT_DEFAULT_CREDENTIALS::equals, "a provider "
                    + "class implements Confluent's credentials interface, which Sluice does not have. Remove the key "
                    + "and put the credentials in connection.user and connection.password, through a Connect "
                    + "ConfigProvider (${file:...}, ${env:...}, a vault provider) to keep them out of the config");

    /** Confluent's value of {@code timestamp.initial} meaning "start from the database's current time". */
    public static final long TIMESTAMP_INITIAL_CURRENT = -1L;

    static final Choice MODES = Choice.of(Mode.names());
    static final Choice QUOTING = Choice.of("always", "never");
    static final Choice ISOLATION = Choice.of("default", "read_uncommitted", "read_committed", "repeatable_read",
            "serializable");
    /** Ours, and Confluent's dialect class names (those without a dialect here read through the generic one). */
    static final Choice DIALECTS = Choice.of("", "postgresql", "mariadb", "mysql", "generic",
            "postgresqldatabasedialect", "mysqldatabasedialect", "genericdatabasedialect", "db2databasedialect",
            "derbydatabasedialect", "oracledatabasedialect", "saphanadatabasedialect", "sqlserverdatabasedialect",
            "sqlitedatabasedialect", "sybasedatabasedialect", "verticadatabasedialect");
    /** What a task does when the stored offset was written for another query (query.change.behavior). */
    public enum QueryChange { FAIL, RESTART }

    static final Choice QUERY_CHANGES = Choice.ofEnum(QueryChange.class);

    private static final String DATABASE = "Database";
    private static final String TABLES = "Tables";
    private static final String MODE_GROUP = "Mode";
    private static final String DELIVERY = "Delivery";
    private static final String CONNECTOR = "Connector";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "JDBC URL, e.g. jdbc:postgresql://db:5432/shop or jdbc:mariadb://db:3306/shop. "
                            + "PostgreSQL and MariaDB/MySQL drivers ship with the bundle; put other drivers' jars in "
                            + "the plugin directory.", DATABASE, 1, Width.LONG, "JDBC URL")
            .define(CONNECTION_USER, Type.STRING, null, Importance.HIGH, "Database user.", DATABASE, 2,
                    Width.MEDIUM, "User")
            .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Database password. Use a ConfigProvider (${file:...} / ${env:...}) to keep it out of the "
                            + "connector config.", DATABASE, 3, Width.MEDIUM, "Password")
            .define(CONNECTION_ATTEMPTS, Type.INT, 3, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "How many consecutive failed attempts to connect (or reads cut off with their connection) "
                            + "before the task fails, once connection.retry.timeout.ms has passed too. Waits between "
                            + "attempts start at connection.backoff.ms and double, up to a minute.",
                    DATABASE, 4, Width.SHORT, "Attempts")
            .define(CONNECTION_RETRY_TIMEOUT_MS, Type.LONG, 300_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Sluice: how long an unreachable database is retried (from the first failure in a row) before "
                            + "the task fails, once connection.attempts are used up too. The default rides out a "
                            + "restart or a managed failover (1-2 minutes); 0 fails after connection.attempts.",
                    DATABASE, 5, Width.SHORT, "Retry timeout (ms)")
            .define(QUERY_RETRY_ATTEMPTS, Type.INT, -1, ConfigDef.Range.atLeast(-1), Importance.LOW,
                    "How many times in a row a query that fails on a working connection (a deadlock, a lock or "
                            + "statement timeout, a serialization failure) is retried before the task fails; -1 "
                            + "retries without limit. Errors a retry cannot fix (SQL syntax, unknown column, "
                            + "permission, invalid data) fail the task at once. Retries wait as connection "
                            + "failures do.",
                    DATABASE, 11, Width.SHORT, "Query retry attempts")
            .define(CONNECTION_BACKOFF_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Wait before the second attempt after a connection or query failure; doubles per attempt up to "
                            + "a minute.", DATABASE, 12, Width.SHORT, "Backoff (ms)")
            .define(CONNECTION_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1_000), Importance.LOW,
                    "Sluice: how long one attempt waits for a working connection before it counts as failed.",
                    DATABASE, 6, Width.SHORT, "Connection timeout (ms)")
            .define(POOL_MAX_LIFETIME_MS, Type.LONG, 1_800_000L, ConfigDef.Range.atLeast(30_000), Importance.LOW,
                    "Sluice: a pooled connection is replaced after this long, so no session outlives a failover or "
                            + "a server-side timeout.", DATABASE, 7, Width.SHORT, "Connection max lifetime (ms)")
            .define(POOL_LEAK_DETECTION_MS, Type.LONG, 600_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Sluice: log a warning with a stack trace when a connection is held longer than this (0 "
                            + "disables). A long initial read legitimately holds one.",
                    DATABASE, 8, Width.SHORT, "Leak detection (ms)")
            .define(TRANSACTION_ISOLATION_MODE, Type.STRING, "default", ISOLATION, Importance.LOW,
                    "Isolation level of the read transactions; 'default' keeps the database's.",
                    DATABASE, 9, Width.MEDIUM, "Isolation", ISOLATION)
            .define(DIALECT_NAME, Type.STRING, "", DIALECTS, Importance.LOW,
                    "SQL dialect; empty picks it from the JDBC URL (postgresql, mariadb/mysql, else generic).",
                    DATABASE, 10, Width.SHORT, "Dialect", DIALECTS)

            .define(TABLE_WHITELIST, Type.LIST, "", Importance.MEDIUM,
                    "Tables to copy, by name (table, schema.table or catalog.table). Empty means every table "
                            + "the other filters allow. Do not combine with table.include.list.",
                    TABLES, 1, Width.LONG, "Table whitelist")
            .define(TABLE_BLACKLIST, Type.LIST, "", Importance.MEDIUM,
                    "Tables not to copy, by name. Do not combine with table.exclude.list.",
                    TABLES, 2, Width.LONG, "Table blacklist")
            .define(TABLE_INCLUDE_LIST, Type.LIST, "", RegexList.INSTANCE, Importance.MEDIUM,
                    "Regular expressions matched against each table's qualified name (catalog.schema.table, "
                            + "schema.table) and bare name; a table is copied when one matches.", TABLES, 3, Width.LONG, "Table include list")
            .define(TABLE_EXCLUDE_LIST, Type.LIST, "", RegexList.INSTANCE, Importance.MEDIUM,
                    "Regular expressions matched like table.include.list; matching tables are not copied.", TABLES, 4, Width.LONG, "Table exclude list")
            .define(SCHEMA_PATTERN, Type.STRING, null, Importance.MEDIUM,
                    "Schema name pattern (SQL LIKE) for table discovery; null means every user schema.",
                    TABLES, 5, Width.MEDIUM, "Schema pattern")
            .define(CATALOG_PATTERN, Type.STRING, null, Importance.MEDIUM,
                    "Catalog name pattern (SQL LIKE) for table discovery; null means the connection's catalog "
                            + "on MariaDB/MySQL and every catalog elsewhere.", TABLES, 6, Width.MEDIUM,
                    "Catalog pattern")
            .define(TABLE_TYPES, Type.LIST, "TABLE", Importance.LOW,
                    "Table types to discover, e.g. TABLE, VIEW, MATERIALIZED VIEW.",
                    TABLES, 7, Width.SHORT, "Table types")
            .define(TABLE_POLL_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1_000), Importance.LOW,
                    "How often to look for added or dropped tables; a change reconfigures the tasks.",
                    TABLES, 8, Width.SHORT, "Table poll interval (ms)")
            .define(TABLE_CHUNKS, Type.INT, 1, ConfigDef.Range.between(1, 1024), Importance.MEDIUM,
                    "Sluice: read each table (or the query) as this many chunks in parallel, spread over the "
                            + "tasks: ranges of the incrementing column splitting its MIN..MAX evenly when the "
                            + "chunks are first assigned, the first open below and the last open above (it reads "
                            + "every new row). Needs incrementing.column.name (any mode but timestamp). Each chunk "
                            + "keeps its own offset, which holds its range, so the ranges stay across restarts; "
                            + "chunks start from the table's unchunked offset when there is one.",
                    TABLES, 9, Width.SHORT, "Chunks per table")
            .define(QUOTE_SQL_IDENTIFIERS, Type.STRING, "always", QUOTING, Importance.LOW,
                    "Quote table and column names in generated SQL (always) or not (never).",
                    TABLES, 10, Width.SHORT, "Quote identifiers", QUOTING)

            .define(MODE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, MODES, Importance.HIGH,
                    "bulk: the whole table each poll; incrementing: new rows by a strictly increasing column; "
                            + "timestamp: new and updated rows by a timestamp column; timestamp+incrementing: both, "
                            + "the safe choice for updates.", MODE_GROUP, 1, Width.MEDIUM, "Mode", MODES)
            .define(INCREMENTING_COLUMN_NAME, Type.STRING, "", Importance.MEDIUM,
                    "Strictly increasing integer column (usually the primary key) for the incrementing modes.",
                    MODE_GROUP, 2, Width.MEDIUM, "Incrementing column")
            .define(INCREMENTING_COLUMN_MAPPING, Type.LIST, "", TableMapping.VALIDATOR, Importance.LOW,
                    "Per-table incrementing columns as 'table_regex:column' entries; the first match wins, "
                            + "incrementing.column.name otherwise.", MODE_GROUP, 3, Width.LONG,
                    "Incrementing column mapping")
            .define(TIMESTAMP_COLUMN_NAME, Type.LIST, "", Importance.MEDIUM,
                    "Timestamp column(s) for the timestamp modes; several are combined with COALESCE in order.",
                    MODE_GROUP, 4, Width.MEDIUM, "Timestamp column(s)")
            .define(TIMESTAMP_COLUMNS_MAPPING, Type.LIST, "", TableMapping.VALIDATOR, Importance.LOW,
                    "Per-table timestamp columns as 'table_regex:[col1|col2]' entries; the first match wins, "
                            + "timestamp.column.name otherwise.", MODE_GROUP, 5, Width.LONG,
                    "Timestamp columns mapping")
            .define(VALIDATE_NON_NULL, Type.BOOLEAN, true, Importance.LOW,
                    "Reject mode columns that are nullable: rows with NULL there are never read.",
                    MODE_GROUP, 6, Width.SHORT, "Validate non-null")
            .define(QUERY, Type.STRING, "", Importance.MEDIUM,
                    "Read this SELECT instead of tables. Any SELECT works (WHERE, JOIN, CTE, ORDER BY, UNION): "
                            + "the connector wraps it and filters outside. The topic is topic.prefix.",
                    MODE_GROUP, 7, Width.LONG, "Query")
            .define(QUERY_MASKED, Type.PASSWORD, null, Importance.LOW,
                    "The query as a password-type value (Confluent's key): used instead of 'query' and never "
                            + "logged or shown.", MODE_GROUP, 8, Width.LONG, "Query (masked)")
            .define(QUERY_SUFFIX, Type.STRING, "", Importance.LOW,
                    "Text appended to every generated query (after ORDER BY), e.g. a hint. Reads run in read-only "
                            + "transactions, so locking clauses are refused by the database.",
                    MODE_GROUP, 9, Width.MEDIUM, "Query suffix")
            .define(QUERY_CHANGE_BEHAVIOR, Type.STRING, "fail", QUERY_CHANGES, Importance.LOW,
                    "Sluice: when the stored offset was written for a different query: fail (the task fails "
                            + "and says so) or restart (read the new query from timestamp.initial).",
                    MODE_GROUP, 10, Width.SHORT, "On query change", QUERY_CHANGES)

            .define(TIMESTAMP_DELAY_INTERVAL_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Only read rows whose timestamp is at least this much older than the database's clock, so "
                            + "transactions that commit late are not skipped.", DELIVERY, 1, Width.SHORT,
                    "Delay interval (ms)")
            .define(TIMESTAMP_OPEN_TRANSACTIONS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Sluice: also stop each read just before the start of the oldest transaction still open in "
                            + "the database (PostgreSQL pg_stat_activity, MariaDB/MySQL INNODB_TRX), so rows that "
                            + "transaction commits later with database-assigned timestamps are not skipped. Rows "
                            + "are held back only while such a transaction is open.",
                    DELIVERY, 2, Width.SHORT, "Bound by open transactions")
            .define(TIMESTAMP_INITIAL, Type.LONG, null, Importance.LOW,
                    "Epoch ms to start the timestamp modes from when there is no offset; -1 means the "
                            + "database's current time; unset means the beginning.", DELIVERY, 3, Width.SHORT,
                    "Initial timestamp")
            .define(INCREMENTING_INITIAL, Type.LONG, null, Importance.LOW,
                    "Aiven's key: in incrementing mode, read only ids above this value when there is no offset; "
                            + "unset means from the lowest id.", DELIVERY, 6, Width.SHORT, "Initial id")
            .define(INCREMENTING_GAP_TIMEOUT_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Sluice: in incrementing mode, ids missing below the highest id read (allocated by "
                            + "transactions not yet committed) are re-read every poll for this long. 0 disables.",
                    DELIVERY, 4, Width.SHORT, "Gap re-read (ms)")
            .define(INCREMENTING_GAP_MAX, Type.INT, 100, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                    "Sluice: at most this many id ranges are re-read per table (the newest are kept).",
                    DELIVERY, 5, Width.SHORT, "Gap ranges kept")

            .define(TOPIC_PREFIX, Type.STRING, "", Importance.HIGH,
                    "Prefix of each table's topic (prefix + table name); in query mode, the whole topic name.",
                    CONNECTOR, 1, Width.MEDIUM, "Topic prefix")
            .define(POLL_INTERVAL_MS, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1), Importance.HIGH,
                    "How often each table is queried for new data once it is caught up.",
                    CONNECTOR, 2, Width.SHORT, "Poll interval (ms)")
            .define(BATCH_MAX_ROWS, Type.INT, 1_000, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                    "Most records returned per poll, and the fetch size of the streaming reads.",
                    CONNECTOR, 3, Width.SHORT, "Batch size")
            .define(DB_TIMEZONE, Type.STRING, "UTC", ZoneValidator.INSTANCE, Importance.MEDIUM,
                    "Time zone of TIMESTAMP/DATETIME values without a zone; applied to reads and to the query "
                            + "bounds alike.", CONNECTOR, 4, Width.SHORT, "Database time zone")
            .define(TIMESTAMP_GRANULARITY, Type.STRING, TimestampGranularity.CONNECT_LOGICAL.configValue(),
                    TimestampGranularity.CHOICE, Importance.LOW,
                    "How timestamp columns appear in records: connect_logical (Connect Timestamp, millisecond "
                            + "precision), nanos_long (epoch nanoseconds), nanos_string (the same as text), "
                            + "nanos_iso_datetime_string (ISO-8601 with nanoseconds), and the same three in "
                            + "microseconds: micros_long, micros_string, micros_iso_datetime_string. Offsets always "
                            + "keep full precision.", CONNECTOR, 5, Width.MEDIUM, "Timestamp granularity",
                    TimestampGranularity.CHOICE)
            .define(NUMERIC_MAPPING, Type.STRING, NumericMapping.NONE.configValue(), NumericMapping.CHOICE,
                    Importance.LOW, "How NUMERIC/DECIMAL columns map: none (Connect Decimal), precision_only "
                            + "(integers when scale is 0 and they fit), best_fit (also FLOAT64 when precision <= "
                            + "15), best_fit_eager_double (FLOAT64 for every fraction; may round).",
                    CONNECTOR, 6, Width.MEDIUM, "Numeric mapping", NumericMapping.CHOICE)
            .define(NUMERIC_PRECISION_MAPPING, Type.BOOLEAN, false, Importance.LOW,
                    "Confluent's older key: true means numeric.mapping=precision_only when numeric.mapping is not "
                            + "set.", CONNECTOR, 7, Width.SHORT, "Numeric precision mapping (deprecated)");

    public JdbcSourceConfig(Map<?, ?> props) {
        this(props, true);
    }

    /** With {@code checked}, the first problem spanning keys throws; config/validate lists them all instead. */
    JdbcSourceConfig(Map<?, ?> props, boolean checked) {
        super(CONFIG_DEF, props, false); // Kafka's dump would print connection.url with any password it carries
        List<Problem> problems = checked ? crossKeyProblems() : List.of();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.get(0).key() + ": " + problems.get(0).message());
        }
        if (checked && LOG.isInfoEnabled()) {
            LOG.info("JdbcSourceConfig values:\n{}", dump());
        }
    }

    /** Every value, one per line as Kafka prints them, with secrets hidden, the URL's included. */
    String dump() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(values()).forEach((key, value) -> sb.append('\t').append(key).append(" = ")
                .append(key.equals(CONNECTION_URL) ? Database.redactUrl(String.valueOf(value)) : value).append('\n'));
        return sb.toString();
    }

    /** A problem with a key's value that only shows next to other keys. */
    record Problem(String key, String message) {
    }

    public Mode mode() {
        return Mode.parse(getString(MODE));
    }

    public boolean queryMode() {
        return !query().isBlank();
    }

    /** The query to read: query.masked when set, else query; empty in table mode. */
    public String query() {
        Password masked = getPassword(QUERY_MASKED);
        return masked != null && !masked.value().isBlank() ? masked.value() : getString(QUERY);
    }

    /** Warnings for the keys of Confluent's connector in this config that change nothing here. */
    public Map<String, String> confluentKeyWarnings() {
        return CONFLUENT.warnings(originals());
    }

    /** The dialect dialect.name names, in our words: postgresql, mariadb, generic, or empty (from the URL). */
    public String dialectName() {
        String name = Choice.normalize(getString(DIALECT_NAME));
        return switch (name) {
            case "postgresqldatabasedialect" -> "postgresql";
            case "mysqldatabasedialect" -> "mariadb";
            case "", "postgresql", "mariadb", "mysql", "generic" -> name;
            default -> "generic"; // Confluent's dialects for other databases: their driver, our generic SQL
        };
    }

    public String url() {
        return getString(CONNECTION_URL);
    }

    public String user() {
        return getString(CONNECTION_USER);
    }

    public String password() {
        Password p = getPassword(CONNECTION_PASSWORD);
        return p == null ? null : p.value();
    }

    /**
     * Driver properties given as {@code connection.<property>} (Confluent's way to set any driver parameter, e.g.
     * {@code connection.loginTimeout}): every {@code connection.*} key that is not one of ours.
     */
    public Map<String, String> driverProperties() {
        Map<String, String> out = new TreeMap<>();
        originalsWithPrefix("connection.").forEach((k, v) -> {
            if (!CONFIG_DEF.names().contains("connection." + k) && v != null) {
                out.put(k, v instanceof Password p ? p.value() : String.valueOf(v));
            }
        });
        return out;
    }

    public ZoneId dbZone() {
        return ZoneId.of(getString(DB_TIMEZONE));
    }

    public TimeZone dbTimeZone() {
        return TimeZone.getTimeZone(dbZone());
    }

    public QueryChange queryChangeBehavior() {
        return Choice.parseEnum(QueryChange.class, getString(QUERY_CHANGE_BEHAVIOR));
    }

    public boolean quoteIdentifiers() {
        return "always".equals(Choice.normalize(getString(QUOTE_SQL_IDENTIFIERS)));
    }

    /**
     * The wait after {@code failures} consecutive failures: connection.backoff.ms, doubling, at most a minute (or
     * connection.backoff.ms if that is longer), so a database that is back is found again soon.
     */
    public long backoffMs(int failures) {
        long base = getLong(CONNECTION_BACKOFF_MS);
        return Math.min(Math.max(60_000, base), base << Math.min(Math.max(failures - 1, 0), 20));
    }

    /** How long an unreachable database is retried before the task fails. */
    public RetryBudget connectionRetryBudget() {
        return new RetryBudget(getInt(CONNECTION_ATTEMPTS), getLong(CONNECTION_RETRY_TIMEOUT_MS), CONNECTION_ATTEMPTS,
                CONNECTION_RETRY_TIMEOUT_MS);
    }

    public NumericMapping numericMapping() {
        if (!originals().containsKey(NUMERIC_MAPPING) && getBoolean(NUMERIC_PRECISION_MAPPING)) {
            return NumericMapping.PRECISION_ONLY; // as Confluent reads its deprecated key
        }
        return NumericMapping.parse(getString(NUMERIC_MAPPING));
    }

    public TimestampGranularity timestampGranularity() {
        return TimestampGranularity.parse(getString(TIMESTAMP_GRANULARITY));
    }

    /** The incrementing column for {@code table} (unqualified or qualified name), or null. */
    public String incrementingColumn(String qualifiedTable) {
        String mapped = TableMapping.lookup(getList(INCREMENTING_COLUMN_MAPPING), qualifiedTable);
        if (mapped != null) {
            return mapped;
        }
        String name = getString(INCREMENTING_COLUMN_NAME);
        return name.isBlank() ? null : name.trim();
    }

    /** The timestamp columns for {@code table}, combined with COALESCE in this order. */
    public List<String> timestampColumns(String qualifiedTable) {
        String mapped = TableMapping.lookup(getList(TIMESTAMP_COLUMNS_MAPPING), qualifiedTable);
        if (mapped != null) {
            return List.of(mapped.replace("[", "").replace("]", "").split("\\|"));
        }
        List<String> names = new ArrayList<>();
        for (String n : getList(TIMESTAMP_COLUMN_NAME)) {
            if (!n.isBlank()) {
                names.add(n.trim());
            }
        }
        return names;
    }

    /** Problems no single key's validator can see, each naming the key to fix. */
    List<Problem> crossKeyProblems() {
        List<Problem> problems = new ArrayList<>();
        Mode mode = mode();
        boolean anyIncrementing = !getString(INCREMENTING_COLUMN_NAME).isBlank()
                || !getList(INCREMENTING_COLUMN_MAPPING).isEmpty();
        boolean anyTimestamp = !getList(TIMESTAMP_COLUMN_NAME).stream().allMatch(String::isBlank)
                || !getList(TIMESTAMP_COLUMNS_MAPPING).isEmpty();
        if (mode.usesIncrementing() && !anyIncrementing) {
            problems.add(new Problem(INCREMENTING_COLUMN_NAME,
                    "mode '" + mode + "' needs the incrementing column: set incrementing.column.name"));
        }
        if (getInt(TABLE_CHUNKS) > 1 && (mode == Mode.TIMESTAMP || !anyIncrementing)) {
            problems.add(new Problem(TABLE_CHUNKS,
                    "chunks split rows by the incrementing column: set incrementing.column.name and use a mode "
                            + "other than timestamp, or set table.chunks=1"));
        }
        if (get(INCREMENTING_INITIAL) != null && mode != Mode.INCREMENTING) {
            problems.add(new Problem(INCREMENTING_INITIAL,
                    "incrementing.initial applies to mode=incrementing; remove it (timestamp modes start at "
                            + "timestamp.initial)"));
        }
        if (mode.usesTimestamp() && !anyTimestamp) {
            problems.add(new Problem(TIMESTAMP_COLUMN_NAME,
                    "mode '" + mode + "' needs the timestamp column(s): set timestamp.column.name"));
        }
        CONFLUENT.errors(originals()).forEach((key, message) -> problems.add(new Problem(key, message)));
        if (Database.mariaDbServesMySqlUrl(url())) {
            MySqlUrl.problems(url(), dbZone()).forEach(p -> problems.add(new Problem(CONNECTION_URL, p)));
        }
        if (!getList(TABLE_WHITELIST).isEmpty() && !getList(TABLE_INCLUDE_LIST).isEmpty()) {
            problems.add(new Problem(TABLE_INCLUDE_LIST,
                    "use either table.whitelist or table.include.list, not both"));
        }
        if (!getList(TABLE_BLACKLIST).isEmpty() && !getList(TABLE_EXCLUDE_LIST).isEmpty()) {
            problems.add(new Problem(TABLE_EXCLUDE_LIST,
                    "use either table.blacklist or table.exclude.list, not both"));
        }
        if (queryMode() && (!getList(TABLE_WHITELIST).isEmpty() || !getList(TABLE_INCLUDE_LIST).isEmpty())) {
            problems.add(new Problem(QUERY,
                    "query mode reads one query: remove table.whitelist/table.include.list or the query"));
        }
        if (queryMode() && getString(TOPIC_PREFIX).isBlank()) {
            problems.add(new Problem(TOPIC_PREFIX,
                    "query mode writes to the topic named by topic.prefix: set it"));
        }
        return problems;
    }

    /** Validates a list of regular expressions. */
    enum RegexList implements ConfigDef.Validator {
        INSTANCE;

        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof List<?> list) {
                for (Object o : list) {
                    try {
                        Pattern.compile(o.toString());
                    } catch (PatternSyntaxException e) {
                        throw new ConfigException(name, o, "not a regular expression: " + e.getDescription());
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "regular expressions";
        }
    }

    /** Validates an ID of {@link ZoneId}. */
    enum ZoneValidator implements ConfigDef.Validator {
        INSTANCE;

        @Override
        public void ensureValid(String name, Object value) {
            try {
                ZoneId.of(String.valueOf(value));
            } catch (RuntimeException e) {
                throw new ConfigException(name, value, "not a time zone id; use e.g. UTC or Europe/Berlin");
            }
        }

        @Override
        public String toString() {
            return "a time zone id";
        }
    }

    /** Confluent's per-table column mappings: {@code table_regex:column} entries. */
    static final class TableMapping {
        static final ConfigDef.Validator VALIDATOR = (name, value) -> {
            if (value instanceof List<?> list) {
                for (Object o : list) {
                    String entry = o.toString();
                    int colon = entry.lastIndexOf(':');
                    if (colon <= 0 || colon == entry.length() - 1) {
                        throw new ConfigException(name, entry, "entries are 'table_regex:column'");
                    }
                    try {
                        Pattern.compile(entry.substring(0, colon));
                    } catch (PatternSyntaxException e) {
                        throw new ConfigException(name, entry, "not a regular expression: " + e.getDescription());
                    }
                }
            }
        };

        static String lookup(List<String> entries, String qualifiedTable) {
            String bare = qualifiedTable.substring(qualifiedTable.lastIndexOf('.') + 1);
            for (String entry : entries) {
                int colon = entry.lastIndexOf(':');
                Pattern p = Pattern.compile(entry.substring(0, colon));
                if (p.matcher(qualifiedTable).matches() || p.matcher(bare).matches()) {
                    return entry.substring(colon + 1).trim();
                }
            }
            return null;
        }

        private TableMapping() {
        }
    }
}
