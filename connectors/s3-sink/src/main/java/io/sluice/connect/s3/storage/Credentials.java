package io.sluice.connect.s3.storage;

import io.sluice.connect.s3.S3SinkConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.apache.kafka.common.Configurable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Where the sink's AWS credentials come from: the static key pair when {@code aws.access.key.id} is set, else the
 * class {@code s3.credentials.provider.class} names, else the SDK's default chain (environment, profile, web
 * identity, container and instance roles).
 */
public final class Credentials {

    /** Confluent's role-assuming provider; its {@code sts.*} settings are read the same way here. */
    static final String CONFLUENT_ASSUME_ROLE = "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider";
    private static final String V1_DEFAULT_CHAIN = "com.amazonaws.auth.DefaultAWSCredentialsProviderChain";

    private Credentials() {
    }

    public static AwsCredentialsProvider of(S3SinkConfig config) {
        if (!config.accessKeyId().isEmpty()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId(),
                    config.secretAccessKey().value()));
        }
        String name = config.credentialsProvider();
        if (name.isEmpty() || name.equals(DefaultCredentialsProvider.class.getName()) || name.equals(V1_DEFAULT_CHAIN)) {
            return DefaultCredentialsProvider.builder().build();
        }
        Map<String, Object> settings = config.credentialsProviderSettings();
        if (name.equals(CONFLUENT_ASSUME_ROLE)) {
            return assumeRole(settings, config.region());
        }
        return load(name, settings);
    }

    /** Confluent's {@code sts.role.arn}, {@code sts.role.session.name}, {@code sts.role.external.id}, {@code sts.region}. */
    private static AwsCredentialsProvider assumeRole(Map<String, Object> settings, String bucketRegion) {
        String arn = text(settings.get("sts.role.arn"));
        if (arn.isEmpty()) {
            throw new IllegalArgumentException("Assuming a role needs s3.credentials.provider.sts.role.arn (and "
                    + "optionally .sts.role.session.name, .sts.role.external.id, .sts.region)");
        }
        String session = text(settings.get("sts.role.session.name"));
        String externalId = text(settings.get("sts.role.external.id"));
        String region = text(settings.get("sts.region"));
        StsClient sts = StsClient.builder().region(Region.of(region.isEmpty() ? bucketRegion : region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts).refreshRequest(r -> {
            r.roleArn(arn).roleSessionName(session.isEmpty() ? "sluice-s3-sink" : session);
            if (!externalId.isEmpty()) {
                r.externalId(externalId);
            }
        }).build();
    }

    /** Any AWS SDK v2 provider class: its static {@code create()}, else its public no-argument constructor. */
    private static AwsCredentialsProvider load(String name, Map<String, Object> settings) {
        Class<?> type;
        try {
            type = Class.forName(name, true, Credentials.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("No class " + name + " in the plugin: name an AWS SDK v2 credentials "
                    + "provider (software.amazon.awssdk.auth.credentials.*), " + CONFLUENT_ASSUME_ROLE + ", or put "
                    + "your own provider's jar in the plugin directory");
        }
        if (!AwsCredentialsProvider.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(name + " is not an AWS SDK v2 AwsCredentialsProvider (SDK v1 providers "
                    + "such as com.amazonaws.auth.* are not supported; their v2 counterparts are)");
        }
        Object provider;
        try {
            Method create = type.getMethod("create");
            provider = Modifier.isStatic(create.getModifiers()) ? create.invoke(null)
                    : type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            try {
                provider = type.getConstructor().newInstance();
            } catch (ReflectiveOperationException inner) {
                throw new IllegalArgumentException(name + " has neither a static create() nor a public "
                        + "no-argument constructor");
            }
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(name + " could not be created: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(name + " could not be created: " + e, e);
        }
        if (provider instanceof Configurable configurable) {
            configurable.configure(settings);
        }
        return (AwsCredentialsProvider) provider;
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString().trim();
    }
}
