package dev.instrumentor.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogbackConfiguratorTest {

  private final LoggerContext context = new LoggerContext();

  private LoggingEvent event(String message, Object[] arguments, Throwable thrown, Map<String, String> mdc) {
    LoggingEvent event = new LoggingEvent("dev.instrumentor.operator.cli.RunCommand",
        context.getLogger("dev.instrumentor.operator.cli.RunCommand"), Level.INFO, message, thrown, arguments);
    event.setMDCPropertyMap(mdc);
    event.setThreadName("main");
    return event;
  }

  private static String encode(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void jsonLinesParseAndCarryTheFormattedMessageTheMdcAndTheStackTraceAsOneString() throws Exception {
    Encoder<ILoggingEvent> encoder = LogbackConfigurator.jsonEncoder(context);
    String line = encode(encoder, event("instrumentor {} starting against {}", new Object[] {"0.1.0", "https://k8s:6443"},
        new IllegalStateException("boom"), Map.of("resource.name", "default", "resource.namespace", "shop")));

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("message").asText()).isEqualTo("instrumentor 0.1.0 starting against https://k8s:6443");
    assertThat(OffsetDateTime.parse(json.path("timestamp").asText())).as("ISO-8601 with an offset").isNotNull();
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("logger").asText()).isEqualTo("dev.instrumentor.operator.cli.RunCommand");
    assertThat(json.path("thread").asText()).isEqualTo("main");
    assertThat(json.path("resource.name").asText()).isEqualTo("default");
    assertThat(json.path("resource.namespace").asText()).isEqualTo("shop");
    assertThat(json.path("stack_trace").isTextual()).isTrue();
    assertThat(json.path("stack_trace").asText()).startsWith("java.lang.IllegalStateException: boom")
        .contains("at dev.instrumentor.operator.logging.LogbackConfiguratorTest");
    assertThat(json.has("@version")).isFalse();
    assertThat(json.has("level_value")).isFalse();
  }

  @Test
  void textLinesHaveADateAndTheResourceOnlyWhenThereIsOne() {
    Encoder<ILoggingEvent> encoder = LogbackConfigurator.textEncoder(context);
    String plain = encode(encoder, event("stopping", null, null, Map.of()));
    assertThat(plain).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  \\[main\\]"
        + " d\\.i\\.o\\.cli\\.RunCommand - stopping\\n");
    String reconciling = encode(encoder, event("reconciled", null, null,
        Map.of("resource.name", "default", "resource.namespace", "shop")));
    assertThat(reconciling).contains(" d.i.o.cli.RunCommand [shop/default] - reconciled");
  }

  @Test
  void javaUtilLoggingGoesThroughLogback() {
    LoggerContext shared = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.core.read.ListAppender<ILoggingEvent> captured = new ch.qos.logback.core.read.ListAppender<>();
    captured.setContext(shared);
    captured.start();
    ch.qos.logback.classic.Logger exporter = shared.getLogger("io.opentelemetry.exporter.internal.http.HttpExporter");
    exporter.addAppender(captured);
    try {
      LogbackConfigurator.bridgeJavaUtilLogging(shared);
      Logger.getLogger("io.opentelemetry.exporter.internal.http.HttpExporter")
          .log(java.util.logging.Level.SEVERE, "Failed to export spans. Server is UNAVAILABLE.");
      assertThat(captured.list).singleElement().satisfies(event -> {
        assertThat(event.getFormattedMessage()).isEqualTo("Failed to export spans. Server is UNAVAILABLE.");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
      });
    } finally {
      exporter.detachAppender(captured);
    }
  }
}
