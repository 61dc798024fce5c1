package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A workload the rollout restarted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadRef extends Workload {

  /** When it was restarted (RFC 3339). */
  private String restartedAt;

  public String getRestartedAt() {
    return restartedAt;
  }

  public void setRestartedAt(String restartedAt) {
    this.restartedAt = restartedAt;
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof WorkloadRef other
        && Objects.equals(restartedAt, other.restartedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), restartedAt);
  }

  @Override
  public String toString() {
    return "WorkloadRef{" + super.toString() + ", " + "restartedAt=" + restartedAt + "}";
  }
}
