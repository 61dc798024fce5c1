package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/** Progress of spec.rollout. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {

  /** Workloads restarted and not yet available. */
  private List<WorkloadRef> restarting;

  /** When the last restarted workload became available (RFC 3339): the next waits pauseBetween. */
  private String lastFinishedAt;

  /** Why the rollout stopped (a restarted workload did not become available): it resumes when the spec changes. */
  private String halted;

  /** The generation that halted. */
  private Long haltedGeneration;

  public List<WorkloadRef> getRestarting() {
    return restarting;
  }

  public void setRestarting(List<WorkloadRef> restarting) {
    this.restarting = restarting;
  }

  public String getLastFinishedAt() {
    return lastFinishedAt;
  }

  public void setLastFinishedAt(String lastFinishedAt) {
    this.lastFinishedAt = lastFinishedAt;
  }

  public String getHalted() {
    return halted;
  }

  public void setHalted(String halted) {
    this.halted = halted;
  }

  public Long getHaltedGeneration() {
    return haltedGeneration;
  }

  public void setHaltedGeneration(Long haltedGeneration) {
    this.haltedGeneration = haltedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutStatus other
        && Objects.equals(restarting, other.restarting)
        && Objects.equals(lastFinishedAt, other.lastFinishedAt)
        && Objects.equals(halted, other.halted)
        && Objects.equals(haltedGeneration, other.haltedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(restarting, lastFinishedAt, halted, haltedGeneration);
  }

  @Override
  public String toString() {
    return "RolloutStatus{" + "restarting=" + restarting + ", " + "lastFinishedAt=" + lastFinishedAt + ", " + "halted=" + halted + ", " + "haltedGeneration=" + haltedGeneration + "}";
  }
}
