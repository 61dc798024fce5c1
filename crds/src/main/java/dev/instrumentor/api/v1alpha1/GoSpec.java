package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.Objects;

/**
 * Go automatic instrumentation (eBPF): a sidecar running this image attaches to the process of the pod's Go
 * executable (annotation otel-go-auto-target-exe, or OTEL_GO_AUTO_TARGET_EXE in env). image, env, resources and
 * securityContext are the sidecar's; volumeLimitSize and volumeClaimTemplate are accepted as the OpenTelemetry
 * Operator accepts them, and unused (the sidecar copies nothing).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.go.volumeLimitSize and spec.go.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.go.resources and spec.go.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class GoSpec extends LanguageSpec {

  /**
   * The sidecar's security context. Default: root with capabilities SYS_ADMIN, SYS_PTRACE and KILL (all others
   * dropped), not privileged, no privilege escalation, a read-only root filesystem.
   */
  private SecurityContext securityContext;

  public SecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(SecurityContext securityContext) {
    this.securityContext = securityContext;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof GoSpec other && sameAgent(other) && Objects.equals(securityContext, other.securityContext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(agentHash(), securityContext);
  }

  @Override
  public String toString() {
    return "GoSpec{" + agentFields() + ", securityContext=" + securityContext + "}";
  }
}
