package dev.instrumentor.operator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration in code (found through {@code META-INF/services}): logs go to stderr,
 * since stdout is for command output ({@code inject} prints manifests there), with the reconciled
 * resource that JOSDK puts in the MDC. Parsing an XML configuration instead costs ~150 ms of
 * startup. {@code run --log-format json --log-level ...} adjusts it afterwards.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {

  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} [%X{resource.namespace:-}/%X{resource.name:-}] - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("INSTRUMENTOR_LOG_LEVEL"), Level.INFO));
    root.addAppender(appender);
    // "unstable version v1alpha1" on every start: our API is v1alpha1 by design
    context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
