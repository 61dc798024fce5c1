package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Node.js auto-instrumentation settings. The image holds @opentelemetry/auto-instrumentations-node,
 * the SDK and the OTLP exporters under /autoinstrumentation with autoinstrumentation.js, which starts
 * them, at its root, as the OpenTelemetry Operator's autoinstrumentation-nodejs images do; NODE_OPTIONS
 * gets --require of it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.nodejs.volumeLimitSize and spec.nodejs.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.nodejs.resources and spec.nodejs.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class NodeJsSpec extends LanguageSpec {

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof NodeJsSpec other && sameAgent(other);
  }

  @Override
  public int hashCode() {
    return agentHash();
  }

  @Override
  public String toString() {
    return "NodeJsSpec{" + agentFields() + "}";
  }
}
