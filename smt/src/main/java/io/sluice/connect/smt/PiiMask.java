package io.sluice.connect.smt;

import io.sluice.connect.common.RecordLocator;
import io.sluice.connect.common.SluiceVersion;
import io.sluice.connect.common.config.Choice;
import io.sluice.connect.common.config.ParsedBy;
import io.sluice.connect.common.metrics.Gauges;
import io.sluice.connect.common.path.FieldPath;
import io.sluice.connect.smt.pii.Detector;
import io.sluice.connect.smt.pii.MaskFailure;
import io.sluice.connect.smt.pii.MaskSettings;
import io.sluice.connect.smt.pii.Masking;
import io.sluice.connect.smt.pii.SchemaPlan;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.metrics.Monitorable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Masks personal data in record keys ({@code PiiMask$Key}) or values ({@code PiiMask$Value}), with or without a
 * schema, at any depth: nested fields, array elements, map values, inside Debezium-style envelopes. Each field gets
 * its own strategy: {@code redact}, keyed {@code hash}, {@code partial}, {@code truncate}, or {@code detect} for PII
 * inside free text. Kafka's {@code MaskField} keys {@code fields} and {@code replacement} keep their meaning.
 *
 * <p>A path that does not exist changes nothing; null stays null; tombstones pass through. A field a strategy cannot
 * mask fails the record with a {@link DataException} naming field and record, or is redacted ({@code on.error}); it is
 * never passed through unmasked.
 */
public abstract class PiiMask<R extends ConnectRecord<R>> implements Transformation<R>, Versioned, Monitorable {

    public static final String OVERVIEW_DOC = "Mask personal data in the record " + "key or value: nested field paths, "
            + "arrays, maps, records with and without schema; per-field strategies redact, hash (keyed HMAC-SHA-256), "
            + "partial, truncate and detect (PII inside free text). Use <code>" + PiiMask.Key.class.getName()
            + "</code> for the key and <code>" + PiiMask.Value.class.getName() + "</code> for the value.";

    public static final String RULES_CONFIG = "rules";
    public static final String FIELDS_CONFIG = "fields";
    public static final String REPLACEMENT_CONFIG = "replacement";
    public static final String HASH_KEY_CONFIG = "hash.key";
    public static final String HASH_ENCODING_CONFIG = "hash.encoding";
    public static final String MASK_CHAR_CONFIG = "partial.mask.char";
    public static final String KEEP_FIRST_CONFIG = "partial.keep.first";
    public static final String KEEP_LAST_CONFIG = "partial.keep.last";
    public static final String KEEP_CHARS_CONFIG = "partial.keep.chars";
    public static final String DETECT_TYPES_CONFIG = "detect.types";
    public static final String DETECT_MASK_CONFIG = "detect.mask";
    public static final String DETECT_PATTERN_PREFIX = "detect.pattern.";
    public static final String ON_ERROR_CONFIG = "on.error";
    public static final String SCHEMA_CACHE_SIZE_CONFIG = "schema.cache.size";

    private static final String TARGETS = "Targets";
    private static final String STRATEGIES = "Strategies";
    private static final String ERRORS = "Errors";
    private static final Choice HASH_ENCODINGS = Choice.ofEnum(MaskSettings.HashEncoding.class);
    private static final Choice DETECTORS = Choice.anyOf(Detector.BUILT_IN.keySet().toArray(String[]::new));
    private static final Choice DETECT_MASKS = Choice.ofEnum(MaskSettings.DetectMask.class);
    private static final Choice ON_ERRORS = Choice.ofEnum(MaskSettings.OnError.class);

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(RULES_CONFIG, Type.STRING, "", ParsedBy.of(Masking::checkRules), Importance.HIGH,
                    "Masking rules, comma-separated: path=strategy or path=strategy(arguments). Paths: customer.email, "
                            + "contacts[*].phone (every element), after.ssn, `odd.name`, $ (the whole key or value). "
                            + "Strategies: redact or redact(replacement); hash; partial(first=N,last=N,keep=-@); "
                            + "truncate(minute|hour|day|month|year) or truncate(decimal places, may be negative); "
                            + "detect or detect(email,card,...). Example: ssn=redact, email=hash, card=partial(last=4), "
                            + "birth_date=truncate(month), notes=detect.",
                    TARGETS, 1, Width.LONG, "Masking rules")
            .define(FIELDS_CONFIG, Type.LIST, "", ParsedBy.of(FieldPath::parse), Importance.HIGH,
                    "Paths to redact, as in Kafka's MaskField (which takes top-level names only): each is masked with "
                            + "'replacement' or its type's empty value. Combine with 'rules' for other strategies.",
                    TARGETS, 2, Width.LONG, "Fields to redact")
            .define(REPLACEMENT_CONFIG, Type.STRING, null, Importance.MEDIUM,
                    "The value redact writes, converted to each field's type (as in MaskField); unset writes the "
                            + "type's empty value: \"\", 0, false, empty bytes, the epoch, an empty array or map.",
                    STRATEGIES, 1, Width.MEDIUM, "Redact replacement")
            .define(HASH_KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                    "Secret key of the HMAC-SHA-256 behind hash (and detect.mask=hash). Equal inputs give equal "
                            + "pseudonyms under one key. Use a ConfigProvider reference, e.g. ${file:/opt/secrets/pii.properties:key}.",
                    STRATEGIES, 2, Width.MEDIUM, "Hash key")
            .define(HASH_ENCODING_CONFIG, Type.STRING, "hex", HASH_ENCODINGS, Importance.LOW,
                    "How pseudonyms are written: hex (64 characters) or base64 (44).",
                    STRATEGIES, 3, Width.SHORT, "Hash encoding", HASH_ENCODINGS)
            .define(MASK_CHAR_CONFIG, Type.STRING, "*", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "The character partial (and detect.mask=char) writes over masked characters.",
                    STRATEGIES, 4, Width.SHORT, "Mask character")
            .define(KEEP_FIRST_CONFIG, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Leading characters partial keeps, unless the rule says first=N.",
                    STRATEGIES, 5, Width.SHORT, "Keep first")
            .define(KEEP_LAST_CONFIG, Type.INT, 4, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Trailing characters partial keeps, unless the rule says last=N. A value no longer than what "
                            + "would be kept is masked entirely.",
                    STRATEGIES, 6, Width.SHORT, "Keep last")
            .define(KEEP_CHARS_CONFIG, Type.STRING, "", Importance.LOW,
                    "Characters partial leaves in place and does not count, e.g. \"-@.\\s\" to keep a phone's, an "
                            + "e-mail's or a card's shape (\\s is a space, since Kafka trims config values); a rule's "
                            + "keep=... overrides it.",
                    STRATEGIES, 7, Width.SHORT, "Characters kept")
            .define(DETECT_TYPES_CONFIG, Type.LIST, String.join(",", Detector.BUILT_IN.keySet()), DETECTORS, Importance.MEDIUM,
                    "What detect looks for in free text: email, iban (checksum-valid), card (Luhn-valid), ssn (US), "
                            + "ip (v4 and v6), phone. Patterns defined as " + DETECT_PATTERN_PREFIX + "<name>=<regex> "
                            + "are added.",
                    STRATEGIES, 8, Width.LONG, "Detectors", DETECTORS)
            .define(DETECT_MASK_CONFIG, Type.STRING, "label", DETECT_MASKS, Importance.LOW,
                    "What replaces a finding: label ([EMAIL]), char (mask characters of the same length) or hash "
                            + "([EMAIL:pseudonym], needs hash.key).",
                    STRATEGIES, 9, Width.SHORT, "Detect mask", DETECT_MASKS)
            .define(ON_ERROR_CONFIG, Type.STRING, "fail", ON_ERRORS, Importance.MEDIUM,
                    "A field whose type the rule's strategy cannot mask (partial on a struct, say): fail the record "
                            + "with a DataException naming field and record, or redact the field. Never passed through unmasked.",
                    ERRORS, 1, Width.SHORT, "On error", ON_ERRORS)
            .define(SCHEMA_CACHE_SIZE_CONFIG, Type.INT, 64, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    "Input schemas whose masking plan (output schema included) is kept.",
                    ERRORS, 2, Width.SHORT, "Schema cache size");

    private Masking masking;
    private final LongAdder masked = new LongAdder();
    /** Findings per detector; filled by the engine as it sets up its detectors, read by the metrics. */
    private final Map<String, LongAdder> detectorHits = new ConcurrentHashMap<>();
    private PluginMetrics metrics;
    private boolean metricsRegistered;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        Map<String, String> patterns = new TreeMap<>();
        config.originalsWithPrefix(DETECT_PATTERN_PREFIX).forEach((k, v) -> patterns.put(k.toLowerCase(Locale.ROOT), String.valueOf(v)));
        Password key = config.getPassword(HASH_KEY_CONFIG);
        try {
            masking = new Masking(new MaskSettings(config.getString(RULES_CONFIG),
                    new MaskSettings.Redaction(config.getList(FIELDS_CONFIG), config.getString(REPLACEMENT_CONFIG)),
                    new MaskSettings.Hashing(
                            key == null || key.value().isEmpty() ? null : key.value().getBytes(StandardCharsets.UTF_8),
                            Choice.parseEnum(MaskSettings.HashEncoding.class, config.getString(HASH_ENCODING_CONFIG))),
                    new MaskSettings.PartialMask(config.getString(MASK_CHAR_CONFIG).charAt(0),
                            config.getInt(KEEP_FIRST_CONFIG), config.getInt(KEEP_LAST_CONFIG),
                            config.getString(KEEP_CHARS_CONFIG).replace("\\s", " ")),
                    new MaskSettings.Detection(config.getList(DETECT_TYPES_CONFIG),
                            Choice.parseEnum(MaskSettings.DetectMask.class, config.getString(DETECT_MASK_CONFIG)),
                            patterns),
                    Choice.parseEnum(MaskSettings.OnError.class, config.getString(ON_ERROR_CONFIG)),
                    config.getInt(SCHEMA_CACHE_SIZE_CONFIG)), masked, detectorHits);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        registerMetrics();
    }

    /**
     * Kafka 4.1+ workers hand every plugin its metrics registry (KIP-877); the metrics appear under the connector's
     * and task's plugin metrics. On older workers this is never called and the counters stay internal.
     */
    @Override
    public void withPluginMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        registerMetrics();
    }

    private void registerMetrics() {
        if (metrics == null || masking == null || metricsRegistered) {
            return; // both configure() and withPluginMetrics() must have happened, in either order
        }
        metricsRegistered = true;
        Gauges.add(metrics, "fields-masked-total", "Field values masked since the task started.", masked::sum);
        detectorHits.forEach((detector, hits) -> Gauges.add(metrics, "detector-hits-total",
                "PII findings in free text since the task started.", Map.of("detector", detector), hits::sum));
    }

    @Override
    public R apply(R record) {
        Object value = operatingValue(record);
        if (value == null) {
            return record; // tombstone, or a null key
        }
        Schema schema = operatingSchema(record);
        try {
            if (schema == null) {
                Object masked = masking.maskSchemaless(value);
                return masked == value ? record : newRecord(record, null, masked);
            }
            SchemaPlan plan = masking.plan(schema);
            return plan.isIdentity() ? record : newRecord(record, plan.schema(), plan.apply(value));
        } catch (MaskFailure e) {
            throw new DataException("PiiMask cannot mask field '" + e.path() + "' with rule '" + e.rule() + "': "
                    + e.getMessage() + ", in record " + RecordLocator.of(record) + "; fix the rule or set on.error=redact");
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return SluiceVersion.get();
    }

    @Override
    public void close() {
        masking = null;
    }

    protected abstract Schema operatingSchema(R record);

    protected abstract Object operatingValue(R record);

    protected abstract R newRecord(R record, Schema updatedSchema, Object updatedValue);

    /** Masks the record key. */
    public static class Key<R extends ConnectRecord<R>> extends PiiMask<R> {
        @Override
        protected Schema operatingSchema(R record) {
            return record.keySchema();
        }

        @Override
        protected Object operatingValue(R record) {
            return record.key();
        }

        @Override
        protected R newRecord(R record, Schema updatedSchema, Object updatedValue) {
            return record.newRecord(record.topic(), record.kafkaPartition(), updatedSchema, updatedValue,
                    record.valueSchema(), record.value(), record.timestamp(), record.headers());
        }
    }

    /** Masks the record value. */
    public static class Value<R extends ConnectRecord<R>> extends PiiMask<R> {
        @Override
        protected Schema operatingSchema(R record) {
            return record.valueSchema();
        }

        @Override
        protected Object operatingValue(R record) {
            return record.value();
        }

        @Override
        protected R newRecord(R record, Schema updatedSchema, Object updatedValue) {
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                    updatedSchema, updatedValue, record.timestamp(), record.headers());
        }
    }
}
