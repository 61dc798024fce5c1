package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Objects;

/**
 * The OpenTelemetry Operator's Apache HTTPD module block.
 * Accepted so that the OpenTelemetry Operator's Instrumentations apply unchanged; Instrumentor does
 * not inject Apache HTTPD: the Instrumentation's status says so (condition Supported), and pods asking for it
 * get a skipped outcome.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.apacheHttpd.volumeLimitSize and spec.apacheHttpd.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.apacheHttpd.resources and spec.apacheHttpd.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class ApacheHttpdSpec extends LanguageSpec {

  /** Settings of the OpenTelemetry Apache module. */
  private List<EnvVar> attrs;

  /** Apache HTTPD version, 2.2 or 2.4. */
  private String version;

  /** Directory of the Apache configuration. */
  private String configPath;

  public List<EnvVar> getAttrs() {
    return attrs;
  }

  public void setAttrs(List<EnvVar> attrs) {
    this.attrs = attrs;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getConfigPath() {
    return configPath;
  }

  public void setConfigPath(String configPath) {
    this.configPath = configPath;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof ApacheHttpdSpec other && sameAgent(other) && Objects.equals(attrs, other.attrs) && Objects.equals(version, other.version) && Objects.equals(configPath, other.configPath);
  }

  @Override
  public int hashCode() {
    return Objects.hash(agentHash(), attrs, version, configPath);
  }

  @Override
  public String toString() {
    return "ApacheHttpdSpec{" + agentFields() + ", attrs=" + attrs + ", version=" + version + ", configPath=" + configPath + "}";
  }
}
