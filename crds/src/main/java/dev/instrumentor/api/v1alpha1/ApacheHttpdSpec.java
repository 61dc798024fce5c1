package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Objects;

/**
 * The OpenTelemetry Apache HTTPD module: init containers copy the module (image, default the OpenTelemetry Operator's
 * autoinstrumentation-apache-httpd) and a copy of the configuration directory that loads it, which replaces the
 * container's; attrs set the module's directives (ApacheModule*), over the generated ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.apacheHttpd.volumeLimitSize and spec.apacheHttpd.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.apacheHttpd.resources and spec.apacheHttpd.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class ApacheHttpdSpec extends LanguageSpec implements WebServerSpec {

  /** Settings of the OpenTelemetry Apache module. */
  private List<EnvVar> attrs;

  /** Apache HTTPD version, 2.2 or 2.4 (default): which build of the module is loaded. */
  private String version;

  /** Directory of the Apache configuration; default /usr/local/apache2/conf (the official image's). */
  private String configPath;

  @Override
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
