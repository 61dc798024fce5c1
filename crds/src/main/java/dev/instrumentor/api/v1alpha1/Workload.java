package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A workload: its kind, namespace and name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Workload {

  /** Deployment, StatefulSet, DaemonSet, Job, ReplicaSet or Pod (a bare pod). */
  private String kind;

  /** Its namespace. */
  private String namespace;

  /** Its name. */
  private String name;

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Objects.equals(kind, ((Workload) o).kind)
        && Objects.equals(namespace, ((Workload) o).namespace) && Objects.equals(name, ((Workload) o).name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, namespace, name);
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
