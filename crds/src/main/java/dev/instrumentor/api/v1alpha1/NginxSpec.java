package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Objects;

/**
 * The OpenTelemetry Operator's nginx module block.
 * Accepted so that the OpenTelemetry Operator's Instrumentations apply unchanged; Instrumentor does
 * not inject nginx: the Instrumentation's status says so (condition Supported), and pods asking for it
 * get a skipped outcome.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.nginx.volumeLimitSize and spec.nginx.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.nginx.resources and spec.nginx.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class NginxSpec extends LanguageSpec {

  /** Settings of the OpenTelemetry nginx module. */
  private List<EnvVar> attrs;

  /** The nginx configuration file. */
  private String configFile;

  public List<EnvVar> getAttrs() {
    return attrs;
  }

  public void setAttrs(List<EnvVar> attrs) {
    this.attrs = attrs;
  }

  public String getConfigFile() {
    return configFile;
  }

  public void setConfigFile(String configFile) {
    this.configFile = configFile;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof NginxSpec other && sameAgent(other) && Objects.equals(attrs, other.attrs) && Objects.equals(configFile, other.configFile);
  }

  @Override
  public int hashCode() {
    return Objects.hash(agentHash(), attrs, configFile);
  }

  @Override
  public String toString() {
    return "NginxSpec{" + agentFields() + ", attrs=" + attrs + ", configFile=" + configFile + "}";
  }
}
