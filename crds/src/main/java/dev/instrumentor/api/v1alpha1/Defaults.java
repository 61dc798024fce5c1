package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * How default values are derived.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Defaults {

  /**
   * Derive service.name, service.version and service.namespace from the well-known
   * app.kubernetes.io labels when present.
   */
  private Boolean useLabelsForResourceAttributes;

  public Boolean getUseLabelsForResourceAttributes() {
    return useLabelsForResourceAttributes;
  }

  public void setUseLabelsForResourceAttributes(Boolean useLabelsForResourceAttributes) {
    this.useLabelsForResourceAttributes = useLabelsForResourceAttributes;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Defaults other)) {
      return false;
    }
    return Objects.equals(useLabelsForResourceAttributes, other.useLabelsForResourceAttributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(useLabelsForResourceAttributes);
  }

  @Override
  public String toString() {
    return "Defaults{" + "useLabelsForResourceAttributes=" + useLabelsForResourceAttributes + "}";
  }
}
