package io.sluice.connect.smt.pii;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Keyed HMAC-SHA-256 pseudonyms: equal inputs give equal outputs under one key, so joins and counts still work, and
 * nobody without the key can test a guess. A string field stays a string; any other primitive becomes an optional
 * string holding the pseudonym of its text form (numbers as written, dates as epoch milliseconds).
 */
final class Hash implements Strategy {

    /** How a pseudonym is written. */
    enum Encoding {
        HEX, BASE64
    }

    private static final HexFormat HEX = HexFormat.of();
    private final Mac mac;
    private final Encoding encoding;

    Hash(byte[] key, Encoding encoding) {
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
        this.encoding = encoding;
    }

    @Override
    public String describe() {
        return "hash";
    }

    @Override
    public Bound bind(Schema schema) {
        switch (schema.type()) {
            case STRUCT:
            case ARRAY:
            case MAP:
                throw new MaskException("hash masks single values, not a " + Strategy.typeName(schema)
                        + "; point the rule at the fields inside it");
            case STRING:
                if (schema.name() == null) {
                    return new Bound(schema, this::pseudonym);
                }
                break;
            default:
                break;
        }
        SchemaBuilder out = SchemaBuilder.string().optional();
        if (schema.doc() != null) {
            out.doc(schema.doc());
        }
        return new Bound(out.build(), this::pseudonym);
    }

    @Override
    public Object maskSchemaless(Object value) {
        if (value instanceof java.util.Map || value instanceof java.util.List) {
            throw new MaskException("hash masks single values, not a " + Strategy.typeName(value) + "; point the rule at the fields inside it");
        }
        return pseudonym(value);
    }

    /** A transform instance serves one task thread, so one Mac is reused without locking. */
    private String pseudonym(Object value) {
        byte[] digest = mac.doFinal(canonicalBytes(value));
        return encoding == Encoding.HEX ? HEX.formatHex(digest) : Base64.getEncoder().encodeToString(digest);
    }

    private static byte[] canonicalBytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer bb) {
            ByteBuffer copy = bb.duplicate();
            byte[] b = new byte[copy.remaining()];
            copy.get(b);
            return b;
        }
        String text;
        if (value instanceof BigDecimal d) {
            text = d.toPlainString();
        } else if (value instanceof Date d) {
            text = Long.toString(d.getTime());
        } else {
            text = value.toString();
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
