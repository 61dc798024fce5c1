package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.List;
import java.util.Objects;

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for the collector, scaling the TelemetryCollector through its
 * scale subresource, created when maxReplicas is set. Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || has(self.maxReplicas)",
    message = "spec.autoscaler.maxReplicas must be set when minReplicas is")
@ValidationRule(value = "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
    message = "spec.autoscaler.minReplicas must not exceed maxReplicas")
public class Autoscaler {

  /** The fewest replicas. Empty: spec.replicas. */
  @Min(1)
  private Integer minReplicas;

  /**
   * The most replicas. Without it no HorizontalPodAutoscaler is created, as in the OpenTelemetry Operator.
   */
  @Min(1)
  private Integer maxReplicas;

  /** Scaling behavior of the HorizontalPodAutoscaler (stabilization windows, policies). */
  private HorizontalPodAutoscalerBehavior behavior;

  /** Per-pod custom metrics to scale on, besides CPU and memory. */
  private List<AutoscalerMetric> metrics;

  /**
   * Target average CPU use, percent of the requests. Empty: 90 unless a memory target or a metric is set.
   */
  @Min(1)
  @Max(1000)
  private Integer targetCPUUtilization;

  /** Target average memory use, percent of the requests. */
  @Min(1)
  @Max(1000)
  private Integer targetMemoryUtilization;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public HorizontalPodAutoscalerBehavior getBehavior() {
    return behavior;
  }

  public void setBehavior(HorizontalPodAutoscalerBehavior behavior) {
    this.behavior = behavior;
  }

  public List<AutoscalerMetric> getMetrics() {
    return metrics;
  }

  public void setMetrics(List<AutoscalerMetric> metrics) {
    this.metrics = metrics;
  }

  public Integer getTargetCPUUtilization() {
    return targetCPUUtilization;
  }

  public void setTargetCPUUtilization(Integer targetCPUUtilization) {
    this.targetCPUUtilization = targetCPUUtilization;
  }

  public Integer getTargetMemoryUtilization() {
    return targetMemoryUtilization;
  }

  public void setTargetMemoryUtilization(Integer targetMemoryUtilization) {
    this.targetMemoryUtilization = targetMemoryUtilization;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Autoscaler other && Objects.equals(minReplicas, other.minReplicas)
        && Objects.equals(maxReplicas, other.maxReplicas)
        && Objects.equals(behavior, other.behavior)
        && Objects.equals(metrics, other.metrics)
        && Objects.equals(targetCPUUtilization, other.targetCPUUtilization)
        && Objects.equals(targetMemoryUtilization, other.targetMemoryUtilization);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minReplicas, maxReplicas, behavior, metrics, targetCPUUtilization, targetMemoryUtilization);
  }

  @Override
  public String toString() {
    return "Autoscaler{" + "minReplicas=" + minReplicas + ", " + "maxReplicas=" + maxReplicas + ", " + "behavior=" + behavior + ", " + "metrics=" + metrics + ", " + "targetCPUUtilization=" + targetCPUUtilization + ", " + "targetMemoryUtilization=" + targetMemoryUtilization + "}";
  }
}
