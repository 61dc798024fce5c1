package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * A ConfigMap mounted into the collector container at /var/conf/<mountpath>/configmap-<name>, as the
 * OpenTelemetry Operator mounts it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapMount {

  /** The ConfigMap, in the collector's namespace. */
  @Required
  private String name;

  /** The directory under /var/conf. */
  @Required
  private String mountpath;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getMountpath() {
    return mountpath;
  }

  public void setMountpath(String mountpath) {
    this.mountpath = mountpath;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigMapMount other && Objects.equals(name, other.name)
        && Objects.equals(mountpath, other.mountpath);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, mountpath);
  }

  @Override
  public String toString() {
    return "ConfigMapMount{" + "name=" + name + ", " + "mountpath=" + mountpath + "}";
  }
}
