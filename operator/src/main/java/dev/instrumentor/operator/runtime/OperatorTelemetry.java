package dev.instrumentor.operator.runtime;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator's own telemetry, from the OpenTelemetry SDK configured by its autoconfiguration from
 * the standard {@code OTEL_*} environment (the product's own contract): metrics are read by a
 * Prometheus reader, served at {@code /metrics}, and exported over OTLP too when
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_METRICS_EXPORTER}) says so; spans of each
 * admission request and each reconcile only when {@code OTEL_TRACES_EXPORTER} names an exporter.
 * The resource is {@code service.name=instrumentor} unless {@code OTEL_SERVICE_NAME}, with
 * {@code OTEL_RESOURCE_ATTRIBUTES}. OTLP goes over HTTP ({@code http/protobuf}, port 4318): the image
 * carries the JDK's HTTP sender, not a gRPC stack.
 */
public final class OperatorTelemetry implements AutoCloseable {

  static final String SCOPE = "dev.instrumentor.operator";
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final OpenTelemetrySdk sdk;
  private final PrometheusMetricReader prometheus;
  private final boolean tracing;
  private final RuntimeTelemetry runtime;

  private OperatorTelemetry(OpenTelemetrySdk sdk, PrometheusMetricReader prometheus, boolean tracing) {
    this.sdk = sdk;
    this.prometheus = prometheus;
    this.tracing = tracing;
    // the JVM's memory, GC, threads, CPU and classes (jvm_* at /metrics), from JMX: no JFR recording
    this.runtime = RuntimeTelemetry.create(sdk);
  }

  /** Configured from the environment and system properties only. */
  public static OperatorTelemetry fromEnvironment() {
    return create(Map.of());
  }

  /**
   * Configured from the environment, with {@code properties} ({@code otel.*} keys, as the SDK's
   * system properties) over it: how tests point it at a receiver.
   */
  public static OperatorTelemetry create(Map<String, String> properties) {
    PrometheusMetricReader prometheus = PrometheusMetricReader.builder()
        .setOtelScopeLabelsEnabled(false) // the names and labels /metrics has always had
        .build();
    boolean[] tracing = new boolean[1];
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(OperatorTelemetry::defaults)
        .addPropertiesCustomizer(config -> properties)
        .addPropertiesCustomizer(config -> {
          tracing[0] = !"none".equals(config.getString("otel.traces.exporter", "none"));
          return Map.of();
        })
        .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(prometheus))
        .disableShutdownHook() // closed with the operator, after its last reconcile
        .build()
        .getOpenTelemetrySdk();
    return new OperatorTelemetry(sdk, prometheus, tracing[0]);
  }

  /**
   * Defaults under the environment: metrics over OTLP only when an OTLP endpoint is set, no spans and
   * no logs unless asked for (the operator's logs go to stderr).
   */
  private static Map<String, String> defaults() {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", "instrumentor");
    boolean endpoint = isSet("OTEL_EXPORTER_OTLP_ENDPOINT", "otel.exporter.otlp.endpoint")
        || isSet("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "otel.exporter.otlp.metrics.endpoint");
    defaults.put("otel.metrics.exporter", endpoint ? "otlp" : "none");
    defaults.put("otel.traces.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // the specification's default; the JDK HTTP sender (no OkHttp, no gRPC stack in the image) speaks no gRPC
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    return defaults;
  }

  private static boolean isSet(String variable, String property) {
    String value = System.getenv(variable);
    return value != null && !value.isBlank() || System.getProperty(property) != null;
  }

  Meter meter() {
    return sdk.getMeter(SCOPE);
  }

  /** The SDK's tracer when spans are exported, else a no-op one (no span is even created). */
  Tracer tracer() {
    return (tracing ? sdk : OpenTelemetry.noop()).getTracer(SCOPE);
  }

  boolean tracing() {
    return tracing;
  }

  /** Every metric in the Prometheus text format 0.0.4. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      TEXT.write(out, prometheus.collect(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    runtime.close();
    sdk.close(); // flushes what an OTLP exporter still holds
  }
}
