package io.sluice.connect.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * MySQL Connector/J URLs ({@code jdbc:mysql:}), the ones Confluent's connector users have, as the bundled MariaDB
 * driver takes them: the same server, database and options with the same meaning. Connector/J's options are
 * translated where the MariaDB driver names them differently, kept where it shares the name, dropped where Sluice
 * already does what they ask, and refused where no equivalent exists. Used only when no Connector/J driver sits in
 * the plugin directory; with one there, the URL goes to it unchanged.
 */
final class MySqlUrl {

    /** A URL and what was dropped from it (the connector logs those once). */
    record Translated(String url, List<String> ignored) {
    }

    private static final String MYSQL = "jdbc:mysql:";

    /** Connector/J's TLS modes and the MariaDB driver's equivalents. */
    private static final Map<String, String> SSL_MODES = Map.of("DISABLED", "disable", "PREFERRED", "allow",
            "REQUIRED", "trust", "VERIFY_CA", "verify-ca", "VERIFY_IDENTITY", "verify-full");

    /** Options the MariaDB driver names differently (Connector/J name, lower case → MariaDB name). */
    private static final Map<String, String> RENAMED = Map.of(
            "trustcertificatekeystoreurl", "trustStore", "trustcertificatekeystorepassword", "trustStorePassword",
            "trustcertificatekeystoretype", "trustStoreType", "clientcertificatekeystoreurl", "keyStore",
            "clientcertificatekeystorepassword", "keyStorePassword", "clientcertificatekeystoretype", "keyStoreType",
            "enabledtlsprotocols", "enabledSslProtocolSuites");

    /** Options without effect here, with the reason; lower case. */
    private static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("useunicode", "the MariaDB driver always speaks utf8mb4"),
            Map.entry("characterencoding", "the MariaDB driver always speaks utf8mb4"),
            Map.entry("autoreconnect", "the connection pool replaces broken connections"),
            Map.entry("maxreconnects", "the connection pool replaces broken connections"),
            Map.entry("failoverreadonly", "Sluice only reads"),
            Map.entry("uselegacydatetimecode", "db.timezone sets how DATETIME and TIMESTAMP values are read"),
            Map.entry("usejdbccomplianttimezoneshift", "db.timezone sets how DATETIME and TIMESTAMP values are read"),
            Map.entry("forceconnectiontimezonetosession", "Sluice sets the session time zone to db.timezone"),
            Map.entry("preserveinstants", "db.timezone sets how DATETIME and TIMESTAMP values are read"),
            Map.entry("nullcatalogmeanscurrent", "table discovery uses catalog.pattern, the current database by default"),
            Map.entry("usecursorfetch", "Sluice always streams results"),
            Map.entry("defaultfetchsize", "batch.max.rows sets the fetch size"),
            Map.entry("rewritebatchedstatements", "Sluice never writes"),
            Map.entry("useinformationschema", "the MariaDB driver reads metadata its own way"));

    private MySqlUrl() {
    }

    static boolean isMySql(String url) {
        return url != null && url.regionMatches(true, 0, MYSQL, 0, MYSQL.length());
    }

    /**
     * What in a Connector/J URL cannot be honoured, each naming the option and what to use instead; empty when the
     * URL can be used.
     */
    static List<String> problems(String url, ZoneId dbZone) {
        List<String> out = new ArrayList<>();
        options(url).forEach((name, raw) -> {
            String value = URLDecoder.decode(raw, StandardCharsets.UTF_8);
            String key = name.toLowerCase(Locale.ROOT);
            switch (key) {
                case "sslmode" -> {
                    if (!SSL_MODES.containsKey(value.toUpperCase(Locale.ROOT))) {
                        out.add("sslMode=" + value + " is not one of Connector/J's modes " + SSL_MODES.keySet());
                    }
                }
                case "servertimezone", "connectiontimezone" -> {
                    if (!sameZone(value, dbZone)) {
                        out.add(name + "=" + value + " in connection.url: Sluice reads DATETIME and TIMESTAMP values "
                                + "in db.timezone (now " + dbZone + "); set db.timezone=" + value + " and remove "
                                + name);
                    }
                }
                case "zerodatetimebehavior" -> {
                    if (!value.equalsIgnoreCase("CONVERT_TO_NULL") && !value.equalsIgnoreCase("convertToNull")) {
                        out.add("zeroDateTimeBehavior=" + value + " in connection.url: Sluice reads zero dates "
                                + "('0000-00-00') as NULL, which is CONVERT_TO_NULL; remove the option");
                    }
                }
                default -> {
                }
            }
        });
        return out;
    }

    /** {@code url} for the MariaDB driver; call {@link #problems} first, whose findings this refuses too. */
    static Translated toMariaDb(String url, ZoneId dbZone) {
        List<String> problems = problems(url, dbZone);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Map<String, String> options = options(url);
        Map<String, String> out = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        String sslMode = null;
        Boolean useSsl = null;
        boolean requireSsl = false;
        boolean verifyCertificate = false;
        for (Map.Entry<String, String> o : options.entrySet()) {
            String key = o.getKey().toLowerCase(Locale.ROOT);
            String value = o.getValue();
            switch (key) {
                case "sslmode" -> sslMode = SSL_MODES.get(value.toUpperCase(Locale.ROOT));
                case "usessl" -> useSsl = Boolean.parseBoolean(value);
                case "requiressl" -> requireSsl = Boolean.parseBoolean(value);
                case "verifyservercertificate" -> verifyCertificate = Boolean.parseBoolean(value);
                case "servertimezone", "connectiontimezone", "zerodatetimebehavior" -> {
                    // equal to what Sluice does anyway (problems() refused the rest)
                }
                default -> {
                    if (IGNORED.containsKey(key)) {
                        ignored.add(o.getKey() + " (" + IGNORED.get(key) + ")");
                    } else {
                        out.put(RENAMED.getOrDefault(key, o.getKey()), value);
                    }
                }
            }
        }
        out.put("sslMode", sslMode != null ? sslMode : legacySslMode(useSsl, requireSsl, verifyCertificate));
        int q = url.indexOf('?');
        StringBuilder sb = new StringBuilder("jdbc:mariadb:").append(url, MYSQL.length(), q < 0 ? url.length() : q);
        StringJoiner query = new StringJoiner("&", "?", "");
        out.forEach((k, v) -> query.add(k + "=" + v));
        return new Translated(sb.append(query).toString(), List.copyOf(ignored));
    }

    /** Connector/J's mapping of its older TLS options; with none of them its default, PREFERRED. */
    private static String legacySslMode(Boolean useSsl, boolean requireSsl, boolean verifyCertificate) {
        if (useSsl == null || useSsl && !requireSsl && !verifyCertificate) {
            return "allow";
        }
        if (!useSsl) {
            return "disable";
        }
        return verifyCertificate ? "verify-ca" : "trust";
    }

    private static boolean sameZone(String value, ZoneId dbZone) {
        try {
            return ZoneId.of(value).normalized().equals(dbZone.normalized());
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** The URL's {@code ?key=value&...} options, in order, the values as written (URL-encoded). */
    private static Map<String, String> options(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(key, value);
        }
        return out;
    }
}
