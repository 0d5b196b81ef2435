package io.sluice.connect.sizing;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the quantities a workload is written in. Every size is bytes, every rate bytes per second and
 * every duration seconds inside the helper; units only exist at the edges.
 *
 * <p>Decimal prefixes are powers of 1000 ({@code MB}), binary ones powers of 1024 ({@code MiB}). A lower-case
 * {@code b} or the word {@code bit} means bits ({@code 10Gbit/s}, {@code 10Gbps}), so network links can be written the
 * way they are sold.
 */
public final class Units {

    private static final Pattern QUANTITY = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\\s*(.*?)\\s*");
    private static final Pattern SIZE_UNIT = Pattern.compile("(?:([kKMGTP])(i)?)?(B|b|bit|bits|byte|bytes)?");

    private static final Map<String, Double> DURATIONS = Map.ofEntries(
            Map.entry("ms", 0.001),
            Map.entry("s", 1.0), Map.entry("sec", 1.0),
            Map.entry("min", 60.0), Map.entry("m", 60.0),
            Map.entry("h", 3600.0), Map.entry("hr", 3600.0),
            Map.entry("d", 86_400.0), Map.entry("day", 86_400.0), Map.entry("days", 86_400.0),
            Map.entry("w", 604_800.0), Map.entry("week", 604_800.0), Map.entry("weeks", 604_800.0));

    public static final double KIB = 1024;
    public static final double MIB = KIB * 1024;
    public static final double GIB = MIB * 1024;
    public static final double MB = 1_000_000;

    private Units() {
    }

    /** A size such as {@code 1KB}, {@code 2TiB} or {@code 512} (bytes). */
    public static double parseBytes(String field, String text) {
        Matcher m = quantity(field, text, "a size such as 2TiB or 500GB");
        return number(m) * sizeFactor(field, m.group(2), text, "a size such as 2TiB or 500GB");
    }

    /** A rate such as {@code 100MB/s}, {@code 10Gbit/s}, {@code 10Gbps} or {@code 6GB/min}, in bytes per second. */
    public static double parseRate(String field, String text) {
        String hint = "a rate such as 100MB/s or 10Gbit/s";
        Matcher m = quantity(field, text, hint);
        String unit = m.group(2);
        double perSecond = 1.0;
        int slash = unit.indexOf('/');
        if (slash >= 0) {
            perSecond = 1.0 / durationUnit(field, unit.substring(slash + 1).trim(), text, hint);
            unit = unit.substring(0, slash).trim();
        } else if (unit.endsWith("Bps")) {
            unit = unit.substring(0, unit.length() - 2);
        } else if (unit.endsWith("bps")) {
            unit = unit.substring(0, unit.length() - 3) + "bit";
        } else {
            throw new SizingException(field, "'" + text + "' has no time unit; write " + hint);
        }
        return number(m) * sizeFactor(field, unit, text, hint) * perSecond;
    }

    /** A duration such as {@code 7d}, {@code 36h}, {@code 10min} or {@code 500ms}, in seconds. */
    public static double parseDuration(String field, String text) {
        String hint = "a duration such as 7d, 12h or 10min";
        Matcher m = quantity(field, text, hint);
        if (m.group(2).isEmpty()) {
            throw new SizingException(field, "'" + text + "' has no unit; write " + hint);
        }
        return number(m) * durationUnit(field, m.group(2), text, hint);
    }

    private static Matcher quantity(String field, String text, String hint) {
        Matcher m = QUANTITY.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new SizingException(field, "'" + text + "' is not " + hint);
        }
        return m;
    }

    private static double number(Matcher m) {
        return Double.parseDouble(m.group(1));
    }

    private static double sizeFactor(String field, String unit, String text, String hint) {
        Matcher u = SIZE_UNIT.matcher(unit);
        if (!u.matches()) {
            throw new SizingException(field, "'" + text + "' has an unknown unit '" + unit + "'; write " + hint);
        }
        String prefix = u.group(1);
        boolean binary = u.group(2) != null;
        String base = u.group(3);
        boolean bits = "b".equals(base) || "bit".equals(base) || "bits".equals(base);
        int power = prefix == null ? 0 : "kKMGTP".indexOf(prefix) < 2 ? 1 : "kKMGTP".indexOf(prefix);
        double factor = Math.pow(binary ? 1024 : 1000, power);
        return bits ? factor / 8 : factor;
    }

    private static double durationUnit(String field, String unit, String text, String hint) {
        Double seconds = DURATIONS.get(unit.toLowerCase(Locale.ROOT));
        if (seconds == null) {
            throw new SizingException(field, "'" + text + "' has an unknown time unit '" + unit + "'; write " + hint);
        }
        return seconds;
    }

    /** A size for people: decimal units, three significant digits ({@code 181 TB}). */
    public static String bytes(double bytes) {
        return scaled(bytes, 1000, "B", "KB", "MB", "GB", "TB", "PB", "EB");
    }

    /** A size in binary units, for memory ({@code 6 GiB}). */
    public static String binaryBytes(double bytes) {
        return scaled(bytes, 1024, "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB");
    }

    private static String scaled(double v, double step, String... units) {
        int i = 0;
        while (Math.abs(v) >= step && i < units.length - 1) {
            v /= step;
            i++;
        }
        return number(v) + " " + units[i];
    }

    public static String rate(double bytesPerSecond) {
        return bytes(bytesPerSecond) + "/s";
    }

    public static String duration(double seconds) {
        if (seconds >= 86_400 && seconds % 3600 == 0) {
            return number(seconds / 86_400) + "d";
        }
        if (seconds >= 3600) {
            return number(seconds / 3600) + "h";
        }
        if (seconds >= 60) {
            return number(seconds / 60) + "min";
        }
        return number(seconds) + "s";
    }

    /** Three significant digits, no exponent, no trailing zeros. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double magnitude = Math.abs(v);
        int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
