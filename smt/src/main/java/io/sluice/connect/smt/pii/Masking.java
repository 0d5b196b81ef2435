package io.sluice.connect.smt.pii;

import io.sluice.connect.common.path.FieldPath;
import io.sluice.connect.common.rules.PathRule;
import io.sluice.connect.smt.pii.MaskSettings.DetectMask;
import io.sluice.connect.smt.pii.MaskSettings.HashEncoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Schema;

/**
 * The masking engine behind {@code PiiMask}: turns the settings into strategies bound to paths, masks values with
 * a schema through cached {@link SchemaPlan}s and values without one through a {@link SchemalessMasker}.
 */
public final class Masking {

    /** The strategies a rule may name. */
    public static final List<String> STRATEGIES = List.of("redact", "hash", "partial", "truncate", "detect");

    private final List<Target> targets;
    private final Strategy fallback;
    private final Cache<Schema, SchemaPlan> plans;
    private final SchemalessMasker schemaless;
    private volatile SchemaPlan lastPlan;
    private final LongAdder masked;

    /**
     * @param masked       counts every value masked
     * @param detectorHits counts findings per detector; the engine adds an entry for each detector it uses
     */
    public Masking(MaskSettings s, LongAdder masked, Map<String, LongAdder> detectorHits) {
        Hash hash = s.hashing().key() == null ? null : new Hash(s.hashing().key(), s.hashing().encoding());
        // Custom patterns join the detect.types detectors: a user who defines one wants it used.
        List<Detector> defaultDetectors = detectors(s.detection().types(), s.detection().customPatterns());
        s.detection().customPatterns().forEach((name, regex) -> {
            if (defaultDetectors.stream().noneMatch(d -> d.name().equals(name))) {
                defaultDetectors.add(customDetector(name, regex));
            }
        });
        List<Target> ts = new ArrayList<>();
        for (String field : s.redaction().fields()) {
            FieldPath path = FieldPath.parse(field);
            ts.add(new Target(path, new Redact(s.redaction().replacement()), path + "=redact"));
        }
        for (PathRule rule : rules(s.rules())) {
            ts.add(new Target(rule.path(), strategy(rule, s, hash, defaultDetectors, detectorHits), rule.toString()));
        }
        for (int i = 0; i < ts.size(); i++) {
            for (int j = i + 1; j < ts.size(); j++) {
                if (ts.get(i).path().overlaps(ts.get(j).path())) {
                    throw new IllegalArgumentException("'" + ts.get(i).rule() + "' and '" + ts.get(j).rule()
                            + "' reach the same field; keep one rule per field (fields and rules together)");
                }
            }
        }
        if (ts.isEmpty()) {
            throw new IllegalArgumentException("no field to mask; list paths in 'fields' or rules in 'rules'");
        }
        this.targets = List.copyOf(ts);
        this.fallback = s.onError() == MaskSettings.OnError.REDACT ? new Redact(null) : null;
        this.plans = new SynchronizedCache<>(new LRUCache<>(s.schemaCacheSize()));
        this.masked = masked;
        this.schemaless = new SchemalessMasker(targets, fallback, masked);
    }

    /** The rule list, each naming a known strategy. */
    private static List<PathRule> rules(String text) {
        List<PathRule> rules = PathRule.parseList(text);
        for (int i = 0; i < rules.size(); i++) {
            PathRule rule = rules.get(i);
            if (!STRATEGIES.contains(rule.name())) {
                throw new IllegalArgumentException("rule '" + rule + "': unknown strategy '" + rule.name() + "'; use one of "
                        + String.join(", ", STRATEGIES));
            }
            for (PathRule earlier : rules.subList(0, i)) {
                if (earlier.path().overlaps(rule.path())) {
                    throw new IllegalArgumentException("rules '" + earlier + "' and '" + rule + "' reach the same field; keep one rule per field");
                }
            }
        }
        return rules;
    }

    private static Strategy strategy(PathRule rule, MaskSettings s, Hash hash, List<Detector> defaultDetectors,
                                     Map<String, LongAdder> hits) {
        String where = "rule '" + rule + "': ";
        switch (rule.name()) {
            case "redact":
                return new Redact(rule.raw().isEmpty() ? s.redaction().replacement() : rule.raw());
            case "hash":
                if (hash == null) {
                    throw new IllegalArgumentException(where + "hash needs a secret key in hash.key (a ConfigProvider reference such as ${file:/secrets/pii.properties:key} keeps it out of the config)");
                }
                return hash;
            case "partial": {
                int first = intArg(rule, "first", s.partial().keepFirst());
                int last = intArg(rule, "last", s.partial().keepLast());
                String chars = rule.named().getOrDefault("keep", s.partial().keepChars());
                return new Partial(first, last, s.partial().maskChar(), chars);
            }
            case "truncate":
                try {
                    return Truncate.parse(rule.args().isEmpty() ? null : rule.args().get(0));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage());
                }
            default: {
                List<Detector> ds = rule.args().isEmpty() ? defaultDetectors : detectors(rule.args(), s.detection().customPatterns());
                DetectMask mask = s.detection().mask();
                if (mask == DetectMask.HASH && hash == null) {
                    throw new IllegalArgumentException(where + "detect.mask=hash needs a secret key in hash.key");
                }
                ds.forEach(d -> hits.putIfAbsent(d.name(), new LongAdder()));
                return new Detect(ds, mask, s.partial().maskChar(), mask == DetectMask.HASH ? hash::maskSchemaless : null, hits);
            }
        }
    }

    private static int intArg(PathRule rule, String name, int fallback) {
        String v = rule.named().get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rule '" + rule + "': " + name + "=" + v + " must be a whole number, 0 or more");
        }
    }

    /** Built-in detectors by name, or custom ones ({@code detect.pattern.<name>}), in the built-in order first. */
    static List<Detector> detectors(List<String> names, Map<String, String> custom) {
        List<Detector> out = new ArrayList<>();
        for (String n : names) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            Detector d = Detector.BUILT_IN.get(name);
            if (d == null && custom.containsKey(name)) {
                d = customDetector(name, custom.get(name));
            }
            if (d == null) {
                throw new IllegalArgumentException("unknown detector '" + n + "'; use " + String.join(", ", Detector.BUILT_IN.keySet())
                        + " or define detect.pattern." + name);
            }
            out.add(d);
        }
        return out;
    }

    static Detector customDetector(String name, String regex) {
        try {
            return Detector.custom(name, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("detect.pattern." + name + " is not a valid regular expression: " + e.getDescription());
        }
    }

    /**
     * The plan for records of this schema, from the cache. A task sees one schema for long stretches, so the last
     * plan is checked first, before the synchronized LRU cache.
     */
    public SchemaPlan plan(Schema schema) {
        SchemaPlan last = lastPlan;
        if (last != null && last.input() == schema) {
            return last;
        }
        SchemaPlan plan = plans.get(schema);
        if (plan == null) {
            plan = SchemaPlan.build(schema, targets, fallback, masked);
            plans.put(schema, plan);
        }
        lastPlan = plan;
        return plan;
    }

    /** The masked value; the same object when nothing in it was masked. */
    public Object maskSchemaless(Object value) {
        return schemaless.apply(value);
    }

    /**
     * Checks a rule list as the transform would read it, for the config validator: syntax, strategy names and their
     * arguments. What depends on other keys (hash.key, custom detectors) is checked when the transform starts.
     */
    public static void checkRules(String rules) {
        MaskSettings probe = new MaskSettings("", new MaskSettings.Redaction(List.of(), null),
                new MaskSettings.Hashing(new byte[] {1}, HashEncoding.HEX), new MaskSettings.PartialMask('*', 0, 4, ""),
                new MaskSettings.Detection(List.of(), DetectMask.LABEL, Map.of()), MaskSettings.OnError.FAIL, 1);
        Hash hash = new Hash(probe.hashing().key(), probe.hashing().encoding());
        for (PathRule rule : rules(rules)) {
            if (rule.name().equals("detect")) {
                for (String n : rule.args()) {
                    if (!n.trim().toLowerCase(Locale.ROOT).matches("[a-z0-9_]+")) {
                        throw new IllegalArgumentException("rule '" + rule + "': '" + n + "' is not a detector name");
                    }
                }
            } else {
                strategy(rule, probe, hash, List.of(), new LinkedHashMap<>());
            }
        }
    }
}
