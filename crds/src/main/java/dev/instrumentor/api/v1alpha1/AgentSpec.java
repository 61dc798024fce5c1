package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Objects;

/**
 * What every language block of an Instrumentation has: the agent image, the environment of the
 * instrumented containers, the init container's resources, and the volume the agent is copied into.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class AgentSpec {

  /** Image holding the agent in the layout of the OpenTelemetry Operator's autoinstrumentation images. Empty: the operator's default image. */
  private String image;

  /**
   * Environment variables for the containers instrumented with this language. Win over spec.env;
   * the container's own variables win over these.
   */
  private List<EnvVar> env;

  /**
   * Resources of the agent init container. Empty: requests 50m CPU / 64Mi memory, limits 500m /
   * 256Mi; a half given alone is completed from these.
   */
  private ResourceRequirements resources;

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

  /** The init container's resources; null when none are set. */
  public ResourceRequirements initContainerResources() {
    return resources;
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

  /** The fields of this class equal; subclasses compare their own besides. */
  protected boolean sameAgent(AgentSpec other) {
    return Objects.equals(image, other.image)
        && Objects.equals(env, other.env)
        && Objects.equals(resources, other.resources)
        && Objects.equals(volumeLimitSize, other.volumeLimitSize)
        && Objects.equals(volumeClaimTemplate, other.volumeClaimTemplate);
  }

  protected int agentHash() {
    return Objects.hash(image, env, resources, volumeLimitSize, volumeClaimTemplate);
  }

  protected String agentFields() {
    return "image=" + image + ", env=" + env + ", resources=" + resources + ", volumeLimitSize=" + volumeLimitSize
        + ", volumeClaimTemplate=" + volumeClaimTemplate;
  }
}
