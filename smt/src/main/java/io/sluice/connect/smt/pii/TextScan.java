package io.sluice.connect.smt.pii;

import java.util.Arrays;

/**
 * One text being scanned, with the candidate regions each kind of detector looks at, found in a single cheap pass
 * per kind and shared by the detectors. Regular expressions then run only inside those regions (with transparent
 * bounds, so look-arounds still see the neighbouring characters): a 500-character note costs a few passes over its
 * characters, not one full regex scan per detector.
 */
final class TextScan {

    /** Where a detector's findings can start. */
    enum Trigger {
        /** Around each '@': e-mail addresses. */
        AT_SIGN,
        /** Runs of digits with separators (space . - ( ) +): cards, SSNs, phones, IPv4. */
        DIGITS,
        /** Two capitals and two digits: IBANs. */
        COUNTRY_CODE,
        /** Runs of hex digits and colons holding two colons or more: IPv6. */
        COLONS,
        /** The whole text: custom patterns. */
        ANYWHERE
    }

    private static final int[] NONE = new int[0];

    final String text;
    private final int[][] regions = new int[Trigger.values().length][];

    TextScan(String text) {
        this.text = text;
    }

    /** Start/end pairs of the regions for a trigger. */
    int[] regions(Trigger trigger) {
        int[] r = regions[trigger.ordinal()];
        if (r == null) {
            r = switch (trigger) {
                case AT_SIGN -> atSigns();
                case DIGITS -> digitRuns();
                case COUNTRY_CODE -> countryCodes();
                case COLONS -> colonRuns();
                case ANYWHERE -> new int[] {0, text.length()};
            };
            regions[trigger.ordinal()] = r;
        }
        return r;
    }

    private int[] atSigns() {
        int at = text.indexOf('@');
        if (at < 0) {
            return NONE;
        }
        Pairs out = new Pairs();
        int searchFrom = 0;
        while (at >= 0) {
            int left = at;
            while (left > searchFrom && at - left < 64 && localPart(text.charAt(left - 1))) {
                left--;
            }
            int right = at + 1;
            while (right < text.length() && right - at < 256 && domain(text.charAt(right))) {
                right++;
            }
            if (left < at && right > at + 1) {
                out.add(left, right);
                searchFrom = right;
            }
            at = text.indexOf('@', Math.max(at + 1, searchFrom));
        }
        return out.toArray();
    }

    private int[] digitRuns() {
        Pairs out = new Pairs();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (start > 0 && (text.charAt(start - 1) == '+' || text.charAt(start - 1) == '(')) {
                start--;
            }
            int end = i;
            while (end < n && (isDigit(text.charAt(end)) || (separator(text.charAt(end)) && digitWithin(end + 1, 2)))) {
                end++;
            }
            if (end < n && text.charAt(end) == ')') {
                end++;
            }
            out.add(start, end);
            i = end;
        }
        return out.toArray();
    }

    private int[] countryCodes() {
        Pairs out = new Pairs();
        int n = text.length();
        for (int i = 0; i + 3 < n; i++) {
            if (upper(text.charAt(i)) && upper(text.charAt(i + 1)) && isDigit(text.charAt(i + 2)) && isDigit(text.charAt(i + 3))
                    && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
                int end = i + 4;
                while (end < n && end - i < 42 && (upper(text.charAt(end)) || isDigit(text.charAt(end)) || text.charAt(end) == ' ')) {
                    end++;
                }
                out.add(i, end);
                i = end - 1;
            }
        }
        return out.toArray();
    }

    private int[] colonRuns() {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return NONE;
        }
        Pairs out = new Pairs();
        while (colon >= 0) {
            int left = colon;
            while (left > 0 && hexOrColon(text.charAt(left - 1))) {
                left--;
            }
            int right = colon;
            while (right < text.length() && (hexOrColon(text.charAt(right)) || text.charAt(right) == '.')) {
                right++;
            }
            int colons = 0;
            for (int i = left; i < right; i++) {
                if (text.charAt(i) == ':') {
                    colons++;
                }
            }
            if (colons >= 2) {
                out.add(left, right);
            }
            colon = text.indexOf(':', right);
        }
        return out.toArray();
    }

    private boolean digitWithin(int from, int span) {
        for (int i = from; i < Math.min(text.length(), from + span); i++) {
            if (isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean separator(char c) {
        return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
    }

    private static boolean localPart(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-');
    }

    private static boolean domain(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-');
    }

    private static boolean hexOrColon(char c) {
        return c == ':' || isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A growable list of start/end pairs. */
    private static final class Pairs {
        private int[] a = new int[8];
        private int size;

        void add(int start, int end) {
            if (size + 2 > a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = start;
            a[size++] = end;
        }

        int[] toArray() {
            return size == 0 ? NONE : Arrays.copyOf(a, size);
        }
    }
}
