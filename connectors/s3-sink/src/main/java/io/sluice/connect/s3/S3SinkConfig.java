package io.sluice.connect.s3;

import io.sluice.connect.common.config.Choice;
import io.sluice.connect.common.config.ParsedBy;
import io.sluice.connect.common.config.PeerKeys;
import io.sluice.connect.common.fault.RetryBudget;
import io.sluice.connect.s3.partition.DefaultPartitioner;
import io.sluice.connect.s3.partition.FieldPartitioner;
import io.sluice.connect.s3.partition.Partitioner;
import io.sluice.connect.s3.partition.TimeBasedPartitioner;
import io.sluice.connect.s3.partition.TimestampExtractor;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The S3 sink's configuration. Keys are Confluent's S3 sink and storage-common keys wherever the feature is the same,
 * so a user migrating changes {@code connector.class} and little else; the keys of features Confluent lacks are ours
 * and say so in their documentation.
 */
public final class S3SinkConfig extends AbstractConfig {

    public static final String S3_BUCKET = "s3.bucket.name";
    public static final String S3_REGION = "s3.region";
    public static final String STORE_URL = "store.url";
    public static final String PATH_STYLE = "s3.path.style.access.enabled";
    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String SSE_ALGORITHM = "s3.ssea.name";
    public static final String SSE_KMS_KEY_ID = "s3.sse.kms.key.id";
    public static final String ACL_CANNED = "s3.acl.canned";
    public static final String PART_SIZE = "s3.part.size";
    public static final String PART_RETRIES = "s3.part.retries";
    public static final String RETRY_BACKOFF_MS = "s3.retry.backoff.ms";
    public static final String CHECKSUM_CALCULATION = "s3.request.checksum.calculation";
    public static final String CONDITIONAL_WRITES = "s3.conditional.writes.enabled";

    public static final String TOPICS_DIR = "topics.dir";
    public static final String FORMAT_CLASS = "format.class";
    public static final String STORAGE_CLASS = "storage.class";
    public static final String PARQUET_CODEC = "parquet.codec";
    public static final String PARQUET_BLOCK_SIZE = "parquet.block.size";
    public static final String PARQUET_PAGE_SIZE = "parquet.page.size";
    public static final String PARQUET_DICTIONARY = "parquet.dictionary.encoding";
    public static final String SCHEMA_COMPATIBILITY = "schema.compatibility";
    public static final String NULL_VALUES = "behavior.on.null.values";
    public static final String METADATA_FIELDS = "kafka.metadata.fields";

    public static final String PARTITIONER_CLASS = "partitioner.class";
    public static final String PARTITION_FIELD_NAME = "partition.field.name";
    public static final String PATH_FORMAT = "path.format";
    public static final String PARTITION_DURATION_MS = "partition.duration.ms";
    public static final String LOCALE = "locale";
    public static final String TIMEZONE = "timezone";
    public static final String TIMESTAMP_EXTRACTOR = "timestamp.extractor";
    public static final String TIMESTAMP_FIELD = "timestamp.field";
    public static final String TIMESTAMP_UNIT = "timestamp.unit";

    public static final String FLUSH_SIZE = "flush.size";
    public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
    public static final String ROTATE_SCHEDULE_INTERVAL_MS = "rotate.schedule.interval.ms";
    public static final String ROTATE_SIZE_BYTES = "rotate.size.bytes";
    public static final String MEMORY_BUFFER_BYTES = "memory.buffer.max.bytes";
    public static final String SPILL_DIR = "spill.dir";
    public static final String SPILL_MAX_BYTES = "spill.max.bytes";
    public static final String CREDENTIALS_PROVIDER = "s3.credentials.provider.class";
    public static final String RETRY_TIMEOUT_MS = "s3.retry.timeout.ms";
    public static final String ENHANCED_AVRO = "enhanced.avro.schema.support";
    public static final String REPORT_NULLS = "report.null.values.to.dlq";

    public static final String TABLE_FORMAT = "table.format";
    /** The catalog's name; its properties are the keys under {@value #ICEBERG_CATALOG_PREFIX}, as in Iceberg's sink. */
    public static final String ICEBERG_CATALOG = "iceberg.catalog";
    public static final String ICEBERG_CATALOG_PREFIX = "iceberg.catalog.";
    public static final String ICEBERG_TABLES = "iceberg.tables";
    public static final String ICEBERG_AUTO_CREATE = "iceberg.tables.auto-create-enabled";
    public static final String ICEBERG_EVOLVE = "iceberg.tables.evolve-schema-enabled";
    public static final String ICEBERG_PARTITION_BY = "iceberg.tables.default-partition-by";
    public static final String ICEBERG_DYNAMIC = "iceberg.tables.dynamic-enabled";
    public static final String ICEBERG_ROUTE_FIELD = "iceberg.tables.route-field";
    /** Per-table keys, as in Iceberg's sink: iceberg.table.&lt;name&gt;.route-regex and .partition-by. */
    public static final String ICEBERG_TABLE_PREFIX = "iceberg.table.";
    static final String ROUTE_REGEX = ".route-regex";
    static final String PARTITION_BY = ".partition-by";
    /** Confluent's name for conditional writes; read when ours is not set. */
    static final String CONFLUENT_CONDITIONAL_WRITES = "enable.conditional.writes";

    static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    static final Choice CODECS = Choice.of("snappy", "zstd", "gzip", "lz4_raw", "lz4", "none", "uncompressed");
    /** schema.compatibility: which of two versions of a record schema a file keeps (none: every change rotates). */
    public enum SchemaCompatibility { NONE, BACKWARD, FORWARD, FULL }

    /** behavior.on.null.values: what a record with a null value (a tombstone) does. */
    public enum NullValues { FAIL, IGNORE, WRITE }

    static final Choice COMPATIBILITY = Choice.ofEnum(SchemaCompatibility.class);
    static final Choice NULL_BEHAVIOR = Choice.ofEnum(NullValues.class);
    static final Choice EXTRACTORS = Choice.of("wallclock", "record", "recordfield");
    static final Choice TABLE_FORMATS = Choice.of("hive", "iceberg");
    static final Choice SSE = Choice.of("", "aes256", "aws:kms");
    static final Choice CHECKSUMS = Choice.of("when_required", "when_supported");
    static final List<String> METADATA = List.of("topic", "partition", "offset", "timestamp", "key", "headers");

    /** Keys of Confluent's S3 sink that Sluice does not define: accepted with a WARN, or refused at validate. */
    static final PeerKeys CONFLUENT = PeerKeys.of("Confluent's S3 sink")
            .refusedUnless("store.kafka.keys", "false"::equalsIgnoreCase, "Sluice writes no key files beside the "
                    + "data; add key to kafka.metadata.fields for a _kafka_key column in every row")
            .refusedUnless("store.kafka.headers", "false"::equalsIgnoreCase, "Sluice writes no header files beside "
                    + "the data; add headers to kafka.metadata.fields for a _kafka_headers column in every row")
            .refusedUnless("s3.sse.customer.key", String::isEmpty, "encryption with customer-provided keys (SSE-C) "
                    + "is not supported; use s3.ssea.name=aws:kms (with s3.sse.kms.key.id) or AES256")
            .refusedUnless("hive.integration", "false"::equalsIgnoreCase, "there is no Hive metastore integration; "
                    + "define the table over topics.dir with the partition columns of path.format")
            .refusedUnless("directory.delim", "/"::equals, "object keys always separate directories with '/'")
            .refusedUnless("file.delim", "+"::equals, "object names always read <topic>+<partition>+<offset>")
            .refusedUnless("filename.offset.zero.pad.width", "10"::equals, "start offsets in object names are "
                    + "always 10 digits wide, as with Confluent's default")
            .refusedUnless("s3.schema.partition.affix.type", "NONE"::equalsIgnoreCase, "paths never carry the "
                    + "schema name")
            .refusedUnless("s3.wan.mode", "false"::equalsIgnoreCase, "S3 Transfer Acceleration is not supported; "
                    + "store.url can name another endpoint")
            .refusedUnless("s3.proxy.url", String::isEmpty, "HTTP proxies are not supported; let the worker reach "
                    + "the store directly or through store.url")
            .withoutEffect("s3.object.tagging", "objects are not tagged")
            .withoutEffect("s3.object.tagging.key.value.pairs", "objects are not tagged")
            .withoutEffect("s3.object.behavior.on.tagging.error", "objects are not tagged")
            .withoutEffect("s3.send.digest", "uploads carry the checksums s3.request.checksum.calculation asks for")
            .withoutEffect("s3.http.send.expect.continue", "the SDK's HTTP client decides")
            .withoutEffect("s3.elastic.buffer.enable", "an open file buffers one upload part at a time, within "
                    + "memory.buffer.max.bytes")
            .withoutEffect("s3.elastic.buffer.init.capacity", "an open file buffers one upload part at a time, "
                    + "within memory.buffer.max.bytes")
            .withoutEffect("s3.compression.type", "Parquet pages are compressed with parquet.codec (in Confluent's "
                    + "sink too this key only applies to JSON and byte-array files)")
            .withoutEffect("s3.compression.level", "Parquet pages are compressed with parquet.codec")
            .withoutEffect("partitioner.max.open.files", "open files are bounded by memory.buffer.max.bytes")
            .withoutEffect("rotate.file.on.partition.change", "a record for another path always goes to that path's "
                    + "own file")
            .withoutEffect("max.write.duration.ms", "put() writes the records it is given and returns; uploads of "
                    + "whole parts run beside it")
            .withoutEffect("tombstone.encoded.partition", "tombstones written with behavior.on.null.values=write "
                    + "go to the path the partitioner gives their record")
            .withoutEffect("max.files.scan.limit", "the per-partition offset index replaces listing objects at "
                    + "start")
            .withoutEffect("retry.backoff.ms", "S3 requests are retried after s3.retry.backoff.ms; a partition that "
                    + "failed is retried at the next put")
            .withoutEffect("shutdown.timeout.ms", "a stopping task aborts its open uploads at once; their records "
                    + "are read again from the committed offsets")
            .withoutEffect("schema.cache.size", "converted schemas are cached per task, bounded")
            .withoutEffect("connect.meta.data", "Parquet columns are the same; the Avro schema embedded in each "
                    + "file carries no connect.* properties")
            .withoutEffect("allow.optional.map.keys", "maps whose keys are not strings are written as key/value "
                    + "lists, whatever the keys' optionality")
            .withoutEffect("avro.codec", "it applies to Avro files; this sink writes Parquet")
            .withoutEffect("json.decimal.format", "it applies to JSON files; this sink writes Parquet")
            .withoutEffect("format.bytearray.extension", "it applies to byte-array files; this sink writes Parquet")
            .withoutEffect("format.bytearray.separator", "it applies to byte-array files; this sink writes Parquet")
            .withoutEffect("keys.format.class", "key files are not written (see store.kafka.keys)")
            .withoutEffect("headers.format.class", "header files are not written (see store.kafka.headers)")
            .withoutEffect("hive.metastore.uris", "there is no Hive metastore integration")
            .withoutEffect("hive.conf.dir", "there is no Hive metastore integration")
            .withoutEffect("hive.home", "there is no Hive metastore integration")
            .withoutEffect("hive.database", "there is no Hive metastore integration");

    /** Keys of Apache Iceberg's sink that Sluice does not define: accepted with a WARN, or refused at validate. */
    static final PeerKeys ICEBERG_SINK = PeerKeys.of("Apache Iceberg's sink")
            .refusedUnless("iceberg.tables.default-id-columns", String::isEmpty, "the sink appends; upserts by "
                    + "identifier columns (equality deletes) are not supported")
            .refusedUnless("iceberg.tables.upsert-mode-enabled", "false"::equalsIgnoreCase, "the sink appends; "
                    + "upserts are not supported")
            .refusedUnless("iceberg.tables.cdc-field", String::isEmpty, "the sink appends; CDC operations are not "
                    + "applied")
            .refusedUnless("iceberg.tables.default-commit-branch", v -> v.isEmpty() || v.equals("main"),
                    "files are committed to the main branch")
            .withoutEffect("iceberg.control.topic", "there is no control topic: each task commits its own files")
            .withoutEffect("iceberg.control.group-id-prefix", "there is no control topic")
            .withoutEffect("iceberg.control.commit.interval-ms", "commits follow file rotation (flush.size, "
                    + "rotate.interval.ms, rotate.schedule.interval.ms)")
            .withoutEffect("iceberg.control.commit.timeout-ms", "no commit waits for other tasks")
            .withoutEffect("iceberg.control.commit.threads", "each task commits on its own writing thread")
            .withoutEffect("iceberg.tables.schema-force-optional", "columns keep the optionality of the record "
                    + "schema; added columns are optional")
            .withoutEffect("iceberg.tables.schema-case-insensitive", "fields match columns by exact name")
            .withoutEffect("iceberg.hadoop-conf-dir", "no Hadoop configuration is loaded");

    /** What the peers' keys in {@code props} refuse, by key: Confluent's S3 sink's, then Iceberg's sink's. */
    static Map<String, String> peerErrors(Map<String, ?> props) {
        Map<String, String> out = new java.util.LinkedHashMap<>(CONFLUENT.errors(props));
        out.putAll(ICEBERG_SINK.errors(props));
        return out;
    }

    static Map<String, String> peerWarnings(Map<String, ?> props) {
        Map<String, String> out = new java.util.LinkedHashMap<>(CONFLUENT.warnings(props));
        out.putAll(ICEBERG_SINK.warnings(props));
        return out;
    }

    private static final String S3 = "S3";
    private static final String STORAGE = "Storage";
    private static final String FORMAT = "Parquet";
    private static final String PARTITIONER = "Partitioner";
    private static final String ROTATION = "Rotation and memory";
    private static final String ICEBERG = "Iceberg table";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(S3_BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "The bucket the Parquet objects are written to.", S3, ++order, Width.MEDIUM, "Bucket")
                .define(S3_REGION, Type.STRING, "us-west-2", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "The bucket's AWS region (any value for most S3-compatible stores).", S3, ++order,
                        Width.SHORT, "Region")
                .define(STORE_URL, Type.STRING, "", ParsedBy.of(S3SinkConfig::parseUrl), Importance.MEDIUM,
                        "Endpoint of an S3-compatible store (MinIO, Ceph, R2, S3Proxy), e.g. http://minio:9000. "
                                + "Empty: AWS's endpoint for the region.", S3, ++order, Width.LONG, "Store URL")
                .define(PATH_STYLE, Type.BOOLEAN, true, Importance.LOW,
                        "Address the bucket in the path (http://host/bucket/key) rather than the host name, as "
                                + "Confluent's sink does by default; most S3-compatible stores need it. false: "
                                + "virtual-hosted style (bucket.host).", S3, ++order, Width.SHORT, "Path-style access")
                .define(ACCESS_KEY_ID, Type.STRING, "", Importance.HIGH,
                        "Static access key id. Empty: the AWS default credentials chain (environment, profile, "
                                + "web identity, instance role).", S3, ++order, Width.MEDIUM, "Access key id")
                .define(SECRET_ACCESS_KEY, Type.PASSWORD, "", Importance.HIGH,
                        "Secret of the static access key.", S3, ++order, Width.MEDIUM, "Secret access key")
                .define(CREDENTIALS_PROVIDER, Type.STRING, "", Importance.LOW,
                        "AWS SDK v2 credentials provider class (software.amazon.awssdk.auth.credentials.*, or your "
                                + "own in the plugin directory), used when aws.access.key.id is empty; built with its "
                                + "static create() or no-argument constructor, and configured with the "
                                + "s3.credentials.provider.* keys if it is Kafka-Configurable. Empty: the default "
                                + "chain.", S3, ++order, Width.LONG, "Credentials provider")
                .define(SSE_ALGORITHM, Type.STRING, "", SSE, Importance.LOW,
                        "Server-side encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS). Empty: the bucket's default.",
                        S3, ++order, Width.SHORT, "Server-side encryption", SSE)
                .define(SSE_KMS_KEY_ID, Type.STRING, "", Importance.LOW,
                        "KMS key id or ARN for aws:kms; empty uses the account's S3 key.", S3, ++order, Width.LONG,
                        "KMS key")
                .define(ACL_CANNED, Type.STRING, "", Importance.LOW,
                        "Canned ACL of each object (e.g. bucket-owner-full-control). Empty: none.", S3, ++order,
                        Width.MEDIUM, "Canned ACL")
                .define(PART_SIZE, Type.INT, 25 * 1024 * 1024, Range.atLeast(MIN_PART_SIZE), Importance.MEDIUM,
                        "Size of the multipart upload parts, in bytes (at least 5 MiB). A file streams to S3 one part "
                                + "at a time, so this is the most one open file holds beyond its Parquet row group.",
                        S3, ++order, Width.SHORT, "Part size")
                .define(PART_RETRIES, Type.INT, 3, Range.atLeast(0), Importance.LOW,
                        "Retries of one S3 request on throttling (503 SlowDown), 5xx and connection errors, with "
                                + "jittered exponential backoff. When they run out the task rewinds to its last "
                                + "committed data and tries again later; it stays RUNNING.", S3, ++order,
                        Width.SHORT, "Request retries")
                .define(RETRY_BACKOFF_MS, Type.LONG, 200L, Range.atLeast(1), Importance.LOW,
                        "Base of the backoff between retries, in milliseconds (doubled per attempt, jittered, at most "
                                + "20 s).", S3, ++order, Width.SHORT, "Retry backoff")
                .define(RETRY_TIMEOUT_MS, Type.LONG, 600_000L, Range.atLeast(0), Importance.LOW,
                        "Ours. How long S3 may stay unavailable (5xx, throttling, no connection) before the task "
                                + "fails, from the first failure in a row. Meanwhile the partitions whose files "
                                + "cannot be committed are paused and retried at every put; the task stays RUNNING "
                                + "and retrying-since-ms says since when. Errors a retry cannot fix (403, a missing "
                                + "bucket) fail the task at once.", S3, ++order, Width.SHORT, "Retry timeout")
                .define(CHECKSUM_CALCULATION, Type.STRING, "when_required", CHECKSUMS, Importance.LOW,
                        "Ours. When the AWS SDK adds request checksums: when_required (works with every "
                                + "S3-compatible store) or when_supported (the SDK's default since 2.30, which some "
                                + "stores reject).", S3, ++order, Width.SHORT, "Request checksums", CHECKSUMS)
                .define(CONDITIONAL_WRITES, Type.BOOLEAN, true, Importance.LOW,
                        "Ours. Fence zombie tasks with conditional writes (If-Match) of the per-partition offset "
                                + "index. Turn off only for stores without conditional writes; exactly-once then "
                                + "holds except against a task that keeps writing after losing its partitions.",
                        S3, ++order, Width.SHORT, "Conditional writes");
        order = 0;
        def.define(TOPICS_DIR, Type.STRING, "topics", ParsedBy.of(S3SinkConfig::parseDirectory), Importance.HIGH,
                        "Top-level directory of the objects: <topics.dir>/<topic>/<partition path>/"
                                + "<topic>+<kafkaPartition>+<startOffset>.<codec>.parquet.", STORAGE, ++order,
                        Width.MEDIUM, "Topics directory")
                .define(FORMAT_CLASS, Type.STRING, "parquet", ParsedBy.of(S3SinkConfig::parseFormat),
                        Importance.LOW, "Accepted for Confluent configs: Parquet is the only format "
                                + "(io.confluent.connect.s3.format.parquet.ParquetFormat means the same).",
                        STORAGE, ++order, Width.LONG, "Format")
                .define(STORAGE_CLASS, Type.STRING, "s3", Importance.LOW,
                        "Accepted for Confluent configs and ignored: the storage is S3.", STORAGE, ++order,
                        Width.LONG, "Storage");
        order = 0;
        def.define(PARQUET_CODEC, Type.STRING, "snappy", CODECS, Importance.MEDIUM,
                        "Page compression: snappy, zstd, gzip, lz4_raw (lz4 means lz4_raw) or none.", FORMAT,
                        ++order, Width.SHORT, "Codec", CODECS)
                .define(PARQUET_BLOCK_SIZE, Type.INT, 32 * 1024 * 1024, Range.atLeast(64 * 1024), Importance.LOW,
                        "Ours. Target row-group size in bytes. A row group is buffered in memory until it is full, "
                                + "so this bounds one open file's memory.", FORMAT, ++order, Width.SHORT,
                        "Row-group size")
                .define(PARQUET_PAGE_SIZE, Type.INT, 1024 * 1024, Range.atLeast(1024), Importance.LOW,
                        "Ours. Target page size in bytes.", FORMAT, ++order, Width.SHORT, "Page size")
                .define(PARQUET_DICTIONARY, Type.BOOLEAN, true, Importance.LOW,
                        "Ours. Dictionary-encode columns (smaller files for repeated values). A column whose "
                                + "dictionary a file dropped (its values hardly repeat) is written plain from the next "
                                + "file of its schema on, and offered one again every 16th file. An open file holds "
                                + "about 20 KiB per column instead of 4 KiB, which the memory budget counts: turn it "
                                + "off when thousands of directories are open at once.", FORMAT, ++order, Width.SHORT,
                        "Dictionary encoding")
                .define(SCHEMA_COMPATIBILITY, Type.STRING, "none", COMPATIBILITY, Importance.MEDIUM,
                        "How records with another schema version are written. none: a new file per schema change. "
                                + "backward/full: records of an older version are projected to the newest seen, a "
                                + "newer version starts a new file. forward: records of a newer version are "
                                + "projected to the file's version. Needs versioned schemas (Avro, Protobuf "
                                + "converters); unversioned schemas behave as none.", FORMAT, ++order, Width.SHORT,
                        "Schema compatibility", COMPATIBILITY)
                .define(NULL_VALUES, Type.STRING, "fail", NULL_BEHAVIOR, Importance.MEDIUM,
                        "Records with a null value (tombstones): fail the task (naming this key), ignore them "
                                + "(counted in the skipped-records metric), or write a row whose value fields are "
                                + "null (with kafka.metadata.fields including key, for lakehouse deletes).",
                        FORMAT, ++order, Width.SHORT, "Null values", NULL_BEHAVIOR)
                .define(REPORT_NULLS, Type.BOOLEAN, true, Importance.LOW,
                        "With behavior.on.null.values=ignore: also send each ignored tombstone to the worker's "
                                + "dead-letter queue when errors.tolerance=all (Confluent's default).", FORMAT, ++order,
                        Width.SHORT, "Report ignored null values")
                .define(ENHANCED_AVRO, Type.BOOLEAN, true, Importance.LOW,
                        "Keep the enums of Confluent's Avro converter as Parquet ENUM columns; false writes them "
                                + "as plain strings, as Confluent's sink does with this key off.", FORMAT, ++order,
                        Width.SHORT, "Enhanced Avro schema support")
                .define(METADATA_FIELDS, Type.LIST, "", ParsedBy.of(S3SinkConfig::parseMetadataField),
                        Importance.LOW, "Ours. Kafka metadata written as extra columns _kafka_<name> for "
                                + "de-duplication downstream: any of topic, partition, offset, timestamp, key, "
                                + "headers.", FORMAT, ++order, Width.LONG, "Kafka metadata columns");
        order = 0;
        def.define(PARTITIONER_CLASS, Type.STRING, "default", ParsedBy.of(S3SinkConfig::parsePartitioner),
                        Importance.HIGH, "How records are spread over directories: default (partition=<n>), field, "
                                + "time (path.format with partition.duration.ms), hourly, daily; Confluent's class "
                                + "names of these are accepted.", PARTITIONER, ++order, Width.LONG, "Partitioner")
                .define(PARTITION_FIELD_NAME, Type.LIST, "", Importance.MEDIUM,
                        "Value fields (nested paths like customer.region allowed) for the field partitioner, or "
                                + "leading directories before the time ones for the time partitioners.",
                        PARTITIONER, ++order, Width.LONG, "Partition fields")
                .define(PATH_FORMAT, Type.STRING, "", ParsedBy.of(S3SinkConfig::parsePathFormat), Importance.MEDIUM,
                        "Directory pattern of the time partitioner, Joda style as in Confluent, e.g. "
                                + "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH.", PARTITIONER, ++order, Width.LONG,
                        "Path format")
                .define(PARTITION_DURATION_MS, Type.LONG, -1L, Importance.MEDIUM,
                        "Length of one time directory in milliseconds (3600000 for hourly paths).", PARTITIONER,
                        ++order, Width.SHORT, "Partition duration")
                .define(LOCALE, Type.STRING, "en", ParsedBy.of(Locale::forLanguageTag), Importance.LOW,
                        "Locale of month and day names in path.format.", PARTITIONER, ++order, Width.SHORT,
                        "Locale")
                .define(TIMEZONE, Type.STRING, "UTC", ParsedBy.of(S3SinkConfig::parseZone), Importance.MEDIUM,
                        "Time zone of time directories (e.g. UTC, Europe/Paris); daylight-saving changes are "
                                + "handled.", PARTITIONER, ++order, Width.SHORT, "Time zone")
                .define(TIMESTAMP_EXTRACTOR, Type.STRING, "Wallclock", ParsedBy.of(S3SinkConfig::parseExtractor),
                        Importance.MEDIUM, "Time of a record: Record (Kafka timestamp), RecordField (timestamp.field) "
                                + "or Wallclock (when it is written).", PARTITIONER, ++order, Width.SHORT,
                        "Timestamp extractor")
                .define(TIMESTAMP_FIELD, Type.STRING, "timestamp", Importance.MEDIUM,
                        "Value field holding the record time for RecordField: a nested path through structs and "
                                + "maps; a Timestamp, an epoch number (timestamp.unit) or an ISO-8601 string.",
                        PARTITIONER, ++order, Width.MEDIUM, "Timestamp field")
                .define(TIMESTAMP_UNIT, Type.STRING, "ms", ParsedBy.of(v -> TimestampExtractor.unit(v)),
                        Importance.LOW, "Ours. Unit of epoch numbers in timestamp.field: s, ms, us or ns.",
                        PARTITIONER, ++order, Width.SHORT, "Timestamp unit");
        order = 0;
        def.define(FLUSH_SIZE, Type.INT, 100_000, Range.atLeast(1), Importance.HIGH,
                        "Records per file: a file is committed when it holds this many.", ROTATION, ++order,
                        Width.SHORT, "Flush size")
                .define(ROTATE_INTERVAL_MS, Type.LONG, -1L, Importance.MEDIUM,
                        "Record-time span of a file: a record more than this later than the file's first one "
                                + "commits the file first. -1: off.", ROTATION, ++order, Width.SHORT,
                        "Rotate interval")
                .define(ROTATE_SCHEDULE_INTERVAL_MS, Type.LONG, -1L, Importance.MEDIUM,
                        "Wall-clock age at which an open file is committed, even if its partition receives no more "
                                + "records (idle partitions are flushed). Exactly-once still holds. -1: off.",
                        ROTATION, ++order, Width.SHORT, "Scheduled rotation")
                .define(ROTATE_SIZE_BYTES, Type.LONG, -1L, Importance.LOW,
                        "Ours. Commit a file once its Parquet size reaches this many bytes. -1: off.", ROTATION,
                        ++order, Width.SHORT, "Rotate size")
                .define(MEMORY_BUFFER_BYTES, Type.LONG, 128L * 1024 * 1024, Range.atLeast(1024 * 1024),
                        Importance.MEDIUM, "Ours. Memory budget of all open files of a task. When the buffered rows, "
                                + "row groups and upload parts exceed it, the rows of the least recently written files "
                                + "move to the spill area (spill.dir); only when that is full too are the largest open "
                                + "files committed early. Any number of open partition paths fits in a bounded heap.",
                        ROTATION, ++order, Width.SHORT, "Memory budget")
                .define(SPILL_DIR, Type.STRING, "", Importance.LOW, "Ours. Local directory under which each task keeps "
                        + "its spill area (a directory of its own, removed when the task stops; areas of tasks that "
                        + "died are removed by the next task to start here). Empty: sluice-spill in the worker's "
                        + "temporary directory (java.io.tmpdir). On Kubernetes, give it a volume of spill.max.bytes "
                        + "per task (Strimzi: template.pod.tmpDirSizeLimit).", ROTATION, ++order, Width.LONG,
                        "Spill directory")
                .define(SPILL_MAX_BYTES, Type.LONG, 1024L * 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
                        "Ours. Disk one task may use for spilled rows (compressed). Spilled rows are a buffer, not "
                        + "state: a task that dies loses them and re-reads its records from the committed offsets. "
                        + "Past this, or when the disk fills, open files are committed early. 0: no spill.",
                        ROTATION, ++order, Width.SHORT, "Spill limit");
        order = 0;
        def.define(TABLE_FORMAT, Type.STRING, "hive", TABLE_FORMATS, Importance.HIGH, "Ours. hive: Parquet objects "
                        + "under topics.dir in Hive-style directories, committed through a per-partition offset "
                        + "index (the default, as Confluent's sink lays them out). iceberg: the same Parquet files "
                        + "committed into the Apache Iceberg table iceberg.tables through the catalog "
                        + "iceberg.catalog.*, exactly once, without a coordinator.", ICEBERG, ++order, Width.SHORT,
                        "Table format", TABLE_FORMATS)
                .define(ICEBERG_CATALOG, Type.STRING, "iceberg", Importance.LOW, "As in Iceberg's sink: the "
                        + "catalog's name. Its properties are the keys that start with iceberg.catalog., without the "
                        + "prefix: iceberg.catalog.type (rest, jdbc or glue) or iceberg.catalog.catalog-impl, "
                        + "iceberg.catalog.uri, iceberg.catalog.warehouse, iceberg.catalog.s3.*, ... S3FileIO is "
                        + "the default io-impl; s3.endpoint, s3.path-style-access, the access keys and "
                        + "client.region default to store.url, s3.path.style.access.enabled, aws.access.key.id, "
                        + "aws.secret.access.key and s3.region.", ICEBERG, ++order, Width.MEDIUM, "Catalog name")
                .define(ICEBERG_TABLES, Type.LIST, "", Importance.HIGH, "As in Iceberg's sink: the tables records "
                        + "go to, namespace.table, comma-separated: every record to each of them, or, with "
                        + "iceberg.tables.route-field, to those whose iceberg.table.<name>.route-regex matches the "
                        + "field's value. Ours: ${topic} in a name stands for the record's topic with dots as "
                        + "underscores (a table per topic, e.g. lake.${topic}). Data files go where a table's location "
                        + "provider puts them, which must be in s3.bucket.name.", ICEBERG, ++order, Width.LONG,
                        "Tables")
                .define(ICEBERG_ROUTE_FIELD, Type.STRING, "", Importance.MEDIUM, "As in Iceberg's sink: the record "
                        + "field (a dotted name reaches into nested fields) whose value routes the record: matched "
                        + "against each table's iceberg.table.<name>.route-regex, or, with "
                        + "iceberg.tables.dynamic-enabled, naming the table itself. A record no regex matches goes "
                        + "to no table (counted in records-skipped-total).", ICEBERG, ++order, Width.MEDIUM,
                        "Route field")
                .define(ICEBERG_DYNAMIC, Type.BOOLEAN, false, Importance.MEDIUM, "As in Iceberg's sink: each record "
                        + "goes to the table its iceberg.tables.route-field names (namespace.table, lower-cased); a "
                        + "record without that value is a bad record (errors.tolerance decides).", ICEBERG, ++order,
                        Width.SHORT, "Dynamic tables")
                .define(ICEBERG_AUTO_CREATE, Type.BOOLEAN, false, Importance.MEDIUM, "As in Iceberg's sink: create "
                        + "the table (and its namespace) from the first record's schema when it does not exist.",
                        ICEBERG, ++order, Width.SHORT, "Create the table")
                .define(ICEBERG_EVOLVE, Type.BOOLEAN, false, Importance.MEDIUM, "As in Iceberg's sink: add the "
                        + "columns of new fields (optional) and widen int to long or float to double. Off, a record "
                        + "the table's columns cannot hold is a bad record (errors.tolerance decides).", ICEBERG,
                        ++order, Width.SHORT, "Evolve the schema")
                .define(ICEBERG_PARTITION_BY, Type.STRING, "", Importance.MEDIUM, "As in Iceberg's sink: the "
                        + "partition spec of a table created here, terms such as hour(ts), day(ts), month(ts), "
                        + "year(ts), bucket(id, 16), truncate(name, 4) or a column name, over top-level fields "
                        + "(_kafka_timestamp with kafka.metadata.fields=timestamp partitions by record time). Empty: "
                        + "derived from partitioner.class (hourly/daily on timestamp.field or the record time, "
                        + "field partitions as identity). Records are filed by the table's own spec.", ICEBERG,
                        ++order, Width.LONG, "Partition by");
        return def;
    }

    public S3SinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    public String bucket() {
        return getString(S3_BUCKET);
    }

    public String region() {
        return getString(S3_REGION);
    }

    public URI storeUrl() {
        String url = getString(STORE_URL).trim();
        return url.isEmpty() ? null : URI.create(url);
    }

    public boolean pathStyle() {
        return getBoolean(PATH_STYLE);
    }

    public String accessKeyId() {
        return getString(ACCESS_KEY_ID).trim();
    }

    public Password secretAccessKey() {
        return getPassword(SECRET_ACCESS_KEY);
    }

    public String sseAlgorithm() {
        String v = getString(SSE_ALGORITHM).trim();
        return v.equalsIgnoreCase("aes256") ? "AES256" : v.toLowerCase(Locale.ROOT);
    }

    public String sseKmsKeyId() {
        return getString(SSE_KMS_KEY_ID).trim();
    }

    public String cannedAcl() {
        return getString(ACL_CANNED).trim();
    }

    public int partSize() {
        return getInt(PART_SIZE);
    }

    public int partRetries() {
        return getInt(PART_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public boolean checksumWhenSupported() {
        return Choice.normalize(getString(CHECKSUM_CALCULATION)).equals("when_supported");
    }

    public boolean conditionalWrites() {
        if (!originals().containsKey(CONDITIONAL_WRITES) && originals().containsKey(CONFLUENT_CONDITIONAL_WRITES)) {
            return Boolean.parseBoolean(String.valueOf(originals().get(CONFLUENT_CONDITIONAL_WRITES)).trim());
        }
        return getBoolean(CONDITIONAL_WRITES);
    }

    /** The credentials provider class named by s3.credentials.provider.class, or empty for the default chain. */
    public String credentialsProvider() {
        return getString(CREDENTIALS_PROVIDER).trim();
    }

    /** Settings of a Configurable credentials provider: the s3.credentials.provider.* keys but the class. */
    public Map<String, Object> credentialsProviderSettings() {
        Map<String, Object> out = new java.util.HashMap<>(originalsWithPrefix("s3.credentials.provider."));
        out.remove("class");
        return out;
    }

    /** How long S3 may stay unavailable before the task fails (attempts are the SDK's, per request). */
    public RetryBudget retryBudget() {
        return new RetryBudget(1, getLong(RETRY_TIMEOUT_MS), PART_RETRIES, RETRY_TIMEOUT_MS);
    }

    public boolean reportIgnoredNulls() {
        return getBoolean(REPORT_NULLS);
    }

    public boolean enhancedAvro() {
        return getBoolean(ENHANCED_AVRO);
    }

    public String topicsDir() {
        return parseDirectory(getString(TOPICS_DIR));
    }

    public CompressionCodecName codec() {
        return switch (Choice.normalize(getString(PARQUET_CODEC))) {
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "zstd" -> CompressionCodecName.ZSTD;
            case "gzip" -> CompressionCodecName.GZIP;
            case "lz4", "lz4_raw" -> CompressionCodecName.LZ4_RAW;
            default -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    public int blockSize() {
        return getInt(PARQUET_BLOCK_SIZE);
    }

    public int pageSize() {
        return getInt(PARQUET_PAGE_SIZE);
    }

    public boolean dictionary() {
        return getBoolean(PARQUET_DICTIONARY);
    }

    public SchemaCompatibility schemaCompatibility() {
        return Choice.parseEnum(SchemaCompatibility.class, getString(SCHEMA_COMPATIBILITY));
    }

    public NullValues nullValues() {
        return Choice.parseEnum(NullValues.class, getString(NULL_VALUES));
    }

    public List<String> metadataFields() {
        return getList(METADATA_FIELDS).stream().map(Choice::normalize).filter(s -> !s.isEmpty()).toList();
    }

    public int flushSize() {
        return getInt(FLUSH_SIZE);
    }

    public long rotateIntervalMs() {
        return getLong(ROTATE_INTERVAL_MS);
    }

    public long rotateScheduleIntervalMs() {
        return getLong(ROTATE_SCHEDULE_INTERVAL_MS);
    }

    public long rotateSizeBytes() {
        return getLong(ROTATE_SIZE_BYTES);
    }

    public long memoryBufferBytes() {
        return getLong(MEMORY_BUFFER_BYTES);
    }

    /** Where task spill areas go: {@code spill.dir}, else {@code sluice-spill} in the JVM's temporary directory. */
    public Path spillDir() {
        String dir = getString(SPILL_DIR).trim();
        return dir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "sluice-spill")
                : Path.of(dir);
    }

    public long spillMaxBytes() {
        return getLong(SPILL_MAX_BYTES);
    }

    public boolean iceberg() {
        return Choice.normalize(getString(TABLE_FORMAT)).equals("iceberg");
    }

    /** The tables of iceberg.tables (names, possibly with ${topic}). */
    public List<String> icebergTables() {
        return getList(ICEBERG_TABLES).stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** Where records go among the tables: iceberg.tables, its route field and regexes, or dynamic routing. */
    public io.sluice.connect.s3.iceberg.TableRouter tableRouter() {
        boolean dynamic = getBoolean(ICEBERG_DYNAMIC);
        String field = getString(ICEBERG_ROUTE_FIELD).trim();
        if (dynamic && field.isEmpty()) {
            throw new ConfigException(ICEBERG_ROUTE_FIELD, "", "iceberg.tables.dynamic-enabled=true routes each "
                    + "record to the table a field names: set iceberg.tables.route-field to that field");
        }
        if (!dynamic && icebergTables().isEmpty()) {
            throw new ConfigException(ICEBERG_TABLES, "", "table.format=iceberg needs the table to write: "
                    + "namespace.table (or several, comma-separated; or iceberg.tables.dynamic-enabled=true)");
        }
        Map<String, java.util.regex.Pattern> regexes = new java.util.HashMap<>();
        for (String table : icebergTables()) {
            Object regex = originals().get(ICEBERG_TABLE_PREFIX + table + ROUTE_REGEX);
            if (regex != null && !regex.toString().isBlank()) {
                try {
                    regexes.put(table, java.util.regex.Pattern.compile(regex.toString()));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new ConfigException(ICEBERG_TABLE_PREFIX + table + ROUTE_REGEX, regex,
                            "Not a regular expression: " + e.getDescription());
                }
            }
        }
        return new io.sluice.connect.s3.iceberg.TableRouter(icebergTables(), field, dynamic, regexes);
    }

    /**
     * The catalog of table.format=iceberg, built from iceberg.catalog.* and the S3 settings, with the tables'
     * settings.
     */
    public io.sluice.connect.s3.iceberg.IcebergCatalog icebergCatalog() {
        tableRouter(); // the tables are named, and their regexes compile
        Map<String, String> catalog = new java.util.HashMap<>();
        originalsWithPrefix(ICEBERG_CATALOG_PREFIX).forEach((k, v) -> catalog.put(k, String.valueOf(v)));
        if (!catalog.containsKey("type") && !catalog.containsKey("catalog-impl")) { // Iceberg would try Hive's
            throw new ConfigException(ICEBERG_CATALOG, getString(ICEBERG_CATALOG), "No catalog type: set "
                    + "iceberg.catalog.type to rest, jdbc or glue, or iceberg.catalog.catalog-impl to a class");
        }
        catalog.putIfAbsent("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        // A REST call that never answers would hold the writing thread (and the partitions) without an error: time
        // it out, so the commit is retried and a lasting fault fails the task within s3.retry.timeout.ms.
        catalog.putIfAbsent("rest.client.connection-timeout-ms", "10000");
        catalog.putIfAbsent("rest.client.socket-timeout-ms", "60000");
        catalog.putIfAbsent("client.region", region());
        if (!getString(STORE_URL).isBlank()) {
            catalog.putIfAbsent("s3.endpoint", getString(STORE_URL));
        }
        catalog.putIfAbsent("s3.path-style-access", String.valueOf(getBoolean(PATH_STYLE)));
        if (!getString(ACCESS_KEY_ID).isBlank()) {
            catalog.putIfAbsent("s3.access-key-id", getString(ACCESS_KEY_ID));
            catalog.putIfAbsent("s3.secret-access-key", getPassword(SECRET_ACCESS_KEY).value());
        }
        Map<String, List<String>> partitionBy = new java.util.HashMap<>();
        for (String table : icebergTables()) {
            Object terms = originals().get(ICEBERG_TABLE_PREFIX + table + PARTITION_BY);
            if (terms != null) {
                partitionBy.put(table, partitionTerms(terms.toString()));
            }
        }
        return new io.sluice.connect.s3.iceberg.IcebergCatalog(getString(ICEBERG_CATALOG), catalog,
                getBoolean(ICEBERG_AUTO_CREATE), getBoolean(ICEBERG_EVOLVE), icebergPartitionBy(), partitionBy);
    }

    /** Partition terms separated by commas, which also separate the arguments of bucket(id, 16): split outside. */
    private static List<String> partitionTerms(String terms) {
        return java.util.Arrays.stream(terms.split(",(?![^()]*\\))")).map(String::trim).filter(t -> !t.isEmpty())
                .toList();
    }

    /** iceberg.tables.default-partition-by, or the terms partitioner.class means; a ConfigException if none can. */
    public List<String> icebergPartitionBy() {
        List<String> terms = partitionTerms(getString(ICEBERG_PARTITION_BY));
        if (!terms.isEmpty()) {
            return terms;
        }
        List<String> out = new java.util.ArrayList<>(getList(PARTITION_FIELD_NAME));
        String kind = parsePartitioner(getString(PARTITIONER_CLASS));
        if (kind.equals("default") || kind.equals("field")) {
            return kind.equals("default") ? List.of() : out;
        }
        long duration = switch (kind) {
            case "hourly" -> 3_600_000L;
            case "daily" -> 86_400_000L;
            default -> getLong(PARTITION_DURATION_MS);
        };
        String transform = duration == 3_600_000L ? "hour" : duration == 86_400_000L ? "day" : null;
        String extractor = parseExtractor(getString(TIMESTAMP_EXTRACTOR));
        String column = switch (extractor) {
            case "recordfield" -> getString(TIMESTAMP_FIELD);
            case "record" -> getList(METADATA_FIELDS).contains("timestamp")
                    ? io.sluice.connect.s3.iceberg.TablePartitions.KAFKA_TIMESTAMP : null;
            default -> null;
        };
        if (transform == null || column == null) {
            throw new ConfigException(ICEBERG_PARTITION_BY, "", "An Iceberg table partitions by a column's "
                    + "hour or day: with table.format=iceberg, time partitioning needs partition.duration.ms of an "
                    + "hour or a day and timestamp.extractor=RecordField (or Record with kafka.metadata.fields="
                    + "timestamp); or set iceberg.tables.default-partition-by, e.g. hour(ts)");
        }
        out.add(transform + "(" + column + ")");
        return out;
    }

    public ZoneId zone() {
        return parseZone(getString(TIMEZONE));
    }

    /** The extractor of record time; time partitioners and {@code rotate.interval.ms} use it. */
    public TimestampExtractor timestampExtractor() {
        return switch (parseExtractor(getString(TIMESTAMP_EXTRACTOR))) {
            case "wallclock" -> new TimestampExtractor.Wallclock();
            case "record" -> new TimestampExtractor.RecordTime();
            default -> new TimestampExtractor.RecordField(getString(TIMESTAMP_FIELD),
                    TimestampExtractor.unit(getString(TIMESTAMP_UNIT)), zone());
        };
    }

    public Partitioner partitioner() {
        List<String> fields = getList(PARTITION_FIELD_NAME);
        FieldPartitioner byField = fields.isEmpty() ? null : new FieldPartitioner(fields);
        Locale locale = Locale.forLanguageTag(getString(LOCALE));
        return switch (parsePartitioner(getString(PARTITIONER_CLASS))) {
            case "default" -> new DefaultPartitioner();
            case "field" -> {
                if (byField == null) {
                    throw new ConfigException(PARTITION_FIELD_NAME, fields,
                            "The field partitioner needs at least one field name");
                }
                yield byField;
            }
            case "hourly" -> new TimeBasedPartitioner(3_600_000L, TimeBasedPartitioner.HOURLY_FORMAT, locale, zone(),
                    timestampExtractor(), byField);
            case "daily" -> new TimeBasedPartitioner(86_400_000L, TimeBasedPartitioner.DAILY_FORMAT, locale, zone(),
                    timestampExtractor(), byField);
            default -> {
                if (getLong(PARTITION_DURATION_MS) <= 0 || getString(PATH_FORMAT).isBlank()) {
                    throw new ConfigException(PARTITION_DURATION_MS, getLong(PARTITION_DURATION_MS),
                            "The time partitioner needs partition.duration.ms > 0 and a path.format, e.g. 3600000 "
                                    + "and 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH");
                }
                yield new TimeBasedPartitioner(getLong(PARTITION_DURATION_MS), getString(PATH_FORMAT), locale,
                        zone(), timestampExtractor(), byField);
            }
        };
    }

    /** Partitioner aliases: our short names, our classes and Confluent's storage-common classes. */
    static String parsePartitioner(String value) {
        String v = value.trim();
        String simple = v.substring(v.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT).replace("partitioner", "");
        return switch (simple) {
            case "default", "" -> "default";
            case "field" -> "field";
            case "time", "timebased" -> "time";
            case "hourly" -> "hourly";
            case "daily" -> "daily";
            default -> throw new IllegalArgumentException("Unknown partitioner '" + value + "'; use default, field, "
                    + "time, hourly or daily (Confluent's class names of these are accepted too)");
        };
    }

    static String parseExtractor(String value) {
        String v = value.trim();
        String simple = v.substring(v.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
                .replace("timestampextractor", "");
        if (!EXTRACTORS.validValues(null, null).contains(simple)) {
            throw new IllegalArgumentException("Unknown timestamp extractor '" + value
                    + "'; use Record, RecordField or Wallclock");
        }
        return simple;
    }

    static ZoneId parseZone(String value) {
        try {
            return ZoneId.of(value.trim());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("Unknown time zone '" + value + "'; use a region id such as UTC or "
                    + "Europe/Paris");
        }
    }

    static void parsePathFormat(String value) {
        if (!value.isBlank()) {
            TimeBasedPartitioner.formatter(value, Locale.ROOT);
        }
    }

    static void parseFormat(String value) {
        String simple = value.trim().substring(value.trim().lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (!simple.equals("parquet") && !simple.equals("parquetformat")) {
            throw new IllegalArgumentException("This connector writes Parquet only; remove format.class or set it to "
                    + "parquet");
        }
    }

    static void parseMetadataField(String value) {
        if (!value.isBlank() && !METADATA.contains(Choice.normalize(value))) {
            throw new IllegalArgumentException("Unknown metadata field '" + value + "'; use any of " + METADATA);
        }
    }

    static void parseUrl(String value) {
        if (!value.isBlank()) {
            URI uri = URI.create(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("'" + value + "' is not an endpoint URL; write it like "
                        + "http://minio:9000");
            }
        }
    }

    static String parseDirectory(String value) {
        String dir = value.trim();
        while (dir.startsWith("/")) {
            dir = dir.substring(1);
        }
        while (dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        if (dir.isEmpty()) {
            throw new IllegalArgumentException("topics.dir must name a directory, e.g. topics");
        }
        return dir;
    }
}
