package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * Automatic rollback: when the pods a workload gets with this Instrumentation's agent fail (CrashLoopBackOff,
 * OOMKilled, the agent's init container failing, or never Ready while its pods without the agent are), the
 * webhook stops injecting that workload and the operator restarts it once without the agent. The record is
 * kept in status.rollbacks until the spec changes (a new generation retries).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.graceTime) || !has(self.stabilityWindow)"
    + " || duration(self.graceTime) < duration(self.stabilityWindow)",
    message = "spec.rollback.graceTime must be shorter than spec.rollback.stabilityWindow")
public class Rollback {

  /** Roll back workloads whose injected pods fail. Default false: failing pods are reported only. */
  @Default("false")
  private Boolean enabled;

  /**
   * How long an injected pod may fail from its start before its workload is rolled back (a pod may
   * recover, as one waiting for a dependency does), as 30s, 5m or 1h. Default 5m.
   */
  @Pattern("^([0-9]+[smh])+$")
  @Default("5m")
  private String graceTime;

  /**
   * Pods started longer ago than this are not rolled back when they fail (reported only): after it, a
   * failure is not taken for the agent's, as 30m or 1h. Default 1h.
   */
  @Pattern("^([0-9]+[smh])+$")
  @Default("1h")
  private String stabilityWindow;

  /**
   * Free text: change it to try the agent again on the workloads rolled back (any change of the spec does
   * the same, as it makes a new generation).
   */
  private String retry;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getGraceTime() {
    return graceTime;
  }

  public void setGraceTime(String graceTime) {
    this.graceTime = graceTime;
  }

  public String getStabilityWindow() {
    return stabilityWindow;
  }

  public void setStabilityWindow(String stabilityWindow) {
    this.stabilityWindow = stabilityWindow;
  }

  public String getRetry() {
    return retry;
  }

  public void setRetry(String retry) {
    this.retry = retry;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rollback other
        && Objects.equals(enabled, other.enabled)
        && Objects.equals(graceTime, other.graceTime)
        && Objects.equals(stabilityWindow, other.stabilityWindow)
        && Objects.equals(retry, other.retry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, graceTime, stabilityWindow, retry);
  }

  @Override
  public String toString() {
    return "Rollback{enabled=" + enabled + ", graceTime=" + graceTime + ", stabilityWindow=" + stabilityWindow
        + ", retry=" + retry + "}";
  }
}
