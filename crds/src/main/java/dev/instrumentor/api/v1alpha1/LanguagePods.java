package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Pods asking for one language of an Instrumentation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LanguagePods {

  /** java, nodejs, python, dotnet or sdk. */
  private String language;

  /** Pods injected with the Instrumentation's current generation. */
  private Integer injected;

  /** Pods injected with an older generation: a restart gives them the current one. */
  private Integer stale;

  /** Pods that asked and are not injected (created while the webhook was down, or skipped). */
  private Integer missed;

  /** Its pods left without the agent because their workload was rolled back (absent when none). */
  private Integer rolledBack;

  public Integer getRolledBack() {
    return rolledBack;
  }

  public void setRolledBack(Integer rolledBack) {
    this.rolledBack = rolledBack;
  }

  public String getLanguage() {
    return language;
  }

  public void setLanguage(String language) {
    this.language = language;
  }

  public Integer getInjected() {
    return injected;
  }

  public void setInjected(Integer injected) {
    this.injected = injected;
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
    return o instanceof LanguagePods other
        && Objects.equals(language, other.language)
        && Objects.equals(injected, other.injected)
        && Objects.equals(stale, other.stale)
        && Objects.equals(missed, other.missed)
        && Objects.equals(rolledBack, other.rolledBack);
  }

  @Override
  public int hashCode() {
    return Objects.hash(language, injected, stale, missed, rolledBack);
  }

  @Override
  public String toString() {
    return "LanguagePods{" + "language=" + language + ", " + "injected=" + injected + ", " + "stale=" + stale + ", " + "missed=" + missed + ", rolledBack=" + rolledBack + "}";
  }
}
