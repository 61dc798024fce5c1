package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/**
 * A PodDisruptionBudget for the collector's pods (policy/v1): at most one of minAvailable and maxUnavailable.
 * Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.minAvailable) && has(self.maxUnavailable))",
    message = "podDisruptionBudget: set minAvailable or maxUnavailable, not both")
public class DisruptionBudget {

  /** Pods that must stay available during a voluntary disruption: a number or a percentage. */
  private IntOrString minAvailable;

  /** Pods that may be unavailable during a voluntary disruption: a number or a percentage. */
  private IntOrString maxUnavailable;

  public IntOrString getMinAvailable() {
    return minAvailable;
  }

  public void setMinAvailable(IntOrString minAvailable) {
    this.minAvailable = minAvailable;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DisruptionBudget other && Objects.equals(minAvailable, other.minAvailable)
        && Objects.equals(maxUnavailable, other.maxUnavailable);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minAvailable, maxUnavailable);
  }

  @Override
  public String toString() {
    return "DisruptionBudget{" + "minAvailable=" + minAvailable + ", " + "maxUnavailable=" + maxUnavailable + "}";
  }
}
