package io.sluice.connect.smt.pii;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Finds one kind of PII in free text: a pattern for candidates and, where the kind has one, a checksum that turns a
 * candidate into a finding (Luhn for cards, ISO 7064 mod 97 for IBANs), which keeps order numbers and timestamps
 * from being masked as cards or IBANs.
 *
 * @param name  the kind, e.g. {@code email}; also the label a match is replaced with ({@code [EMAIL]})
 * @param regex candidates
 * @param valid a check each candidate must pass
 */
public record Detector(String name, Pattern regex, Predicate<String> valid) {

    /** The built-in detectors by name, in the order they run: the most specific kinds first. */
    public static final Map<String, Detector> BUILT_IN = builtIn();

    private static Map<String, Detector> builtIn() {
        Map<String, Detector> d = new LinkedHashMap<>();
        d.put("email", new Detector("email",
                Pattern.compile("(?<![\\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![\\w-])"),
                s -> true));
        d.put("iban", new Detector("iban",
                Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"),
                Detector::ibanChecksum));
        d.put("card", new Detector("card",
                Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"),
                Detector::luhn));
        d.put("ssn", new Detector("ssn",
                Pattern.compile("(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])"),
                s -> true));
        d.put("ip", new Detector("ip",
                Pattern.compile("(?<![\\w.:])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\w.])"
                        + "|(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])"),
                Detector::ipAddress));
        d.put("phone", new Detector("phone",
                Pattern.compile("(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){1,3}(?![\\w])"),
                Detector::phoneDigits));
        return java.util.Collections.unmodifiableMap(d);
    }

    /** The label written in place of a match. */
    public String label() {
        return "[" + name.toUpperCase(Locale.ROOT) + "]";
    }

    static boolean luhn(String candidate) {
        String digits = candidate.replaceAll("[ -]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
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
        if (candidate.indexOf(':') < 0) {
            return true; // the IPv4 pattern already bounds each octet
        }
        return ipv6(candidate);
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
