package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Logging for the processes the kit starts: INFO to standard output (which goes to the process's log file). */
final class LogConfig {

    private static final String LOG4J2 = String.join("\n",
            "status = warn",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = out",
            "logger.clients.name = org.apache.kafka.clients",
            "logger.clients.level = WARN",
            "logger.reflections.name = org.reflections",
            "logger.reflections.level = ERROR",
            "");

    private static final String LOG4J1 = String.join("\n",
            "log4j.rootLogger=INFO, out",
            "log4j.appender.out=org.apache.log4j.ConsoleAppender",
            "log4j.appender.out.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n",
            "log4j.logger.org.apache.kafka.clients=WARN",
            "log4j.logger.org.reflections=ERROR",
            "");

    private LogConfig() {
    }

    /** Writes the logging config the distribution understands into {@code dir} and returns the JVM options using it. */
    static List<String> options(KafkaDistribution dist, Path dir) {
        try {
            Files.createDirectories(dir);
            if (dist.usesLog4j2()) {
                Path file = dir.resolve("log4j2.properties");
                Files.writeString(file, LOG4J2, StandardCharsets.UTF_8);
                return List.of("-Dlog4j2.configurationFile=" + file.toUri());
            }
            Path file = dir.resolve("log4j.properties");
            Files.writeString(file, LOG4J1, StandardCharsets.UTF_8);
            return List.of("-Dlog4j.configuration=" + file.toUri());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
