package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.monitoring.Metrics.ControllerExecution;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class OperatorTelemetryTest {

  private static ControllerExecution<String> reconcile(Map<String, String> mdcDuringExecution) {
    return new ControllerExecution<>() {
      @Override
      public String name() {
        return "reconcile";
      }

      @Override
      public String controllerName() {
        return "instrumentation";
      }

      @Override
      public String successTypeName(String result) {
        return "patchStatus";
      }

      @Override
      public ResourceID resourceID() {
        return new ResourceID("default", "shop");
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public String execute() {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        if (mdc != null) {
          mdcDuringExecution.putAll(mdc);
        }
        return "done";
      }
    };
  }

  @Test
  void metricsHaveTheirPrometheusNamesAndNoSpanIsMadeUnlessAsked() throws Exception {
    try (OperatorTelemetry telemetry = OperatorTelemetry.create(Map.of())) {
      OperatorMetrics metrics = new OperatorMetrics(telemetry);
      ReconcileMetrics reconciles = new ReconcileMetrics(metrics, telemetry);
      Map<String, String> mdc = new HashMap<>();
      assertThat(reconciles.timeControllerExecution(reconcile(mdc))).isEqualTo("done");
      metrics.reconciled("Instrumentation");
      metrics.queued("Instrumentation", 1);
      metrics.webhookRequest("allowed", 2_000_000);
      metrics.injection("java", "injected");
      metrics.cacheSizes(Map.of("Namespace", 7L), Long::longValue);

      assertThat(telemetry.tracing()).isFalse();
      assertThat(mdc).doesNotContainKeys("trace_id", "span_id");
      String scrape = metrics.scrape();
      assertThat(scrape).contains("# TYPE instrumentor_reconciliations_total counter",
          "instrumentor_reconciliations_total{kind=\"Instrumentation\"} 1",
          "# TYPE instrumentor_reconcile_duration_seconds histogram",
          "instrumentor_reconcile_duration_seconds_count{kind=\"Instrumentation\"} 1",
          "instrumentor_reconcile_queue_depth{kind=\"Instrumentation\"} 1",
          "instrumentor_webhook_requests_total{outcome=\"allowed\"} 1",
          "instrumentor_webhook_request_duration_seconds_bucket{le=\"0.0025\"} 1",
          "instrumentor_injections_total{language=\"java\",status=\"injected\"} 1",
          "instrumentor_cache_objects{kind=\"Namespace\"} 7",
          "service_name=\"instrumentor\"")
          .doesNotContain("otel_scope_name");
      assertThat(metrics.value("instrumentor_injections_total", "language", "java", "status", "injected")).isEqualTo(1);
    }
  }

  @Test
  void withSpansOnAReconcileIsASpanWhoseIdsAreInTheLogsMdc() throws Exception {
    // an exporter is named (to a closed port: nothing needs to arrive for the ids to exist)
    try (OperatorTelemetry telemetry = OperatorTelemetry.create(Map.of("otel.traces.exporter", "otlp",
        "otel.exporter.otlp.endpoint", "http://127.0.0.1:9", "otel.exporter.otlp.timeout", "100"))) {
      ReconcileMetrics reconciles = new ReconcileMetrics(new OperatorMetrics(telemetry), telemetry);
      Map<String, String> mdc = new HashMap<>();
      reconciles.timeControllerExecution(reconcile(mdc));
      assertThat(telemetry.tracing()).isTrue();
      assertThat(mdc.get("trace_id")).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      assertThat(mdc.get("span_id")).matches("[0-9a-f]{16}");
      assertThat(MDC.get("trace_id")).as("removed after the reconcile").isNull();
    }
  }
}
