package io.sluice.connect.jdbc;

import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.config.PeerKeys;
import io.sluice.connect.common.fault.RetryBudget;
import io.sluice.connect.jdbc.dialect.Dialect;
import io.sluice.connect.jdbc.source.ChunkRange;
import io.sluice.connect.jdbc.source.Position;
import io.sluice.connect.jdbc.source.TableFilter;
import io.sluice.connect.jdbc.source.TableId;
import io.sluice.connect.jdbc.source.TableReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies tables (or one query) from a JDBC database into Kafka. Tables are discovered, filtered, watched for
 * additions and drops every {@code table.poll.interval.ms}, and spread over tasks by size (largest first onto the
 * least loaded task), not round-robin.
 */
public final class JdbcSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(JdbcSourceConnector.class);
    private static final Set<Integer> INTEGRAL = Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT);
    private static final Set<Integer> TEMPORAL = Set.of(Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE);

    private Map<String, String> props;
    private JdbcSourceConfig config;
    private Dialect dialect;
    private volatile Map<TableId, Long> tables = Map.of();
    /** Chunk ranges this connector assigned, by table (null: the query), so reassignments keep them. */
    private final Map<TableId, List<ChunkRange>> chunkRanges = new HashMap<>();
    private ScheduledExecutorService monitor;
    /** When the first table listing first failed, for the retry budget. */
    private long startedMs;

    @Override
    public String version() {
        return SluiceVersion.get();
    }

    @Override
    public ConfigDef config() {
        return JdbcSourceConfig.CONFIG_DEF;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return JdbcSourceTask.class;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        config = new JdbcSourceConfig(props);
        dialect = dialectOf(config);
        config.confluentKeyWarnings().values().forEach(log::warn);
        if (Database.mariaDbServesMySqlUrl(config.url())) {
            List<String> ignored = MySqlUrl.toMariaDb(config.url(), config.dbZone()).ignored();
            log.info("connection.url is a MySQL Connector/J URL; the bundled MariaDB driver serves it{}",
                    ignored.isEmpty() ? "" : ", without these options: " + String.join(", ", ignored));
        }
        if (config.queryMode()) {
            return;
        }
        monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-jdbc-table-monitor");
            t.setDaemon(true);
            return t;
        });
        try (Connection c = Database.open(config, dialect)) {
            tables = discover(c);
            watchTables();
        } catch (SQLException | RuntimeException e) {
            // The database may be down for a moment: list again with backoff, then fail the connector if it stays so.
            startedMs = System.currentTimeMillis();
            log.warn("Cannot list the tables yet (attempt 1; {}): {}", config.connectionRetryBudget().describe(),
                    reason(e));
            monitor.schedule(() -> firstListing(2), config.backoffMs(1), TimeUnit.MILLISECONDS);
        }
    }

    private void firstListing(int attempt) {
        try (Connection c = Database.open(config, dialect)) {
            tables = discover(c);
            context.requestTaskReconfiguration();
            watchTables();
        } catch (SQLException | RuntimeException e) {
            RetryBudget budget = config.connectionRetryBudget();
            long elapsed = System.currentTimeMillis() - startedMs;
            if (e instanceof SQLException sql && SqlFault.of(sql, dialect) == SqlFault.PERMANENT) {
                context.raiseError(new ConnectException("Cannot list the tables of "
                        + Database.redactUrl(config.url()).replaceAll("\\?.*", "") + " and a retry cannot help: "
                        + reason(e), e));
                return;
            }
            if (budget.exhausted(attempt, elapsed)) {
                context.raiseError(new ConnectException("Cannot list the tables of "
                        + Database.redactUrl(config.url()).replaceAll("\\?.*", "") + " after " + attempt + " attempts over "
                        + elapsed / 1000 + " s (" + budget.describe() + "): " + reason(e), e));
                return;
            }
            log.warn("Cannot list the tables yet (attempt {}, {} s; {}): {}", attempt, elapsed / 1000,
                    budget.describe(), reason(e));
            monitor.schedule(() -> firstListing(attempt + 1), config.backoffMs(attempt), TimeUnit.MILLISECONDS);
        }
    }

    private void watchTables() {
        log.info("JDBC source found {} table(s): {}", tables.size(), tables.keySet());
        long every = config.getLong(JdbcSourceConfig.TABLE_POLL_INTERVAL_MS);
        monitor.scheduleWithFixedDelay(this::rediscover, every, every, TimeUnit.MILLISECONDS);
    }



    private String reason(Exception e) {
        return Database.reason(e, config);
    }

    private void rediscover() {
        try (Connection c = Database.open(config, dialect)) {
            Map<TableId, Long> found = discover(c);
            if (!found.keySet().equals(tables.keySet())) {
                log.info("Tables changed from {} to {}; reconfiguring tasks", tables.keySet(), found.keySet());
                tables = found;
                context.requestTaskReconfiguration();
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not refresh the table list (tasks keep reading): {}", reason(e));
        }
    }

    /** Every table the patterns and types let discovery see, before the name filters. */
    private static List<TableId> visibleTables(JdbcSourceConfig config, Dialect dialect, Connection c)
            throws SQLException {
        return dialect.tables(c, config.getString(JdbcSourceConfig.CATALOG_PATTERN),
                config.getString(JdbcSourceConfig.SCHEMA_PATTERN), config.getList(JdbcSourceConfig.TABLE_TYPES));
    }

    private static TableFilter tableFilter(JdbcSourceConfig config) {
        return new TableFilter(config.getList(JdbcSourceConfig.TABLE_WHITELIST),
                config.getList(JdbcSourceConfig.TABLE_BLACKLIST), config.getList(JdbcSourceConfig.TABLE_INCLUDE_LIST),
                config.getList(JdbcSourceConfig.TABLE_EXCLUDE_LIST));
    }

    /** The selected tables with their sizes, largest first. */
    private Map<TableId, Long> discover(Connection c) throws SQLException {
        TableFilter filter = tableFilter(config);
        Map<TableId, Long> sizes = new HashMap<>();
        for (TableId t : visibleTables(config, dialect, c)) {
            if (filter.accepts(t)) {
                sizes.put(t, dialect.tableSize(c, t));
            }
        }
        Map<TableId, Long> sorted = new LinkedHashMap<>();
        sizes.entrySet().stream()
                .sorted(Map.Entry.<TableId, Long>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().qualified()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int chunks = config.getInt(JdbcSourceConfig.TABLE_CHUNKS);
        // Units of work with their weight: every chunk of every table (the query counts as one table).
        Map<JdbcSourceTask.Assignment, Long> units = new LinkedHashMap<>();
        Map<TableId, Long> current = config.queryMode() ? Collections.singletonMap(null, 1L) : tables;
        current.forEach((table, size) -> {
            if (chunks == 1) {
                units.put(new JdbcSourceTask.Assignment(table, 0, null), size);
                return;
            }
            List<ChunkRange> ranges = chunkRanges(table);
            for (int c = 0; c < chunks; c++) {
                units.put(new JdbcSourceTask.Assignment(table, c, ranges.get(c)), Math.max(1, size / chunks));
            }
        });
        if (units.isEmpty()) {
            log.warn("No tables match the connector's table filters; no tasks until one appears");
            return List.of();
        }
        int groups = Math.min(maxTasks, units.size());
        List<List<JdbcSourceTask.Assignment>> assigned = new ArrayList<>();
        long[] load = new long[groups];
        for (int i = 0; i < groups; i++) {
            assigned.add(new ArrayList<>());
        }
        units.entrySet().stream().sorted(Map.Entry.<JdbcSourceTask.Assignment, Long>comparingByValue().reversed())
                .forEach(e -> { // largest first onto the least loaded
                    int target = 0;
                    for (int i = 1; i < groups; i++) {
                        if (load[i] < load[target]
                                || load[i] == load[target] && assigned.get(i).size() < assigned.get(target).size()) {
                            target = i;
                        }
                    }
                    assigned.get(target).add(e.getKey());
                    load[target] += e.getValue();
                });
        List<Map<String, String>> configs = new ArrayList<>(groups);
        for (List<JdbcSourceTask.Assignment> group : assigned) {
            Map<String, String> task = new HashMap<>(props);
            task.put(JdbcSourceTask.Assignment.KEY, JdbcSourceTask.Assignment.encode(group));
            configs.add(task);
        }
        return configs;
    }

    /**
     * The id ranges of a table's (or the query's, table null) chunks. Once chunks have stored offsets, their ranges
     * are kept (a restarted or reconfigured connector does not move rows between chunks); otherwise the ranges
     * this connector computed before, else new ones splitting the column's current MIN..MAX evenly.
     */
    private List<ChunkRange> chunkRanges(TableId table) {
        TableReader.Source whole = table == null ? Sources.query(config) : Sources.table(config, dialect, table);
        List<ChunkRange> stored = null;
        for (List<Map<String, String>> byName : Sources.chunkPartitionsByName(config, whole)) {
            stored = stored != null ? stored : storedChunkRanges(byName);
        }
        if (stored != null) {
            chunkRanges.put(table, stored);
            return stored;
        }
        return chunkRanges.computeIfAbsent(table, t -> {
            String column = dialect.quote(whole.incrementingColumn());
            try (Connection c = Database.open(config, dialect);
                 PreparedStatement ps = c.prepareStatement("SELECT MIN(" + column + "), MAX(" + column + ") FROM "
                         + whole.from());
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                long max = rs.wasNull() ? min : rs.getLong(2); // an empty table: 0..0
                List<ChunkRange> ranges = ChunkRange.split(min, max, config.getInt(JdbcSourceConfig.TABLE_CHUNKS));
                log.info("{} is read as chunks {} of {}", whole.name(), ranges, whole.incrementingColumn());
                return ranges;
            } catch (SQLException e) {
                // The worker retries the task configuration with backoff.
                throw new ConnectException("Cannot split " + whole.name() + " into chunks (table.chunks): "
                        + reason(e), e);
            }
        });
    }

    /** The ranges the chunks' stored offsets were written for, when they tell every bound; else null. */
    private List<ChunkRange> storedChunkRanges(List<Map<String, String>> partitions) {
        int n = partitions.size();
        Long[] bounds = new Long[n + 1]; // bounds[i]: where chunk i starts; 0 and n stay unbounded
        boolean[] known = new boolean[n + 1];
        known[0] = true;
        known[n] = true;
        Map<Map<String, String>, Map<String, Object>> found = context().offsetStorageReader().offsets(partitions);
        for (int i = 0; i < n; i++) {
            Map<String, Object> offset = found.get(partitions.get(i));
            ChunkRange r = offset == null ? null : Position.chunkOf(offset);
            if (r == null) {
                continue;
            }
            if (!setBound(bounds, known, i, r.from()) || !setBound(bounds, known, i + 1, r.to())) {
                log.warn("The stored chunk offsets of {} disagree on the chunks' bounds; new ranges are assigned "
                        + "and each chunk starts from the earliest stored position overlapping it",
                        partitions.get(i));
                return null;
            }
        }
        List<ChunkRange> ranges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!known[i] || !known[i + 1]) {
                return null;
            }
            ranges.add(new ChunkRange(bounds[i], bounds[i + 1]));
        }
        return ChunkRange.splitsTheLine(ranges) ? List.copyOf(ranges) : null;
    }

    private static boolean setBound(Long[] bounds, boolean[] known, int i, Long value) {
        if (known[i]) {
            return Objects.equals(bounds[i], value);
        }
        known[i] = true;
        bounds[i] = value;
        return true;
    }

    @Override
    public void stop() {
        if (monitor != null) {
            monitor.shutdownNow();
        }
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> props) {
        // With an incrementing column every record carries the exact position after it, so a transactional offset
        // commit is exact. Timestamp mode has no position inside a group of equal timestamps (a crash there re-reads
        // the group); bulk copies the whole table every time by design.
        String mode = props.get(JdbcSourceConfig.MODE);
        try {
            return mode != null && Mode.parse(mode).usesIncrementing() ? ExactlyOnceSupport.SUPPORTED
                    : ExactlyOnceSupport.UNSUPPORTED;
        } catch (IllegalArgumentException e) {
            return null; // not a mode: config/validate reports it on 'mode'
        }
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = new HashMap<>();
        result.configValues().forEach(v -> values.put(v.name(), v));
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        JdbcSourceConfig cfg = new JdbcSourceConfig(connectorConfigs, false);
        List<JdbcSourceConfig.Problem> problems = cfg.crossKeyProblems();
        problems.forEach(p -> PeerKeys.addError(result, p.key(), p.message()));
        if (!problems.isEmpty()) {
            return result;
        }
        new DatabaseChecks(cfg, dialectOf(cfg), values).run();
        return result;
    }

    private static Dialect dialectOf(JdbcSourceConfig c) {
        return Dialect.of(c.dialectName(), c.url(), c.quoteIdentifiers());
    }

    private static void addError(Map<String, ConfigValue> values, String key, String message) {
        ConfigValue v = values.get(key);
        if (v != null) {
            v.addErrorMessage(message);
        }
    }

    /** Checks against the database itself: reachable, tables present, mode columns present and of the right type. */
    private static final class DatabaseChecks {
        private final JdbcSourceConfig config;
        private final Dialect dialect;
        private final Map<String, ConfigValue> values;

        DatabaseChecks(JdbcSourceConfig config, Dialect dialect, Map<String, ConfigValue> values) {
            this.config = config;
            this.dialect = dialect;
            this.values = values;
        }

        void run() {
            try (Connection c = Database.open(config, dialect)) {
                if (config.queryMode()) {
                    checkColumns(c, Sources.query(config), JdbcSourceConfig.QUERY);
                    return;
                }
                List<TableId> all = visibleTables(config, dialect, c);
                for (String name : config.getList(JdbcSourceConfig.TABLE_WHITELIST)) {
                    if (!name.isBlank() && all.stream().noneMatch(t -> TableFilter.named(t, name.trim()))) {
                        addError(values, JdbcSourceConfig.TABLE_WHITELIST, "No table named '" + name.trim()
                                + "' is visible to this user (check the name, schema.pattern and catalog.pattern)");
                    }
                }
                TableFilter filter = tableFilter(config);
                for (TableId t : all) {
                    if (filter.accepts(t)) {
                        checkColumns(c, Sources.table(config, dialect, t), JdbcSourceConfig.TABLE_WHITELIST);
                    }
                }
            } catch (SQLException e) {
                addError(values, JdbcSourceConfig.CONNECTION_URL, "Cannot connect to the database: "
                        + Database.redact(e.getMessage(), config));
            }
        }

        private void checkColumns(Connection c, TableReader.Source s, String sourceKey) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + s.from() + " WHERE 1 = 0");
                 ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                Mode mode = config.mode();
                if (mode.usesIncrementing()) {
                    checkColumn(md, s, s.incrementingColumn(), JdbcSourceConfig.INCREMENTING_COLUMN_NAME, true);
                }
                if (mode.usesTimestamp()) {
                    for (String ts : s.timestampColumns()) {
                        checkColumn(md, s, ts, JdbcSourceConfig.TIMESTAMP_COLUMN_NAME, false);
                    }
                }
            } catch (SQLException e) {
                addError(values, sourceKey, "Cannot read " + s.name() + ": " + Database.redact(e.getMessage(), config));
            } finally {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // only ends the read; the connection is closed next
                }
            }
        }

        private void checkColumn(ResultSetMetaData md, TableReader.Source s, String column, String key,
                                 boolean incrementing) throws SQLException {
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (!md.getColumnLabel(i).equalsIgnoreCase(column)) {
                    continue;
                }
                int type = md.getColumnType(i);
                boolean ok = incrementing
                        ? INTEGRAL.contains(type) || (type == Types.NUMERIC || type == Types.DECIMAL) && md.getScale(i) == 0
                        : TEMPORAL.contains(type);
                if (!ok) {
                    addError(values, key, "Column '" + column + "' of " + s.name() + " is " + md.getColumnTypeName(i)
                            + "; " + (incrementing ? "the incrementing column must be an integer type"
                            : "a timestamp column must be a DATE, TIMESTAMP or DATETIME type"));
                }
                if (config.getBoolean(JdbcSourceConfig.VALIDATE_NON_NULL)
                        && md.isNullable(i) == ResultSetMetaData.columnNullable) {
                    addError(values, key, "Column '" + column + "' of " + s.name() + " is nullable: rows with NULL "
                            + "there would never be read. Make it NOT NULL or set validate.non.null=false");
                }
                return;
            }
            addError(values, key, s.name() + " has no column '" + column + "'");
        }
    }
}
