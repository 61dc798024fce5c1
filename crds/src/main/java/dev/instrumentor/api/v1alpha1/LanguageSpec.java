package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/**
 * A language block as the OpenTelemetry Operator names its non-Java ones: the init container's
 * resources may also be given as resourceRequirements, its name there, so that its Instrumentations
 * apply unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class LanguageSpec extends AgentSpec {

  /** The OpenTelemetry Operator's name for resources in this block. Set resources or this, not both. */
  private ResourceRequirements resourceRequirements;

  public ResourceRequirements getResourceRequirements() {
    return resourceRequirements;
  }

  public void setResourceRequirements(ResourceRequirements resourceRequirements) {
    this.resourceRequirements = resourceRequirements;
  }

  /** resources, else resourceRequirements; null when neither is set. */
  @Override
  public ResourceRequirements initContainerResources() {
    return getResources() != null ? getResources() : resourceRequirements;
  }

  @Override
  protected boolean sameAgent(AgentSpec other) {
    return super.sameAgent(other) && other instanceof LanguageSpec language
        && Objects.equals(resourceRequirements, language.resourceRequirements);
  }

  @Override
  protected int agentHash() {
    return Objects.hash(super.agentHash(), resourceRequirements);
  }

  @Override
  protected String agentFields() {
    return super.agentFields() + ", resourceRequirements=" + resourceRequirements;
  }
}
