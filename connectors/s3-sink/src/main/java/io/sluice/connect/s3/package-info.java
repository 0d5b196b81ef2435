/**
 * The Parquet S3 sink connector, {@code io.sluice.connect.s3.S3ParquetSinkConnector}. It arrives with its own issue;
 * until then this module ships nothing and the bundle does not include it.
 */
package io.sluice.connect.s3;
