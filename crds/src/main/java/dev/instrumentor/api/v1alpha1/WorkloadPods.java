package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A workload with stale or missed pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadPods extends Workload {

  /** The language its pods asked for. */
  private String language;

  /** Its pods injected with an older generation. */
  private Integer stale;

  /** Its pods that asked and are not injected. */
  private Integer missed;

  public String getLanguage() {
    return language;
  }

  public void setLanguage(String language) {
    this.language = language;
  }

  public Integer getStale() {
    return stale;
  }

  public void setStale(Integer stale) {
    this.stale = stale;
  }

  public Integer getMissed() {
    return missed;
  }

  public void setMissed(Integer missed) {
    this.missed = missed;
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof WorkloadPods other
        && Objects.equals(language, other.language)
        && Objects.equals(stale, other.stale)
        && Objects.equals(missed, other.missed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), language, stale, missed);
  }

  @Override
  public String toString() {
    return "WorkloadPods{" + super.toString() + ", " + "language=" + language + ", " + "stale=" + stale + ", " + "missed=" + missed + "}";
  }
}
