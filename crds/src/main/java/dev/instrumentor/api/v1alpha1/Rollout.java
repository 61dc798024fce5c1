package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Restarts of workloads whose pods missed injection or run an older generation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Rollout {

  /** Never (default): only report; Restart: restart the owning Deployments, StatefulSets and DaemonSets, one batch at a time. */
  @Default("Never")
  private RolloutPolicy policy;

  /** Workloads restarting at once. Default 1. */
  @Min(1)
  @Default("1")
  private Integer maxConcurrentWorkloads;

  /** Wait after a restarted workload became available before the next, as 30s, 5m or 1h. Default 30s. */
  @Pattern("^([0-9]+[smh])+$")
  @Default("30s")
  private String pauseBetween;

  public RolloutPolicy getPolicy() {
    return policy;
  }

  public void setPolicy(RolloutPolicy policy) {
    this.policy = policy;
  }

  public Integer getMaxConcurrentWorkloads() {
    return maxConcurrentWorkloads;
  }

  public void setMaxConcurrentWorkloads(Integer maxConcurrentWorkloads) {
    this.maxConcurrentWorkloads = maxConcurrentWorkloads;
  }

  public String getPauseBetween() {
    return pauseBetween;
  }

  public void setPauseBetween(String pauseBetween) {
    this.pauseBetween = pauseBetween;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rollout other
        && Objects.equals(policy, other.policy)
        && Objects.equals(maxConcurrentWorkloads, other.maxConcurrentWorkloads)
        && Objects.equals(pauseBetween, other.pauseBetween);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, maxConcurrentWorkloads, pauseBetween);
  }

  @Override
  public String toString() {
    return "Rollout{" + "policy=" + policy + ", " + "maxConcurrentWorkloads=" + maxConcurrentWorkloads + ", " + "pauseBetween=" + pauseBetween + "}";
  }
}
