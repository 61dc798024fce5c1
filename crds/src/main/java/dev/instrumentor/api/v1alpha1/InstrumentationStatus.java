package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/**
 * Observed state of an Instrumentation, written by the operator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentationStatus {

  /** The generation of the spec this status describes. */
  private Long observedGeneration;

  /**
   * Conditions: Ready tells whether the spec is valid and usable (reasons Valid, InvalidEndpoint,
   * TlsConfigMapMissing, InvalidSampler); Supported whether every block is injected (reasons
   * AllBlocksInjected, UnsupportedBlocks naming the go, apacheHttpd and nginx blocks kept from the
   * OpenTelemetry Operator).
   */
  private List<Condition> conditions;

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

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof InstrumentationStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions);
  }

  @Override
  public String toString() {
    return "InstrumentationStatus{" + "observedGeneration=" + observedGeneration + ", conditions=" + conditions + "}";
  }
}
