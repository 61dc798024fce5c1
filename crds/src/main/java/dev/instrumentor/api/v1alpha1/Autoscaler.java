package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for the collector, scaling the TelemetryCollector through
 * its scale subresource. Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "spec.autoscaler.minReplicas must not exceed maxReplicas")
public class Autoscaler {

  /** The fewest replicas. Empty: spec.replicas. */
  @Min(1)
  private Integer minReplicas;

  /** The most replicas. */
  @Required
  @Min(1)
  private Integer maxReplicas;

  /** Target average CPU use, percent of the requests. Empty: 90 unless a memory target is set. */
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
    return this == o || o instanceof Autoscaler other && Objects.equals(minReplicas, other.minReplicas)
        && Objects.equals(maxReplicas, other.maxReplicas) && Objects.equals(targetCPUUtilization, other.targetCPUUtilization)
        && Objects.equals(targetMemoryUtilization, other.targetMemoryUtilization);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minReplicas, maxReplicas, targetCPUUtilization, targetMemoryUtilization);
  }

  @Override
  public String toString() {
    return "Autoscaler{minReplicas=" + minReplicas + ", maxReplicas=" + maxReplicas + ", targetCPUUtilization="
        + targetCPUUtilization + ", targetMemoryUtilization=" + targetMemoryUtilization + "}";
  }
}
