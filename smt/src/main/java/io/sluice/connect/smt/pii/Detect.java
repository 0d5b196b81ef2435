package io.sluice.connect.smt.pii;

import io.sluice.connect.smt.pii.MaskSettings.DetectMask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.apache.kafka.connect.data.Schema;

/**
 * Scans free text for PII and masks each finding in place, leaving the rest of the text readable:
 * {@code "mail me at ann@example.com"} becomes {@code "mail me at [EMAIL]"}. Findings are written as a label, as mask
 * characters of the same length, or as a keyed pseudonym (so the same address in two messages still matches).
 */
final class Detect implements Strategy {

    private final List<Detector> detectors;
    private final DetectMask mask;
    private final char maskChar;
    private final UnaryOperator<Object> hash;
    private final Map<String, LongAdder> hits;

    /**
     * @param hash pseudonyms for {@link DetectMask#HASH}, else unused
     * @param hits a counter per detector name, incremented per finding
     */
    Detect(List<Detector> detectors, DetectMask mask, char maskChar, UnaryOperator<Object> hash, Map<String, LongAdder> hits) {
        this.detectors = List.copyOf(detectors);
        this.mask = mask;
        this.maskChar = maskChar;
        this.hash = hash;
        this.hits = hits;
    }

    @Override
    public String describe() {
        return "detect(" + String.join(",", detectors.stream().map(Detector::name).toList()) + ")";
    }

    @Override
    public Bound bind(Schema schema) {
        if (schema.type() != Schema.Type.STRING || schema.name() != null) {
            throw new MaskException("detect scans strings, not a " + Strategy.typeName(schema));
        }
        return new Bound(schema, v -> scan((String) v));
    }

    @Override
    public Object maskSchemaless(Object value) {
        if (!(value instanceof String s)) {
            throw new MaskException("detect scans strings, not a " + Strategy.typeName(value));
        }
        return scan(s);
    }

    /** Finds spans on the original text (earlier detectors win overlaps), then writes the output once. */
    String scan(String text) {
        TextScan scan = new TextScan(text);
        List<int[]> spans = new ArrayList<>(4); // start, end, detector index
        for (int di = 0; di < detectors.size(); di++) {
            Detector d = detectors.get(di);
            int index = di;
            d.find(scan, (start, end) -> {
                if (!overlaps(spans, start, end)) {
                    spans.add(new int[] {start, end, index});
                    LongAdder counter = hits.get(d.name());
                    if (counter != null) {
                        counter.increment();
                    }
                }
            });
        }
        if (spans.isEmpty()) {
            return text;
        }
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int[] span : spans) {
            out.append(text, copied, span[0]).append(replacement(detectors.get(span[2]), text.substring(span[0], span[1])));
            copied = span[1];
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static boolean overlaps(List<int[]> spans, int start, int end) {
        for (int[] s : spans) {
            if (start < s[1] && s[0] < end) {
                return true;
            }
        }
        return false;
    }

    private String replacement(Detector d, String found) {
        switch (mask) {
            case CHAR:
                return String.valueOf(maskChar).repeat(found.length());
            case HASH:
                return "[" + d.name().toUpperCase(java.util.Locale.ROOT) + ":" + hash.apply(found) + "]";
            default:
                return d.label();
        }
    }
}
