package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/**
 * Observed state of a TelemetryCollector, written by the operator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TelemetryCollectorStatus {

  /** The generation of the spec this status describes. */
  private Long observedGeneration;

  /**
   * Conditions: Ready tells whether the config is valid and the collector pods are available; Validated
   * whether the collector image's own validate accepted the config (Accepted, Refused with its message,
   * Validating, NotRun, Off).
   */
  private List<Condition> conditions;

  /** The collector image running. */
  private String image;

  /** Replica counts and selector, for the scale subresource and kubectl. */
  private ScaleStatus scale;

  /** SHA-256 of the config the workload runs; changes roll the pods. */
  private String configHash;

  /**
   * The last config, with its image, environment, arguments and volumes, that the collector image's own
   * {@code validate} accepted (a hash): it is not validated again.
   */
  private String acceptedConfig;

  public String getAcceptedConfig() {
    return acceptedConfig;
  }

  public void setAcceptedConfig(String acceptedConfig) {
    this.acceptedConfig = acceptedConfig;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ScaleStatus getScale() {
    return scale;
  }

  public void setScale(ScaleStatus scale) {
    this.scale = scale;
  }

  public String getConfigHash() {
    return configHash;
  }

  public void setConfigHash(String configHash) {
    this.configHash = configHash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TelemetryCollectorStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(image, other.image)
        && Objects.equals(scale, other.scale)
        && Objects.equals(configHash, other.configHash)
        && Objects.equals(acceptedConfig, other.acceptedConfig);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, image, scale, configHash, acceptedConfig);
  }

  @Override
  public String toString() {
    return "TelemetryCollectorStatus{" + "observedGeneration=" + observedGeneration + ", conditions=" + conditions + ", image=" + image + ", scale=" + scale + ", configHash=" + configHash + ", acceptedConfig=" + acceptedConfig + "}";
  }
}
