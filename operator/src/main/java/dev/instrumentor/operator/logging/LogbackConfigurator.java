package dev.instrumentor.operator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logback's configuration in code (found through {@code META-INF/services}): logs go to stderr,
 * since stdout is for command output ({@code inject} prints manifests there), with the reconciled
 * resource that JOSDK puts in the MDC. Parsing an XML configuration instead costs ~150 ms of
 * startup. {@code run --log-format json --log-level ...} adjusts it afterwards ({@link #apply}).
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {

  /** ISO-8601 time with its offset; the reconciled resource only when there is one. */
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24}"
      + "%replace( [%X{resource.namespace}/%X{resource.name}]){' \\[/\\]', ''} - %msg%n";

  private static final String APPENDER = "STDERR";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String level = System.getenv("INSTRUMENTOR_LOG_LEVEL");
    install(context, textEncoder(context), Level.toLevel(level, Level.INFO));
    // "unstable version v1alpha1" on every start: our API is v1alpha1 by design
    context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").setLevel(Level.ERROR);
    bridgeJavaUtilLogging(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The level, and JSON lines when {@code json}; a no-op when Logback is not the SLF4J backend. */
  public static void apply(boolean json, String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      install(context, json ? jsonEncoder(context) : textEncoder(context), Level.toLevel(level, Level.INFO));
    }
  }

  /**
   * java.util.logging (what the OpenTelemetry SDK logs with, e.g. an export that failed) goes through
   * Logback too, so that every line has the one format; Logback's levels are propagated to it, so a
   * disabled level costs nothing there.
   */
  static void bridgeJavaUtilLogging(LoggerContext context) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    ch.qos.logback.classic.jul.LevelChangePropagator propagator = new ch.qos.logback.classic.jul.LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    context.addListener(propagator);
    propagator.start();
  }

  private static void install(LoggerContext context, Encoder<ILoggingEvent> encoder, Level level) {
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.setLevel(level);
    root.addAppender(appender);
  }

  static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    return encoder;
  }

  /**
   * One JSON object per line (logstash-logback-encoder, the kept library for it): {@code timestamp}
   * (ISO-8601 with offset), {@code level}, {@code logger}, {@code thread}, the formatted
   * {@code message}, every MDC entry (the reconciled {@code resource.name} and
   * {@code resource.namespace}; {@code trace_id} and {@code span_id} when a span is active) and
   * {@code stack_trace} as one string.
   */
  static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    LogstashFieldNames names = encoder.getFieldNames();
    names.setTimestamp("timestamp");
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    names.setLogger("logger");
    names.setThread("thread");
    encoder.start();
    return encoder;
  }
}
