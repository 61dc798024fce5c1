package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** mTLS between a target allocator and its collector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorMtls {

  /** Use mTLS. */
  private Boolean enabled;

  /** Provision the certificates with cert-manager. */
  private Boolean useCertManager;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Boolean getUseCertManager() {
    return useCertManager;
  }

  public void setUseCertManager(Boolean useCertManager) {
    this.useCertManager = useCertManager;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetAllocatorMtls other && Objects.equals(enabled, other.enabled)
        && Objects.equals(useCertManager, other.useCertManager);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, useCertManager);
  }

  @Override
  public String toString() {
    return "TargetAllocatorMtls{" + "enabled=" + enabled + ", " + "useCertManager=" + useCertManager + "}";
  }
}
