package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricSource;
import java.util.Objects;

/**
 * A custom metric of the HorizontalPodAutoscaler, per pod (autoscaling/v2). Field names as the OpenTelemetry
 * Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AutoscalerMetric {

  /** The metric source type: Pods. */
  @Required
  private String type;

  /** The per-pod metric and its target average. */
  private PodsMetricSource pods;

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public PodsMetricSource getPods() {
    return pods;
  }

  public void setPods(PodsMetricSource pods) {
    this.pods = pods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoscalerMetric other && Objects.equals(type, other.type)
        && Objects.equals(pods, other.pods);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, pods);
  }

  @Override
  public String toString() {
    return "AutoscalerMetric{" + "type=" + type + ", " + "pods=" + pods + "}";
  }
}
