package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** The collector's own metrics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservabilityMetrics {

  /**
   * Create a ServiceMonitor (Prometheus Operator) for the collector's monitoring Service when the
   * monitoring.coreos.com/v1 API is installed; the Observability condition says when it is not.
   */
  private Boolean enableMetrics;

  public Boolean getEnableMetrics() {
    return enableMetrics;
  }

  public void setEnableMetrics(Boolean enableMetrics) {
    this.enableMetrics = enableMetrics;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservabilityMetrics other && Objects.equals(enableMetrics, other.enableMetrics);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(enableMetrics);
  }

  @Override
  public String toString() {
    return "ObservabilityMetrics{enableMetrics=" + enableMetrics + "}";
  }
}
