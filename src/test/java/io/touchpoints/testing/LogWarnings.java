package io.touchpoints.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the WARN and ERROR lines that reach the job's log output (after conf/log4j2.properties has filtered them)
 * from loggers other than the job's own: what a user would see on stderr from Spark, Delta, Hadoop or MLlib.
 */
public final class LogWarnings implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AbstractAppender appender;

  private LogWarnings() {
    appender = new AbstractAppender("test-warnings", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.WARN) && !event.getLoggerName().startsWith("io.touchpoints")) {
          lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
        }
      }
    };
  }

  /** Starts collecting, on the root logger (every logger passes its events up to it). */
  public static LogWarnings collect() {
    LogWarnings warnings = new LogWarnings();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    warnings.appender.start();
    context.getConfiguration().getRootLogger().addAppender(warnings.appender, Level.WARN, null);
    context.updateLoggers();
    return warnings;
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
