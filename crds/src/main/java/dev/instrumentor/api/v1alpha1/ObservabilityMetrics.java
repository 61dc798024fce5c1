package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/** The collector's own metrics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservabilityMetrics {

  /**
   * Create a ServiceMonitor (Prometheus Operator) for the collector's monitoring Service when the
   * monitoring.coreos.com/v1 API is installed; the Observability condition says when it is not.
   */
  private Boolean enableMetrics;

  /** Extra labels of the ServiceMonitor (e.g. the label a Prometheus selects monitors by). */
  private Map<String, String> extraLabels;

  /**
   * Leave out the prometheus.io/scrape, port and path annotations the collector pods otherwise carry for their
   * own metrics.
   */
  private Boolean disablePrometheusAnnotations;

  public Boolean getEnableMetrics() {
    return enableMetrics;
  }

  public void setEnableMetrics(Boolean enableMetrics) {
    this.enableMetrics = enableMetrics;
  }

  public Map<String, String> getExtraLabels() {
    return extraLabels;
  }

  public void setExtraLabels(Map<String, String> extraLabels) {
    this.extraLabels = extraLabels;
  }

  public Boolean getDisablePrometheusAnnotations() {
    return disablePrometheusAnnotations;
  }

  public void setDisablePrometheusAnnotations(Boolean disablePrometheusAnnotations) {
    this.disablePrometheusAnnotations = disablePrometheusAnnotations;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservabilityMetrics other && Objects.equals(enableMetrics, other.enableMetrics)
        && Objects.equals(extraLabels, other.extraLabels)
        && Objects.equals(disablePrometheusAnnotations, other.disablePrometheusAnnotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enableMetrics, extraLabels, disablePrometheusAnnotations);
  }

  @Override
  public String toString() {
    return "ObservabilityMetrics{" + "enableMetrics=" + enableMetrics + ", " + "extraLabels=" + extraLabels + ", " + "disablePrometheusAnnotations=" + disablePrometheusAnnotations + "}";
  }
}
