package io.sluice.connect.smt.dlq;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.storage.Converter;

/**
 * The router's own producer, for {@code mode=produce}: serialises a dead letter with the configured converters and
 * sends it synchronously, so a record leaves the pipeline only once its dead letter is acknowledged. Created on the
 * first dead letter, not before.
 */
final class DeadLetterProducer implements AutoCloseable {

    private final Map<String, Object> producerConfig;
    private final Map<String, Object> converterConfig;
    private final long timeoutMs;
    private KafkaProducer<byte[], byte[]> producer;
    private Converter keyConverter;
    private Converter valueConverter;

    /**
     * @param config everything under {@code produce.}: producer settings, and {@code key.converter},
     *               {@code value.converter} with their own {@code key.converter.*} / {@code value.converter.*}
     */
    DeadLetterProducer(Map<String, Object> config, long timeoutMs) {
        this.producerConfig = new HashMap<>();
        this.converterConfig = new HashMap<>();
        config.forEach((k, v) -> (k.startsWith("key.converter") || k.startsWith("value.converter") ? converterConfig : producerConfig).put(k, v));
        if (!producerConfig.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("mode=produce needs produce.bootstrap.servers: the cluster the dead-letter topic lives on");
        }
        producerConfig.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.timeoutMs = timeoutMs;
    }

    void send(String topic, ConnectRecord<?> record) {
        if (producer == null) {
            keyConverter = converter("key.converter", true);
            valueConverter = converter("value.converter", false);
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, record.timestamp(),
                keyConverter.fromConnectData(topic, record.keySchema(), record.key()),
                valueConverter.fromConnectData(topic, record.valueSchema(), record.value()));
        for (Header h : record.headers()) {
            out.headers().add(h.key(), h.value() == null ? null : String.valueOf(h.value()).getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(out).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.connect.errors.RetriableException("interrupted while sending a dead letter to " + topic, e);
        } catch (TimeoutException e) {
            throw new org.apache.kafka.connect.errors.RetriableException("no acknowledgement for a dead letter to " + topic
                    + " within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                throw new org.apache.kafka.connect.errors.RetriableException("cannot send a dead letter to " + topic + " yet", e.getCause());
            }
            throw new ConnectException("cannot send a dead letter to " + topic, e.getCause());
        }
    }

    private Converter converter(String prefix, boolean isKey) {
        String className = String.valueOf(converterConfig.getOrDefault(prefix, "org.apache.kafka.connect.json.JsonConverter"));
        Converter c;
        try {
            c = (Converter) Class.forName(className, true, DeadLetterProducer.class.getClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new ConnectException("produce." + prefix + "=" + className + " is not a Converter on this worker", e);
        }
        Map<String, Object> props = new HashMap<>();
        converterConfig.forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) {
                props.put(k.substring(prefix.length() + 1), v);
            }
        });
        c.configure(props, isKey);
        return c;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(30));
            producer = null;
        }
    }
}
