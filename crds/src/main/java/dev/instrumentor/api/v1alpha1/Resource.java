package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/**
 * Resource attributes added to the telemetry of instrumented pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Resource {

  /** Attributes added to OTEL_RESOURCE_ATTRIBUTES. Keys a container already sets win. */
  private Map<String, String> resourceAttributes;

  /** Also add the pod UID (k8s.pod.uid) and owner UIDs where known. */
  private Boolean addK8sUIDAttributes;

  public Map<String, String> getResourceAttributes() {
    return resourceAttributes;
  }

  public void setResourceAttributes(Map<String, String> resourceAttributes) {
    this.resourceAttributes = resourceAttributes;
  }

  public Boolean getAddK8sUIDAttributes() {
    return addK8sUIDAttributes;
  }

  public void setAddK8sUIDAttributes(Boolean addK8sUIDAttributes) {
    this.addK8sUIDAttributes = addK8sUIDAttributes;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Resource other)) {
      return false;
    }
    return Objects.equals(resourceAttributes, other.resourceAttributes)
        && Objects.equals(addK8sUIDAttributes, other.addK8sUIDAttributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(resourceAttributes, addK8sUIDAttributes);
  }

  @Override
  public String toString() {
    return "Resource{" + "resourceAttributes=" + resourceAttributes + ", addK8sUIDAttributes=" + addK8sUIDAttributes + "}";
  }
}
