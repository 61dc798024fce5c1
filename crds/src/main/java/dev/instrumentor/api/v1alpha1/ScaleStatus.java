package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.Objects;

/**
 * Scale status of a TelemetryCollector.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleStatus {

  /** Total number of collector pods. */
  @StatusReplicas
  private Integer replicas;

  /** Label selector of the collector pods, in string form (for the HorizontalPodAutoscaler). */
  @LabelSelector
  private String selector;

  /** Ready and total pods as "ready/total". */
  private String statusReplicas;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getStatusReplicas() {
    return statusReplicas;
  }

  public void setStatusReplicas(String statusReplicas) {
    this.statusReplicas = statusReplicas;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ScaleStatus other)) {
      return false;
    }
    return Objects.equals(replicas, other.replicas)
        && Objects.equals(selector, other.selector)
        && Objects.equals(statusReplicas, other.statusReplicas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, selector, statusReplicas);
  }

  @Override
  public String toString() {
    return "ScaleStatus{" + "replicas=" + replicas + ", selector=" + selector + ", statusReplicas=" + statusReplicas + "}";
  }
}
