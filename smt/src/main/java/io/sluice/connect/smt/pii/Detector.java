package io.sluice.connect.smt.pii;

import io.sluice.connect.smt.pii.TextScan.Trigger;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds one kind of PII in free text: patterns for candidates, run only inside the regions of the text where such a
 * finding can be ({@link TextScan}), and, where the kind has one, a checksum that turns a candidate into a finding
 * (Luhn for cards, ISO 7064 mod 97 for IBANs), which keeps order numbers and timestamps from being masked as cards.
 */
public final class Detector {

    /** Receives a finding's span. */
    interface Found {
        void at(int start, int end);
    }

    private record Part(Trigger trigger, Pattern regex) {
    }

    /** The built-in detectors by name, in the order they run: the most specific kinds first. */
    public static final Map<String, Detector> BUILT_IN = builtIn();

    private final String name;
    private final List<Part> parts;
    private final Predicate<String> valid;

    private Detector(String name, List<Part> parts, Predicate<String> valid) {
        this.name = name;
        this.parts = parts;
        this.valid = valid;
    }

    /** A user's pattern ({@code detect.pattern.<name>}), matched anywhere in the text. */
    static Detector custom(String name, Pattern regex) {
        return new Detector(name, List.of(new Part(Trigger.ANYWHERE, regex)), s -> true);
    }

    private static Map<String, Detector> builtIn() {
        Map<String, Detector> d = new LinkedHashMap<>();
        d.put("email", new Detector("email", List.of(new Part(Trigger.AT_SIGN, Pattern.compile(
                "(?<![\\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![\\w-])"))),
                s -> true));
        d.put("iban", new Detector("iban", List.of(new Part(Trigger.COUNTRY_CODE, Pattern.compile(
                "(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"))),
                Detector::ibanChecksum));
        d.put("card", new Detector("card", List.of(new Part(Trigger.DIGITS, Pattern.compile(
                "(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"))),
                Detector::luhn));
        d.put("ssn", new Detector("ssn", List.of(new Part(Trigger.DIGITS, Pattern.compile(
                "(?<![\\d-])\\d{3}-\\d{2}-\\d{4}(?![\\d-])"))),
                Detector::ssn));
        d.put("ip", new Detector("ip", List.of(
                new Part(Trigger.DIGITS, Pattern.compile(
                        "(?<![\\w.:])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\w.])")),
                new Part(Trigger.COLONS, Pattern.compile("(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])"))),
                Detector::ipAddress));
        d.put("phone", new Detector("phone", List.of(new Part(Trigger.DIGITS, Pattern.compile(
                "(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){1,3}(?!\\w)"))),
                Detector::phoneDigits));
        return java.util.Collections.unmodifiableMap(d);
    }

    public String name() {
        return name;
    }

    /** The label written in place of a finding, e.g. {@code [EMAIL]}. */
    public String label() {
        return "[" + name.toUpperCase(Locale.ROOT) + "]";
    }

    /** Reports every valid finding in the scanned text. */
    void find(TextScan scan, Found found) {
        for (Part part : parts) {
            int[] regions = scan.regions(part.trigger());
            if (regions.length == 0) {
                continue;
            }
            Matcher m = part.regex().matcher(scan.text);
            m.useTransparentBounds(true).useAnchoringBounds(false);
            for (int r = 0; r < regions.length; r += 2) {
                m.region(regions[r], regions[r + 1]);
                while (m.find()) {
                    if (valid.test(m.group())) {
                        found.at(m.start(), m.end());
                    }
                }
            }
        }
    }

    static boolean luhn(String candidate) {
        int sum = 0;
        int digits = 0;
        boolean twice = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            digits++;
            twice = !twice;
        }
        return digits >= 13 && digits <= 19 && sum % 10 == 0;
    }

    /** US SSNs never have area 000, 666 or 9xx, group 00 or serial 0000. */
    static boolean ssn(String candidate) {
        String area = candidate.substring(0, 3);
        return !area.equals("000") && !area.equals("666") && area.charAt(0) != '9'
                && !candidate.startsWith("00", 4) && !candidate.startsWith("0000", 7);
    }

    static boolean ibanChecksum(String candidate) {
        String s = candidate.replace(" ", "");
        if (s.length() < 15 || s.length() > 34) {
            return false;
        }
        String rearranged = s.substring(4) + s.substring(0, 4);
        StringBuilder numeric = new StringBuilder(rearranged.length() * 2);
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    /** Seven to fifteen digits (E.164 allows 15), so years, times and short codes are not phones. */
    static boolean phoneDigits(String candidate) {
        int digits = 0;
        for (int i = 0; i < candidate.length(); i++) {
            if (Character.isDigit(candidate.charAt(i))) {
                digits++;
            }
        }
        boolean separated = candidate.startsWith("+") || candidate.indexOf(' ') > 0 || candidate.indexOf('-') > 0
                || candidate.indexOf('.') > 0 || candidate.indexOf('(') >= 0;
        return digits >= 7 && digits <= 15 && (separated || digits >= 10);
    }

    static boolean ipAddress(String candidate) {
        return candidate.indexOf(':') < 0 || ipv6(candidate); // the IPv4 pattern already bounds each octet
    }

    private static boolean ipv6(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon != s.lastIndexOf("::")) {
            return false;
        }
        List<String> groups = new java.util.ArrayList<>();
        if (doubleColon >= 0) {
            String head = s.substring(0, doubleColon);
            String tail = s.substring(doubleColon + 2);
            if (!head.isEmpty()) {
                groups.addAll(List.of(head.split(":", -1)));
            }
            if (!tail.isEmpty()) {
                groups.addAll(List.of(tail.split(":", -1)));
            }
            if (groups.size() > 7) {
                return false;
            }
        } else {
            groups.addAll(List.of(s.split(":", -1)));
            if (groups.size() != 8) {
                return false;
            }
        }
        for (String g : groups) {
            if (g.isEmpty() || g.length() > 4) {
                return false;
            }
        }
        return true;
    }
}
