package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** How the collector itself is observed. Field names as the OpenTelemetry Operator's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Observability {

  /** The collector's own metrics. */
  private ObservabilityMetrics metrics;

  public ObservabilityMetrics getMetrics() {
    return metrics;
  }

  public void setMetrics(ObservabilityMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Observability other && Objects.equals(metrics, other.metrics);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(metrics);
  }

  @Override
  public String toString() {
    return "Observability{metrics=" + metrics + "}";
  }
}
