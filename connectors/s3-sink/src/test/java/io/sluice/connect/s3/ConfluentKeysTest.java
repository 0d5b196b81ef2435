package io.sluice.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.avro.AvroSchemas;
import io.sluice.connect.s3.storage.Credentials;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Keys of Confluent's S3 sink that Sluice does not define, and the values of its keys that mean something else. */
class ConfluentKeysTest {

    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put("s3.bucket.name", "lake");
        p.put("store.url", "http://127.0.0.1:1"); // nothing answers: validate must stop before reaching it
        p.put("topics", "orders");
        return p;
    }

    @Test
    void valuesAskingForWhatSluiceDoesNotDoAreRefusedNamingTheKeyAndTheWayOut() {
        Map<String, String> p = base();
        p.putAll(Map.of("store.kafka.keys", "true", "s3.sse.customer.key", "c2VjcmV0", "file.delim", "_",
                "hive.integration", "true"));
        Map<String, List<String>> e = Validate.errors(p);
        assertThat(e).containsOnlyKeys("store.kafka.keys", "s3.sse.customer.key", "file.delim", "hive.integration");
        assertThat(e.get("store.kafka.keys").get(0)).contains("kafka.metadata.fields");
        assertThat(e.get("s3.sse.customer.key").get(0)).contains("aws:kms").doesNotContain("c2VjcmV0");
    }

    @Test
    void confluentsDefaultsAndKeysWithoutEffectPassValidateWithAWarning() {
        Map<String, String> p = base();
        p.putAll(Map.of("store.kafka.keys", "false", "file.delim", "+", "directory.delim", "/",
                "filename.offset.zero.pad.width", "10", "s3.object.tagging", "true", "shutdown.timeout.ms", "3000"));
        assertThat(S3SinkConfig.CONFLUENT.errors(p)).isEmpty();
        assertThat(S3SinkConfig.CONFLUENT.warnings(p)).containsOnlyKeys("s3.object.tagging", "shutdown.timeout.ms");
    }

    @Test
    void pathStyleAndConditionalWritesFollowConfluentsDefaultsAndKeys() {
        S3SinkConfig config = new S3SinkConfig(base());
        assertThat(config.pathStyle()).as("Confluent's default").isTrue();
        assertThat(config.conditionalWrites()).isTrue();
        Map<String, String> p = base();
        p.put("enable.conditional.writes", "false");
        assertThat(new S3SinkConfig(p).conditionalWrites()).as("Confluent's key, ours unset").isFalse();
        p.put("s3.conditional.writes.enabled", "true");
        assertThat(new S3SinkConfig(p).conditionalWrites()).as("ours wins").isTrue();
    }

    @Test
    void credentialsProvidersAreSdkV2ClassesOrConfluentsAssumeRole() {
        assertThat(Credentials.of(new S3SinkConfig(base()))).isInstanceOf(DefaultCredentialsProvider.class);
        Map<String, String> p = base();
        p.put("s3.credentials.provider.class", EnvironmentVariableCredentialsProvider.class.getName());
        assertThat(Credentials.of(new S3SinkConfig(p))).isInstanceOf(EnvironmentVariableCredentialsProvider.class);

        p.put("s3.credentials.provider.class", Fixed.class.getName());
        p.put("s3.credentials.provider.access", "AKIDFIXED");
        AwsCredentialsProvider fixed = Credentials.of(new S3SinkConfig(p));
        assertThat(fixed.resolveCredentials().accessKeyId()).as("configured with its prefixed keys").isEqualTo("AKIDFIXED");

        p.put("s3.credentials.provider.class", "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider");
        assertThat(Validate.errors(p).get("s3.credentials.provider.class")).singleElement().asString().contains("sts.role.arn");
        p.put("s3.credentials.provider.sts.role.arn", "arn:aws:iam::123456789012:role/lake-writer");
        AwsCredentialsProvider role = Credentials.of(new S3SinkConfig(p));
        assertThat(role).isInstanceOf(StsAssumeRoleCredentialsProvider.class);
        ((StsAssumeRoleCredentialsProvider) role).close();

        p.put("s3.credentials.provider.class", "com.amazonaws.auth.profile.ProfileCredentialsProvider");
        assertThat(Validate.errors(p).get("s3.credentials.provider.class")).singleElement().asString()
                .contains("No class com.amazonaws.auth.profile.ProfileCredentialsProvider");
        p.put("s3.credentials.provider.class", String.class.getName());
        assertThat(Validate.errors(p).get("s3.credentials.provider.class")).singleElement().asString()
                .contains("not an AWS SDK v2 AwsCredentialsProvider");
    }

    @Test
    void enhancedAvroSchemaSupportOffWritesEnumsAsStrings() {
        Schema value = SchemaBuilder.struct().field("color", SchemaConversionTest.avroConverterEnum("Color", "RED"))
                .build();
        assertThat(AvroSchemas.toAvro(value, true).getField("color").schema().getType())
                .isEqualTo(org.apache.avro.Schema.Type.ENUM);
        assertThat(AvroSchemas.toAvro(value, false).getField("color").schema().getType())
                .isEqualTo(org.apache.avro.Schema.Type.STRING);
        Map<String, String> p = base();
        p.put("enhanced.avro.schema.support", "false");
        assertThat(new S3SinkConfig(p).enhancedAvro()).isFalse();
    }

    /** A provider of one's own, configured through s3.credentials.provider.*. */
    public static final class Fixed implements AwsCredentialsProvider, Configurable {
        private String access;

        @Override
        public void configure(Map<String, ?> configs) {
            access = (String) configs.get("access");
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(access, "secret");
        }
    }
}
