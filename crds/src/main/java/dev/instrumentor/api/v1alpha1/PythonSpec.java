package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Python auto-instrumentation settings. The image holds the OpenTelemetry distro and
 * instrumentations installed for the pod's Python under /autoinstrumentation (glibc) and
 * /autoinstrumentation-musl (musl, the instrumentor.dev/python-platform annotation), as the
 * OpenTelemetry Operator's autoinstrumentation-python images do; they export OTLP over HTTP only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.python.volumeLimitSize and spec.python.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.python.resources and spec.python.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class PythonSpec extends LanguageSpec {

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof PythonSpec other && sameAgent(other);
  }

  @Override
  public int hashCode() {
    return agentHash();
  }

  @Override
  public String toString() {
    return "PythonSpec{" + agentFields() + "}";
  }
}
