package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * Java auto-instrumentation settings. The image holds the OpenTelemetry Java agent at
 * /javaagent.jar, e.g. ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.x.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"image", "env", "resources", "extensions", "volumeLimitSize", "volumeClaimTemplate"})
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.java.volumeLimitSize and spec.java.volumeClaimTemplate are mutually exclusive: set one")
public class JavaSpec extends AgentSpec {

  /**
   * Agent extensions: each image's directory is copied into the agent volume and passed with
   * -Dotel.javaagent.extensions.
   */
  private List<Extension> extensions;

  public List<Extension> getExtensions() {
    return extensions;
  }

  public void setExtensions(List<Extension> extensions) {
    this.extensions = extensions;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof JavaSpec other && sameAgent(other) && Objects.equals(extensions, other.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(agentHash(), extensions);
  }

  @Override
  public String toString() {
    return "JavaSpec{" + agentFields() + ", extensions=" + extensions + "}";
  }
}
