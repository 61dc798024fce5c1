package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.Objects;

/**
 * The OpenTelemetry Operator's Go (eBPF) auto-instrumentation block.
 * Accepted so that the OpenTelemetry Operator's Instrumentations apply unchanged; Instrumentor does
 * not inject Go: the Instrumentation's status says so (condition Supported), and pods asking for it
 * get a skipped outcome.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.go.volumeLimitSize and spec.go.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.go.resources and spec.go.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class GoSpec extends LanguageSpec {

  /** Security context of the Go instrumentation sidecar (upstream: it needs privileges). */
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
