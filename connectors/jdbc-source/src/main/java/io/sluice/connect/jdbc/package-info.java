/**
 * The JDBC source connector, {@code io.sluice.connect.jdbc.JdbcSourceConnector}. It arrives with its own issue; until
 * then this module ships nothing and the bundle does not include it.
 */
package io.sluice.connect.jdbc;
