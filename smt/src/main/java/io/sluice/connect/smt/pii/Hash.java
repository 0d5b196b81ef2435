package io.sluice.connect.smt.pii;

import io.sluice.connect.smt.pii.MaskSettings.HashEncoding;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Keyed HMAC-SHA-256 pseudonyms: equal inputs give equal outputs under one key, so joins and counts still work, and
 * nobody without the key can test a guess. A string field stays a string; any other primitive becomes an optional
 * string holding the pseudonym of its text form (numbers as written, dates as epoch milliseconds).
 */
final class Hash implements Strategy {

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int BLOCK = 64;
    private static final int DIGEST = 32;

    /** SHA-256 with the inner and outer padded keys already absorbed (RFC 2104), cloned per pseudonym. */
    private final MessageDigest inner;
    private final MessageDigest outer;
    private final HashEncoding encoding;
    /** Scratch space: a transform instance serves one task thread. */
    private final byte[] innerHash = new byte[DIGEST];
    private final byte[] digest = new byte[DIGEST];

    Hash(byte[] key, HashEncoding encoding) {
        try {
            byte[] k = key.length > BLOCK ? MessageDigest.getInstance("SHA-256").digest(key) : key;
            byte[] ipad = new byte[BLOCK];
            byte[] opad = new byte[BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                byte b = i < k.length ? k[i] : 0;
                ipad[i] = (byte) (b ^ 0x36);
                opad[i] = (byte) (b ^ 0x5c);
            }
            inner = MessageDigest.getInstance("SHA-256");
            inner.update(ipad);
            outer = MessageDigest.getInstance("SHA-256");
            outer.update(opad);
            inner.clone(); // fail now, not per record, if this provider's digests cannot be cloned
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
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

    /**
     * HMAC-SHA-256 from the precomputed key states: two SHA-256 blocks per short value instead of the four a fresh
     * {@code Mac} computes. Equal to {@code Mac.getInstance("HmacSHA256")} (the tests check RFC 4231's vectors).
     */
    private String pseudonym(Object value) {
        try {
            MessageDigest in = (MessageDigest) inner.clone();
            in.update(canonicalBytes(value));
            in.digest(innerHash, 0, DIGEST);
            MessageDigest out = (MessageDigest) outer.clone();
            out.update(innerHash);
            out.digest(digest, 0, DIGEST);
        } catch (CloneNotSupportedException | java.security.DigestException e) {
            throw new IllegalStateException(e); // cloning is checked in the constructor; the buffers fit
        }
        if (encoding == HashEncoding.BASE64) {
            return Base64.getEncoder().encodeToString(digest);
        }
        byte[] hex = new byte[DIGEST * 2];
        for (int i = 0; i < DIGEST; i++) {
            hex[2 * i] = HEX_DIGITS[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX_DIGITS[digest[i] & 0xf];
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
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
