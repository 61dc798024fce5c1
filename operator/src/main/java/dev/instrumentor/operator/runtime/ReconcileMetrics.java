package dev.instrumentor.operator.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;

/** JOSDK's callbacks turned into reconcile and error counters per kind. */
final class ReconcileMetrics implements Metrics {

  private final MetricsRegistry registry;

  ReconcileMetrics(MetricsRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    registry.increment("instrumentor_reconciliations_total", "Reconciliations that completed, per kind.",
        "kind", resource.getKind());
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    registry.increment("instrumentor_reconciliation_errors_total", "Reconciliations that failed, per kind.",
        "kind", resource.getKind());
  }
}
