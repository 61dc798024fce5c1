package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A NetworkPolicy that admits traffic to the collector's pods on their ports only. Field names as the
 * OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CollectorNetworkPolicy {

  /** Create the NetworkPolicy. */
  private Boolean enabled;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CollectorNetworkPolicy other && Objects.equals(enabled, other.enabled);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled);
  }

  @Override
  public String toString() {
    return "CollectorNetworkPolicy{" + "enabled=" + enabled + "}";
  }
}
