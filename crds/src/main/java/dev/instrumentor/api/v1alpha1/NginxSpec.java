package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Objects;

/**
 * The OpenTelemetry nginx module: init containers copy the module (image, default the OpenTelemetry Operator's
 * autoinstrumentation-apache-httpd) and a copy of the configuration directory that loads it, which replaces the
 * container's; attrs set the module's directives (NginxModule*), over the generated ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.nginx.volumeLimitSize and spec.nginx.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.nginx.resources and spec.nginx.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class NginxSpec extends LanguageSpec implements WebServerSpec {

  /** Settings of the OpenTelemetry nginx module. */
  private List<EnvVar> attrs;

  /** The nginx configuration file; default /etc/nginx/nginx.conf. Its directory is copied and replaced. */
  private String configFile;

  @Override
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
