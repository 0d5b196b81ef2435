package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.connect.jdbc.schema.ColumnInfo;
import io.sluice.connect.jdbc.schema.NumericMapping;
import io.sluice.connect.jdbc.schema.TimestampGranularity;
import io.sluice.connect.jdbc.schema.TypeMapping;
import io.sluice.connect.jdbc.source.TableId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

/** The documented type table, checked column by column against the real databases. */
class TypeMappingIT {

    private static Struct onlyRow(TestDatabase db, TableId table, Map<String, String> extra) throws Exception {
        Map<String, String> p = db.props("bulk");
        p.putAll(extra);
        try (TaskHarness h = new TaskHarness(p, table).start()) {
            h.pollUntilCount(1);
            return (Struct) h.delivered.get(0).value();
        }
    }

    private static Schema.Type type(Struct s, String field) {
        return s.schema().field(field).schema().type();
    }

    private static String logical(Struct s, String field) {
        return s.schema().field(field).schema().name();
    }

    @Test
    void postgresql() throws Exception {
        TestDatabase db = TestDatabase.POSTGRES;
        String t = TestDatabase.table("pg_types");
        String mood = t + "_mood";
        db.exec("CREATE TYPE " + mood + " AS ENUM ('happy', 'sad')",
                "CREATE TABLE " + t + " (b BOOLEAN NOT NULL, i2 SMALLINT, i4 INTEGER, i8 BIGINT, r REAL, "
                        + "d DOUBLE PRECISION, n NUMERIC, n102 NUMERIC(10,2), n50 NUMERIC(5,0), "
                        + "u UUID, j JSON, jb JSONB, ia INTEGER[], ta TEXT[], ts TIMESTAMP(6), tz TIMESTAMPTZ, "
                        + "dt DATE, tm TIME, iv INTERVAL, by BYTEA, ip INET, e " + mood + ", m MONEY, "
                        + "vb BIT VARYING(8), c CHAR(3), x XML)",
                "INSERT INTO " + t + " VALUES (true, 12, 1234, 9007199254740993, 1.5, 2.25, "
                        + "123456789012345678901234567890.000000000000000000001, 12345678.91, 12345, "
                        + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": 1}', '{\"k\": [1, 2]}', '{1,2,NULL}', "
                        + "'{x,\"y z\"}', '2026-03-29 02:30:00.123456', '2026-03-29 01:30:00.654321+00', "
                        + "'1900-01-01', '13:45:56.789', '1 day 02:03:04', '\\xdeadbeef', '10.0.0.1/8', 'sad', "
                        + "'12.34', B'1010', 'ab', '<a>1</a>')");
        Struct s = onlyRow(db, new TableId("test", "public", t), Map.of());
        assertThat(s.get("b")).isEqualTo(true);
        assertThat(s.schema().field("b").schema().isOptional()).isFalse();
        assertThat(s.get("i2")).isEqualTo((short) 12);
        assertThat(s.get("i4")).isEqualTo(1234);
        assertThat(s.get("i8")).isEqualTo(9007199254740993L);
        assertThat(s.get("r")).isEqualTo(1.5f);
        assertThat(s.get("d")).isEqualTo(2.25d);
        // NUMERIC without precision has no scale to declare: its exact text, never rounded
        assertThat(s.get("n")).isEqualTo("123456789012345678901234567890.000000000000000000001");
        assertThat(logical(s, "n102")).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(s.get("n102")).isEqualTo(new BigDecimal("12345678.91"));
        assertThat(s.get("u")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(s.get("j")).isEqualTo("{\"k\": 1}");
        assertThat(s.get("jb")).isEqualTo("{\"k\": [1, 2]}");
        assertThat(s.getArray("ia")).containsExactly(1, 2, null);
        assertThat(s.getArray("ta")).containsExactly("x", "y z");
        assertThat(logical(s, "ts")).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(s.get("ts")).isEqualTo(java.util.Date.from(Instant.parse("2026-03-29T02:30:00.123Z")));
        assertThat(s.get("tz")).isEqualTo(java.util.Date.from(Instant.parse("2026-03-29T01:30:00.654Z")));
        assertThat(logical(s, "dt")).isEqualTo(Date.LOGICAL_NAME);
        assertThat(s.get("dt")).isEqualTo(new java.util.Date(LocalDate.of(1900, 1, 1).toEpochDay() * 86_400_000L));
        assertThat(logical(s, "tm")).isEqualTo(Time.LOGICAL_NAME);
        assertThat(s.get("tm")).isEqualTo(new java.util.Date(((13 * 60 + 45) * 60 + 56) * 1000L + 789));
        assertThat(s.get("iv")).isEqualTo("1 day 02:03:04");
        assertThat((byte[]) s.get("by")).containsExactly(0xde, 0xad, 0xbe, 0xef);
        assertThat(s.get("ip")).isEqualTo("10.0.0.1/8");
        assertThat(s.get("e")).isEqualTo("sad");
        assertThat(s.get("m")).isEqualTo("$12.34");
        assertThat(s.get("vb")).isEqualTo("1010");
        assertThat(s.get("c")).isEqualTo("ab ");
        assertThat(s.get("x")).isEqualTo("<a>1</a>");

        Struct best = onlyRow(db, new TableId("test", "public", t), Map.of(JdbcSourceConfig.NUMERIC_MAPPING, "best_fit"));
        assertThat(best.get("n50")).isEqualTo(12345);
        assertThat(best.get("n102")).isEqualTo(12345678.91d);
        assertThat(best.get("n")).isEqualTo("123456789012345678901234567890.000000000000000000001");

        Struct nanos = onlyRow(db, new TableId("test", "public", t),
                Map.of(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "nanos_iso_datetime_string"));
        assertThat(nanos.get("ts")).as("Confluent's form: wall-clock time in db.timezone, no zone")
                .isEqualTo("2026-03-29T02:30:00.123456000");
        Struct zoned = onlyRow(db, new TableId("test", "public", t),
                Map.of(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "nanos_long", JdbcSourceConfig.DB_TIMEZONE,
                        "Europe/Berlin"));
        // 02:30 does not exist in Berlin on 2026-03-29 (clocks jump 02:00 -> 03:00): read as 03:30 CEST = 01:30Z.
        // The zone applies to TIMESTAMP only; TIMESTAMPTZ carries its own.
        assertThat(zoned.get("ts")).isEqualTo(Instant.parse("2026-03-29T01:30:00.123456Z").getEpochSecond()
                * 1_000_000_000L + 123_456_000L);
        assertThat(zoned.get("tz")).isEqualTo(Instant.parse("2026-03-29T01:30:00.654321Z").getEpochSecond()
                * 1_000_000_000L + 654_321_000L);
    }

    /** Every value of each id, for the given settings. */
    private static Map<Integer, Struct> rowsById(TestDatabase db, TableId table, int count, Map<String, String> extra)
            throws Exception {
        Map<String, String> p = db.props("bulk");
        p.putAll(extra);
        try (TaskHarness h = new TaskHarness(p, table).start()) {
            h.pollUntilCount(count);
            Map<Integer, Struct> out = new java.util.TreeMap<>();
            h.delivered.subList(0, count).forEach(r -> out.put(((Struct) r.value()).getInt32("id"), (Struct) r.value()));
            return out;
        }
    }

    @Test
    void postgresqlTimestampsKeepMicrosecondsAcrossTheirRangeAndInfinities() throws Exception {
        TestDatabase db = TestDatabase.POSTGRES;
        String t = TestDatabase.table("pg_ts_range");
        db.exec("CREATE TABLE " + t + " (id INT PRIMARY KEY, ts TIMESTAMP(6), tz TIMESTAMPTZ)",
                "INSERT INTO " + t + " VALUES (1, '1960-01-01 10:00:00.123457', '1960-01-01 10:00:00.123457+00'), "
                        + "(2, '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00'), "
                        + "(3, '2000-01-01 00:00:00', '2000-01-01 00:00:00+00'), "
                        + "(4, 'infinity', 'infinity'), (5, '-infinity', '-infinity'), (6, NULL, NULL), "
                        + "(7, '3000-06-01 12:00:00.000001', '3000-06-01 12:00:00.000001+00')");
        TableId table = new TableId("test", "public", t);
        // The task's connections receive timestamps in binary, and the dialect decodes those bytes itself
        JdbcSourceConfig config = new JdbcSourceConfig(db.props("bulk"));
        io.sluice.connect.jdbc.dialect.Dialect dialect = io.sluice.connect.jdbc.dialect.Dialect.of("", config.url(), true);
        TypeMapping types = new TypeMapping(dialect, NumericMapping.NONE, TimestampGranularity.CONNECT_LOGICAL,
                java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")));
        try (java.sql.Connection c = Database.open(config, dialect);
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT ts, tz FROM " + t);
             java.sql.ResultSet rs = ps.executeQuery()) {
            for (int i = 1; i <= 2; i++) {
                ColumnInfo column = types.column(rs.getMetaData(), i);
                assertThat(column.binary()).isTrue();
                assertThat(dialect.wireTimestamp(column)).isNotNull();
            }
        }
        String[] expected = {"1960-01-01T10:00:00.123457Z", "1999-12-31T23:59:59.999999Z", "2000-01-01T00:00:00Z"};

        Map<Integer, Struct> iso = rowsById(db, table, 7,
                Map.of(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "nanos_iso_datetime_string"));
        Map<Integer, Struct> logical = rowsById(db, table, 7, Map.of());
        // a zone other than UTC reads TIMESTAMP through the calendar; infinities stay infinities there too
        Map<Integer, Struct> berlin = rowsById(db, table, 7, Map.of(JdbcSourceConfig.DB_TIMEZONE, "Europe/Berlin"));
        for (int id = 1; id <= 3; id++) {
            Instant at = Instant.parse(expected[id - 1]);
            for (String column : List.of("ts", "tz")) {
                assertThat(iso.get(id).get(column)).isEqualTo(java.time.format.DateTimeFormatter
                        .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS").withZone(java.time.ZoneOffset.UTC).format(at));
                assertThat(logical.get(id).get(column)).isEqualTo(new java.util.Date(at.toEpochMilli()));
            }
            assertThat(berlin.get(id).get("ts")).isEqualTo(new java.util.Date(at.toEpochMilli() - 3_600_000L));
        }
        for (Map<Integer, Struct> rows : List.of(logical, berlin)) {
            assertThat(rows.get(4).get("ts")).isEqualTo(new java.util.Date(Long.MAX_VALUE));
            assertThat(rows.get(4).get("tz")).isEqualTo(new java.util.Date(Long.MAX_VALUE));
            assertThat(rows.get(5).get("ts")).isEqualTo(new java.util.Date(Long.MIN_VALUE));
            assertThat(rows.get(5).get("tz")).isEqualTo(new java.util.Date(Long.MIN_VALUE));
            assertThat(rows.get(6).get("ts")).isNull();
        }
        // Confluent's microsecond forms keep every digit of timestamp(6)
        Map<Integer, Struct> microsIso = rowsById(db, table, 7,
                Map.of(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "micros_iso_datetime_string"));
        Map<Integer, Struct> microsLong = rowsById(db, table, 7,
                Map.of(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "micros_long"));
        Map<Integer, Struct> microsString = rowsById(db, table, 7,
                Map.of(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "micros_string"));
        for (int id = 1; id <= 3; id++) {
            Instant at = Instant.parse(expected[id - 1]);
            long micros = Math.multiplyExact(at.getEpochSecond(), 1_000_000L) + at.getNano() / 1_000;
            for (String column : List.of("ts", "tz")) {
                assertThat(microsIso.get(id).get(column)).isEqualTo(java.time.format.DateTimeFormatter
                        .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(java.time.ZoneOffset.UTC).format(at));
                assertThat(microsLong.get(id).get(column)).isEqualTo(micros);
                assertThat(microsString.get(id).get(column)).isEqualTo(Long.toString(micros));
            }
        }
        assertThat(microsLong.get(1).get("ts")).isEqualTo(-315_583_199_876_543L); // before 1970: counted down
        assertThat(microsIso.get(7).get("ts")).isEqualTo("3000-06-01T12:00:00.000001");
        assertThat(microsLong.get(4).get("ts")).isEqualTo(Long.MAX_VALUE);
        assertThat(microsString.get(5).get("tz")).isEqualTo(Long.toString(Long.MIN_VALUE));
        assertThat(microsIso.get(4).get("tz")).isEqualTo("infinity");
        assertThat(microsLong.get(6).get("ts")).isNull();

        assertThat(iso.get(4).get("ts")).isEqualTo("infinity");
        assertThat(iso.get(5).get("tz")).isEqualTo("-infinity");
        assertThat(iso.get(7).get("ts")).isEqualTo("3000-06-01T12:00:00.000001000");
        // in another db.timezone, the wall-clock time there (Confluent formats the instant in db.timezone)
        Map<Integer, Struct> berlinIso = rowsById(db, table, 7, Map.of(JdbcSourceConfig.DB_TIMEZONE, "Europe/Berlin",
                JdbcSourceConfig.TIMESTAMP_GRANULARITY, "micros_iso_datetime_string"));
        assertThat(berlinIso.get(2).get("tz")).isEqualTo("2000-01-01T00:59:59.999999");
        assertThat(berlinIso.get(2).get("ts")).isEqualTo("1999-12-31T23:59:59.999999");

        // nanoseconds since 1970 end in 2262: the year 3000 fails the read naming the column and the way out
        Map<String, String> p = db.props("bulk");
        p.put(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "nanos_long");
        try (TaskHarness h = new TaskHarness(p, table).start()) {
            assertThatThrownBy(() -> h.pollUntilCount(7)).hasMessageContaining("Column 'ts'")
                    .hasMessageContaining("timestamp.granularity");
        }
    }

    @Test
    void mariadb() throws Exception {
        TestDatabase db = TestDatabase.MARIADB;
        String t = TestDatabase.table("maria_types");
        db.exec("CREATE TABLE " + t + " (flag TINYINT(1) NOT NULL, ti TINYINT, tu TINYINT UNSIGNED, "
                        + "iu INT UNSIGNED, bu BIGINT UNSIGNED, d65 DECIMAL(65,30), bits BIT(8), j JSON, "
                        + "zd DATE NOT NULL, zdt DATETIME(6) NOT NULL, y YEAR, dt6 DATETIME(6), "
                        + "en ENUM('a','b'), bl BLOB, f FLOAT, db DOUBLE, tm TIME(6))",
                "SET SESSION sql_mode = ''",
                "INSERT INTO " + t + " VALUES (1, -5, 250, 4294967295, 18446744073709551615, "
                        + "12345678901234567890123456789012345.123456789012345678901234567890, b'10100101', "
                        + "'{\"k\": 1}', '0000-00-00', '0000-00-00 00:00:00', 2026, '2026-10-25 02:30:00.000001', "
                        + "'b', x'0102', 1.5, 2.25, '12:34:56.123456')");
        Struct s = onlyRow(db, new TableId("test", null, t), Map.of());
        assertThat(s.get("flag")).isEqualTo(true);
        assertThat(s.get("ti")).isEqualTo((byte) -5);
        assertThat(s.get("tu")).isEqualTo((short) 250);
        assertThat(s.get("iu")).isEqualTo(4294967295L);
        assertThat(s.get("bu")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(s.get("d65")).isEqualTo(new BigDecimal("12345678901234567890123456789012345.123456789012345678901234567890"));
        assertThat((byte[]) s.get("bits")).containsExactly(0xa5);
        assertThat(s.get("j")).isEqualTo("{\"k\": 1}");
        // zero dates have no calendar value: NULL, and the NOT NULL columns are declared optional for that
        assertThat(s.get("zd")).isNull();
        assertThat(s.get("zdt")).isNull();
        assertThat(s.get("y")).isEqualTo((short) 2026);
        assertThat(s.get("dt6")).isEqualTo(java.util.Date.from(Instant.parse("2026-10-25T02:30:00Z")));
        assertThat(s.get("en")).isEqualTo("b");
        assertThat((byte[]) s.get("bl")).containsExactly(1, 2);
        assertThat(s.get("f")).isEqualTo(1.5f);
        assertThat(s.get("db")).isEqualTo(2.25d);
        assertThat(s.get("tm")).isEqualTo(new java.util.Date(((12 * 60 + 34) * 60 + 56) * 1000L + 123));
        assertThat(logical(s, "tm")).isEqualTo(org.apache.kafka.connect.data.Time.LOGICAL_NAME);
        assertThat(type(s, "d65")).isEqualTo(Schema.Type.BYTES);
        assertThat(List.of(logical(s, "d65"), logical(s, "bu"))).containsOnly(Decimal.LOGICAL_NAME);
    }

    /**
     * TINYINT(1) stays the boolean Confluent's connector emits, but a 2 no longer passes as true: the row fails
     * naming the column and tinyInt1isBit=false, with which the same column reads as the number it holds.
     */
    @Test
    void mariadbTinyInt1HoldingNeitherZeroNorOneFailsOrReadsAsANumber() throws Exception {
        TestDatabase db = TestDatabase.MARIADB;
        String t = TestDatabase.table("maria_tinyint1");
        db.exec("CREATE TABLE " + t + " (id INT PRIMARY KEY, flag TINYINT(1))",
                "INSERT INTO " + t + " VALUES (1, 0), (2, 1), (3, NULL)");
        TableId table = new TableId("test", null, t);
        Map<Integer, Struct> ok = rowsById(db, table, 3, Map.of());
        assertThat(type(ok.get(1), "flag")).isEqualTo(Schema.Type.BOOLEAN);
        assertThat(List.of(ok.get(1).get("flag"), ok.get(2).get("flag"))).containsExactly(false, true);
        assertThat(ok.get(3).get("flag")).isNull();

        db.exec("INSERT INTO " + t + " VALUES (4, 2)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rowsById(db, table, 4, Map.of()))
                .hasMessageContaining("Column 'flag'").hasMessageContaining("holds 2")
                .hasMessageContaining("tinyInt1isBit=false");
        Map<Integer, Struct> numbers = rowsById(db, table, 4, Map.of(JdbcSourceConfig.CONNECTION_URL,
                db.url + (db.url.contains("?") ? "&" : "?") + "tinyInt1isBit=false"));
        assertThat(type(numbers.get(4), "flag")).isEqualTo(Schema.Type.INT8);
        assertThat(numbers.get(4).get("flag")).isEqualTo((byte) 2);
    }

    /**
     * A Confluent user's MySQL Connector/J URL, on the MariaDB server with the bundled MariaDB driver: it validates,
     * it reads (TLS when the server offers it, as Connector/J's PREFERRED), and options with no equivalent are refused
     * at validate naming the key that replaces them.
     */
    @Test
    void mysqlConnectorJUrlsAreServedByTheBundledDriver() throws Exception {
        TestDatabase db = TestDatabase.MARIADB;
        String t = TestDatabase.table("maria_mysql_url");
        db.exec("CREATE TABLE " + t + " (id INT PRIMARY KEY, dt DATETIME(6) NOT NULL)",
                "INSERT INTO " + t + " VALUES (1, '2026-03-29 02:30:00.123456')");
        String mysql = db.url.replaceFirst("^jdbc:mariadb:", "jdbc:mysql:").replaceFirst("\\?.*$", "")
                + "?useUnicode=true&characterEncoding=UTF-8&zeroDateTimeBehavior=CONVERT_TO_NULL&serverTimezone=UTC"
                + "&allowPublicKeyRetrieval=true";
        Map<String, String> p = db.props("bulk");
        p.put(JdbcSourceConfig.CONNECTION_URL, mysql);
        p.put(JdbcSourceConfig.TABLE_WHITELIST, t);
        p.put(JdbcSourceConfig.TIMESTAMP_GRANULARITY, "micros_long");
        List<String> errors = new ArrayList<>();
        new JdbcSourceConnector().validate(p).configValues().forEach(v -> errors.addAll(v.errorMessages()));
        assertThat(errors).isEmpty();
        Struct row = onlyRow(db, new TableId("test", null, t), p);
        assertThat(row.get("dt")).isEqualTo(Instant.parse("2026-03-29T02:30:00.123456Z").getEpochSecond() * 1_000_000L
                + 123_456L);

        p.put(JdbcSourceConfig.CONNECTION_URL, mysql.replace("serverTimezone=UTC", "serverTimezone=Europe/Berlin"));
        List<String> refused = new ArrayList<>();
        new JdbcSourceConnector().validate(p).configValues().stream()
                .filter(v -> v.name().equals(JdbcSourceConfig.CONNECTION_URL))
                .forEach(v -> refused.addAll(v.errorMessages()));
        assertThat(refused).singleElement().asString().contains("set db.timezone=Europe/Berlin");
    }

    /** The driver reads TIME 25:00:00 as 01:00 and -01:30 as 22:30: such values fail the row, naming the way out. */
    @Test
    void mariadbTimeOutsideADayFailsInsteadOfWrapping() throws Exception {
        TestDatabase db = TestDatabase.MARIADB;
        for (String value : List.of("25:00:00", "-01:30:00")) {
            String t = TestDatabase.table("maria_time");
            db.exec("CREATE TABLE " + t + " (tm TIME)", "INSERT INTO " + t + " VALUES ('" + value + "')");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> onlyRow(db, new TableId("test", null, t), Map.of()))
                    .hasMessageContaining("TIME value " + value).hasMessageContaining("TIME_TO_SEC(tm)");
        }
    }
}
