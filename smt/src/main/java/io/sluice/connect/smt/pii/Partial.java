package io.sluice.connect.smt.pii;

import org.apache.kafka.connect.data.Schema;

/**
 * Keeps the first and/or last characters of a string and masks the rest, e.g. {@code ************4242}. Characters
 * listed as kept (separators such as {@code -} or {@code @}) stay in place and do not count. A value no longer than
 * what would be kept is masked entirely, so a short secret is never echoed back.
 */
final class Partial implements Strategy {

    private final int first;
    private final int last;
    private final char maskChar;
    private final String keep;

    Partial(int first, int last, char maskChar, String keep) {
        if (first < 0 || last < 0) {
            throw new IllegalArgumentException("first and last must be 0 or more");
        }
        this.first = first;
        this.last = last;
        this.maskChar = maskChar;
        this.keep = keep;
    }

    @Override
    public String describe() {
        return "partial(first=" + first + ",last=" + last + ")";
    }

    @Override
    public Bound bind(Schema schema) {
        if (schema.type() != Schema.Type.STRING) {
            throw new MaskException("partial masks strings, not a " + Strategy.typeName(schema) + "; use redact, hash or truncate");
        }
        return new Bound(schema, v -> mask((String) v));
    }

    @Override
    public Object maskSchemaless(Object value) {
        if (!(value instanceof String s)) {
            throw new MaskException("partial masks strings, not a " + Strategy.typeName(value) + "; use redact, hash or truncate");
        }
        return mask(s);
    }

    String mask(String s) {
        int counted = 0;
        for (int i = 0; i < s.length(); i++) {
            if (keep.indexOf(s.charAt(i)) < 0) {
                counted++;
            }
        }
        char[] out = s.toCharArray();
        if (counted <= first + last) {
            java.util.Arrays.fill(out, maskChar);
            return new String(out);
        }
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (keep.indexOf(out[i]) >= 0) {
                continue;
            }
            if (n >= first && n < counted - last) {
                out[i] = maskChar;
            }
            n++;
        }
        return new String(out);
    }
}
