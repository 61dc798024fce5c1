package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Objects;

/**
 * Java auto-instrumentation settings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.java.volumeLimitSize and spec.java.volumeClaimTemplate are mutually exclusive: set one")
public class JavaSpec {

  /**
   * Image holding the OpenTelemetry Java agent at /javaagent.jar, e.g.
   * ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.x. Empty: the
   * operator's default image.
   */
  private String image;

  /**
   * Environment variables for instrumented Java containers. Wins over spec.env; the container's
   * own variables win over these.
   */
  private List<EnvVar> env;

  /**
   * Resources of the agent init container. Empty: requests 50m CPU / 64Mi memory, limits 500m /
   * 256Mi.
   */
  private ResourceRequirements resources;

  /**
   * Agent extensions: each image's directory is copied into the agent volume and passed with
   * -Dotel.javaagent.extensions.
   */
  private List<Extension> extensions;

  /** Size limit of the emptyDir volume holding the agent. Empty: 200Mi. */
  @Pattern("^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$")
  private String volumeLimitSize;

  /**
   * Use an ephemeral volume from this claim template instead of an emptyDir (for nodes where
   * emptyDir space is scarce).
   */
  private PersistentVolumeClaimTemplate volumeClaimTemplate;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public List<Extension> getExtensions() {
    return extensions;
  }

  public void setExtensions(List<Extension> extensions) {
    this.extensions = extensions;
  }

  public String getVolumeLimitSize() {
    return volumeLimitSize;
  }

  public void setVolumeLimitSize(String volumeLimitSize) {
    this.volumeLimitSize = volumeLimitSize;
  }

  public PersistentVolumeClaimTemplate getVolumeClaimTemplate() {
    return volumeClaimTemplate;
  }

  public void setVolumeClaimTemplate(PersistentVolumeClaimTemplate volumeClaimTemplate) {
    this.volumeClaimTemplate = volumeClaimTemplate;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof JavaSpec other)) {
      return false;
    }
    return Objects.equals(image, other.image)
        && Objects.equals(env, other.env)
        && Objects.equals(resources, other.resources)
        && Objects.equals(extensions, other.extensions)
        && Objects.equals(volumeLimitSize, other.volumeLimitSize)
        && Objects.equals(volumeClaimTemplate, other.volumeClaimTemplate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, env, resources, extensions, volumeLimitSize, volumeClaimTemplate);
  }

  @Override
  public String toString() {
    return "JavaSpec{" + "image=" + image + ", env=" + env + ", resources=" + resources + ", extensions=" + extensions + ", volumeLimitSize=" + volumeLimitSize + ", volumeClaimTemplate=" + volumeClaimTemplate + "}";
  }
}
