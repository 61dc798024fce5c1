package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Size;
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
   * TlsConfigMapMissing, InvalidSampler); Supported whether every block is injected (AllBlocksInjected:
   * every block of the OpenTelemetry Operator's Instrumentation is).
   */
  private List<Condition> conditions;

  /** Pods injected with the current generation, over every language (kubectl get column). */
  private Integer injected;

  /** Pods injected with an older generation (kubectl get column). */
  private Integer stale;

  /** Pods that asked for this Instrumentation and are not injected (kubectl get column). */
  private Integer missed;

  /**
   * Pods of this namespace whose annotation asks for a language and resolves to no Instrumentation
   * ({@code "true"} among several, a name that does not exist, a value that is not one): the webhook
   * admits them uninstrumented (kubectl get column).
   */
  private Integer unresolved;

  /** Those pods by language and reason, the most first (at most 20). */
  @Size(max = 20)
  private List<UnresolvedPods> unresolvedPods;

  /** The counts per language. */
  private List<LanguagePods> languages;

  /** Workloads with stale or missed pods, the most affected first (at most 20). */
  @Size(max = 20)
  private List<WorkloadPods> workloads;

  /** Progress of spec.rollout. */
  private RolloutStatus rollout;

  /**
   * Injected pods failing now (CrashLoopBackOff, OOMKilled, the agent's init container failing, or not Ready
   * past spec.rollback.graceTime while the workload's pods without the agent are).
   */
  private Integer failing;

  /** Pods the webhook left without the agent because their workload was rolled back. */
  private Integer rolledBack;

  /** Workloads rolled back (spec.rollback): not injected until the spec changes. */
  @Size(max = 100)
  private List<RolledBackWorkload> rollbacks;

  public Integer getFailing() {
    return failing;
  }

  public void setFailing(Integer failing) {
    this.failing = failing;
  }

  public Integer getRolledBack() {
    return rolledBack;
  }

  public void setRolledBack(Integer rolledBack) {
    this.rolledBack = rolledBack;
  }

  public List<RolledBackWorkload> getRollbacks() {
    return rollbacks;
  }

  public void setRollbacks(List<RolledBackWorkload> rollbacks) {
    this.rollbacks = rollbacks;
  }

  /**
   * The latest generation the operator found valid. While the current one is not (Ready=False), pods that
   * ask for this Instrumentation are configured from this one, and their injection-status says so.
   */
  private Long lastValidGeneration;

  /** The spec of lastValidGeneration, as it was. */
  @PreserveUnknownFields
  private JsonNode lastValidSpec;

  public Long getLastValidGeneration() {
    return lastValidGeneration;
  }

  public void setLastValidGeneration(Long lastValidGeneration) {
    this.lastValidGeneration = lastValidGeneration;
  }

  public JsonNode getLastValidSpec() {
    return lastValidSpec;
  }

  public void setLastValidSpec(JsonNode lastValidSpec) {
    this.lastValidSpec = lastValidSpec;
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

  public Integer getUnresolved() {
    return unresolved;
  }

  public void setUnresolved(Integer unresolved) {
    this.unresolved = unresolved;
  }

  public List<UnresolvedPods> getUnresolvedPods() {
    return unresolvedPods;
  }

  public void setUnresolvedPods(List<UnresolvedPods> unresolvedPods) {
    this.unresolvedPods = unresolvedPods;
  }

  public List<LanguagePods> getLanguages() {
    return languages;
  }

  public void setLanguages(List<LanguagePods> languages) {
    this.languages = languages;
  }

  public List<WorkloadPods> getWorkloads() {
    return workloads;
  }

  public void setWorkloads(List<WorkloadPods> workloads) {
    this.workloads = workloads;
  }

  public RolloutStatus getRollout() {
    return rollout;
  }

  public void setRollout(RolloutStatus rollout) {
    this.rollout = rollout;
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

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof InstrumentationStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(injected, other.injected)
        && Objects.equals(stale, other.stale)
        && Objects.equals(missed, other.missed)
        && Objects.equals(unresolved, other.unresolved)
        && Objects.equals(unresolvedPods, other.unresolvedPods)
        && Objects.equals(languages, other.languages)
        && Objects.equals(workloads, other.workloads)
        && Objects.equals(rollout, other.rollout)
        && Objects.equals(failing, other.failing)
        && Objects.equals(rolledBack, other.rolledBack)
        && Objects.equals(rollbacks, other.rollbacks)
        && Objects.equals(lastValidGeneration, other.lastValidGeneration)
        && Objects.equals(lastValidSpec, other.lastValidSpec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, injected, stale, missed, unresolved, unresolvedPods, languages, workloads, rollout,
        failing, rolledBack, rollbacks, lastValidGeneration, lastValidSpec);
  }

  @Override
  public String toString() {
    return "InstrumentationStatus{" + "observedGeneration=" + observedGeneration + ", conditions=" + conditions + ", injected=" + injected
        + ", stale=" + stale + ", missed=" + missed + ", unresolved=" + unresolved + ", languages=" + languages + ", workloads=" + workloads
        + ", rollout=" + rollout + ", failing=" + failing + ", rolledBack=" + rolledBack + ", rollbacks=" + rollbacks + "}";
  }
}
