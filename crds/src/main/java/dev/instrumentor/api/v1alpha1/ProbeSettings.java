package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * Timing of a probe of the collector's health_check extension. Field names as the OpenTelemetry Operator's;
 * empty fields keep Kubernetes' defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeSettings {

  /** Seconds after the container starts before the first probe. */
  @Min(0)
  private Integer initialDelaySeconds;

  /** Seconds after which a probe times out. */
  @Min(1)
  private Integer timeoutSeconds;

  /** Seconds between probes. */
  @Min(1)
  private Integer periodSeconds;

  /** Consecutive successes that count as success after a failure. */
  @Min(1)
  private Integer successThreshold;

  /** Consecutive failures that count as failure. */
  @Min(1)
  private Integer failureThreshold;

  /** Grace period of a pod whose probe failed, overriding the pod's. */
  @Min(1)
  private Long terminationGracePeriodSeconds;

  public Integer getInitialDelaySeconds() {
    return initialDelaySeconds;
  }

  public void setInitialDelaySeconds(Integer initialDelaySeconds) {
    this.initialDelaySeconds = initialDelaySeconds;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getPeriodSeconds() {
    return periodSeconds;
  }

  public void setPeriodSeconds(Integer periodSeconds) {
    this.periodSeconds = periodSeconds;
  }

  public Integer getSuccessThreshold() {
    return successThreshold;
  }

  public void setSuccessThreshold(Integer successThreshold) {
    this.successThreshold = successThreshold;
  }

  public Integer getFailureThreshold() {
    return failureThreshold;
  }

  public void setFailureThreshold(Integer failureThreshold) {
    this.failureThreshold = failureThreshold;
  }

  public Long getTerminationGracePeriodSeconds() {
    return terminationGracePeriodSeconds;
  }

  public void setTerminationGracePeriodSeconds(Long terminationGracePeriodSeconds) {
    this.terminationGracePeriodSeconds = terminationGracePeriodSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeSettings other && Objects.equals(initialDelaySeconds, other.initialDelaySeconds)
        && Objects.equals(timeoutSeconds, other.timeoutSeconds)
        && Objects.equals(periodSeconds, other.periodSeconds)
        && Objects.equals(successThreshold, other.successThreshold)
        && Objects.equals(failureThreshold, other.failureThreshold)
        && Objects.equals(terminationGracePeriodSeconds, other.terminationGracePeriodSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(initialDelaySeconds, timeoutSeconds, periodSeconds, successThreshold, failureThreshold, terminationGracePeriodSeconds);
  }

  @Override
  public String toString() {
    return "ProbeSettings{" + "initialDelaySeconds=" + initialDelaySeconds + ", " + "timeoutSeconds=" + timeoutSeconds + ", " + "periodSeconds=" + periodSeconds + ", " + "successThreshold=" + successThreshold + ", " + "failureThreshold=" + failureThreshold + ", " + "terminationGracePeriodSeconds=" + terminationGracePeriodSeconds + "}";
  }
}
