package io.sluice.connect.common.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Keys of a peer's connector (Confluent's, Debezium's) that a plugin does not define itself, and what a config that
 * carries one gets: accepted with a warning that says why it changes nothing, or refused at validate with the reason
 * and the way out when its value asks for something the plugin does not do. A migrated config is never silently
 * half-honoured.
 */
public final class PeerKeys {

    private record Refusal(Predicate<String> accepted, String why) {
    }

    private final String peer;
    private final Map<String, String> withoutEffect = new LinkedHashMap<>();
    private final Map<String, Refusal> refusals = new LinkedHashMap<>();

    private PeerKeys(String peer) {
        this.peer = peer;
    }

    /** The keys of {@code peer}'s connector, e.g. "Confluent's S3 sink". */
    public static PeerKeys of(String peer) {
        return new PeerKeys(peer);
    }

    /** A key accepted with any value, which changes nothing here for the reason {@code why}. */
    public PeerKeys withoutEffect(String key, String why) {
        withoutEffect.put(key, why);
        return this;
    }

    /**
     * A key whose values {@code accepted} takes change nothing here (the peer's default, or what the plugin does
     * anyway); any other value is refused for the reason {@code why}, which says what to use instead.
     */
    public PeerKeys refusedUnless(String key, Predicate<String> accepted, String why) {
        refusals.put(key, new Refusal(accepted, why));
        return this;
    }

    /** The peer's keys in {@code config} that change nothing here, each with the warning to log. */
    public Map<String, String> warnings(Map<String, ?> config) {
        Map<String, String> out = new TreeMap<>();
        withoutEffect.forEach((key, why) -> {
            if (config.containsKey(key)) {
                out.put(key, key + " (a key of " + peer + ") has no effect here: " + why);
            }
        });
        return out;
    }

    /**
     * Adds an error to {@code key} in a {@code config/validate} result, adding the key when the plugin does not
     * define it (a peer's key), so the answer names it.
     */
    public static void addError(Config result, String key, String message) {
        ConfigValue value = result.configValues().stream().filter(v -> v.name().equals(key)).findFirst().orElse(null);
        if (value == null) {
            value = new ConfigValue(key);
            result.configValues().add(value);
        }
        value.addErrorMessage(message);
    }

    /** The peer's keys in {@code config} whose value is refused, each with the error for config/validate. */
    public Map<String, String> errors(Map<String, ?> config) {
        Map<String, String> out = new TreeMap<>();
        refusals.forEach((key, refusal) -> {
            Object value = config.get(key);
            if (value != null && !refusal.accepted().test(String.valueOf(value).trim())) {
                // the value stays out of the message: some of these keys hold secrets
                out.put(key, key + " (a key of " + peer + ") is not supported with this value: " + refusal.why());
            }
        });
        return out;
    }
}
