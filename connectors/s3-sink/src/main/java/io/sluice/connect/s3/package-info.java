/**
 * The Parquet S3 sink connector, {@code io.sluice.connect.s3.S3ParquetSinkConnector}: records to Parquet objects
 * ({@code avro}: Connect to Avro schemas and values; {@code parquet}: writers without Hadoop; {@code partition}:
 * directories from fields and time; {@code storage}: S3 requests and streamed multipart uploads; {@code write}:
 * open files, rotation, memory budget and the exactly-once commit).
 */
package io.sluice.connect.s3;
