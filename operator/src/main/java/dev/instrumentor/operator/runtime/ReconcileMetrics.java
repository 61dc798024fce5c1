package dev.instrumentor.operator.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Map;
import org.slf4j.MDC;

/**
 * JOSDK's callbacks turned into metrics per kind (reconciles, errors, duration, queue depth) and,
 * when spans are exported, one span per reconcile whose trace and span ids are in the MDC of the
 * reconcile's log lines.
 */
final class ReconcileMetrics implements Metrics {

  private static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("k8s.namespace.name");
  private static final AttributeKey<String> NAME = AttributeKey.stringKey("instrumentor.resource.name");

  private final OperatorMetrics metrics;
  private final Tracer tracer;
  private final boolean tracing;

  ReconcileMetrics(OperatorMetrics metrics, OperatorTelemetry telemetry) {
    this.metrics = metrics;
    this.tracer = telemetry.tracer();
    this.tracing = telemetry.tracing();
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo,
      Map<String, Object> metadata) {
    metrics.queued(resource.getKind(), 1);
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    metrics.queued(resource.getKind(), -1);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    metrics.reconciled(resource.getKind());
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    metrics.reconcileFailed(resource.getKind());
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    String kind = kindOf(execution);
    long start = System.nanoTime();
    if (!tracing) {
      try {
        return execution.execute();
      } finally {
        metrics.reconcileTook(kind, System.nanoTime() - start);
      }
    }
    Span span = tracer.spanBuilder(execution.name() + " " + kind).setSpanKind(SpanKind.INTERNAL)
        .setAttribute(NAMESPACE, execution.resourceID().getNamespace().orElse(""))
        .setAttribute(NAME, execution.resourceID().getName()).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      MDC.put("trace_id", span.getSpanContext().getTraceId());
      MDC.put("span_id", span.getSpanContext().getSpanId());
      T result = execution.execute();
      span.setAttribute("instrumentor.reconcile.result", execution.successTypeName(result));
      return result;
    } catch (Exception e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      throw e;
    } finally {
      MDC.remove("trace_id");
      MDC.remove("span_id");
      span.end();
      metrics.reconcileTook(kind, System.nanoTime() - start);
    }
  }

  /** The controller's name is the kind's ({@code instrumentation}, {@code telemetrycollector}). */
  private static String kindOf(ControllerExecution<?> execution) {
    return switch (execution.controllerName()) {
      case "instrumentation" -> "Instrumentation";
      case "telemetrycollector" -> "TelemetryCollector";
      default -> execution.controllerName();
    };
  }
}
