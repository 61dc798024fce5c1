package dev.instrumentor.operator.instrumentation;

import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutStatus;
import dev.instrumentor.operator.fleet.Health;
import dev.instrumentor.operator.fleet.Rollouts;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An Instrumentation's conditions and what they say, in one place: each method sets one condition of the
 * status being built from what a reconcile step found. The reconciler decides; this class words it.
 */
final class InstrumentationConditions {

  /** Whether the spec is valid, so that pods get it (else they keep the last valid one). */
  static final String READY = Conditions.READY;
  /** Whether every block of the spec is injected (it is: kept for the clients that read it). */
  static final String SUPPORTED = Conditions.SUPPORTED;
  /** Whether spec.rollout is restarting, done, halted or off. */
  static final String ROLLOUT = "Rollout";
  /** Whether the pods this Instrumentation injected run: none in CrashLoopBackOff, OOMKilled, ... */
  static final String HEALTHY = "Healthy";
  /** Whether spec.rollback rolled workloads back at this generation (present with spec.rollback or records). */
  static final String ROLLED_BACK = "RolledBack";
  /** Workloads named in a condition's message; the status lists them all. */
  private static final int NAMED = 3;
  /** Whether spec.selector chooses pods as written (present only with a selector). */
  static final String SELECTOR = "Selector";

  private final InstrumentationStatus status;
  private final Long generation;
  private final Clock clock;

  /** Conditions of {@code status}, starting from those of {@code previous} (their transition times kept). */
  InstrumentationConditions(InstrumentationStatus status, InstrumentationStatus previous, Long generation,
      Clock clock) {
    this.status = status;
    this.generation = generation;
    this.clock = clock;
    status.setConditions(previous == null || previous.getConditions() == null ? new ArrayList<>()
        : previous.getConditions());
  }

  /** The condition of {@code type} in {@code status}, or null. */
  static Condition of(InstrumentationStatus status, String type) {
    return status == null ? null : Conditions.get(status.getConditions(), type);
  }

  private void set(String type, boolean ok, String reason, String message) {
    status.setConditions(Conditions.set(status.getConditions(), type, ok, reason, message, generation, clock));
  }

  void ready(InstrumentationValidator.Verdict verdict) {
    set(READY, verdict.valid(), verdict.reason(), verdict.message());
  }

  /** Supported: every block of the spec is injected (the OpenTelemetry Operator's Go, nginx and Apache HTTPD too). */
  void supported() {
    set(SUPPORTED, true, "AllBlocksInjected", "every block of the spec is injected into the pods that ask for it");
  }


  /**
   * spec.selector's condition: gone without a selector; else whether it is honoured as written.
   *
   * @param problem why its namespaceSelector is not honoured, or null
   */
  void selector(boolean present, String problem) {
    if (!present) {
      status.getConditions().removeIf(condition -> SELECTOR.equals(condition.getType()));
    } else if (problem != null) {
      set(SELECTOR, false, "NamespaceSelectorNotAllowed", problem);
    } else {
      set(SELECTOR, true, "Honoured", "pods without an inject-* annotation that spec.selector chooses are instrumented"
          + " with each container's language as detected; the outcome on each pod says how it was told");
    }
  }

  /** Healthy: whether any injected pod fails, and the most affected workloads. */
  void health(List<Health.Verdict> verdicts) {
    if (verdicts.isEmpty()) {
      set(HEALTHY, true, "NoFailingPods", "no pod this Instrumentation injected is in CrashLoopBackOff, OOMKilled, failing"
          + " in the agent's init container or not Ready past spec.rollback.graceTime while its workload's pods without"
          + " the agent are");
      return;
    }
    List<String> named = new ArrayList<>();
    verdicts.stream().sorted(Comparator.comparingInt(Health.Verdict::failing).reversed()).limit(NAMED).forEach(v ->
        named.add(v.workload() + ": " + v.failing() + " pod(s) " + v.failure().reason() + " (" + v.failure().message() + ")"
            + (v.rollBack() ? ", rolled back" : ", not rolled back: " + v.why())));
    int pods = verdicts.stream().mapToInt(Health.Verdict::failing).sum();
    set(HEALTHY, false, "PodsFailing", pods + " injected pod(s) of " + verdicts.size() + " workload(s) fail: "
        + String.join("; ", named) + (verdicts.size() > NAMED ? "; ..." : ""));
  }

  /** RolledBack: the workloads recorded at this generation; gone when rollback is off and none is. */
  void rolledBack(boolean enabled, List<RolledBackWorkload> records, long generation) {
    if (records.isEmpty() && !enabled) {
      status.getConditions().removeIf(condition -> ROLLED_BACK.equals(condition.getType()));
    } else if (records.isEmpty()) {
      set(ROLLED_BACK, false, "NoRollback", "no workload is rolled back at generation " + generation);
    } else {
      List<String> named = records.stream().limit(NAMED).map(r -> r.getKind() + " " + r.getNamespace() + "/" + r.getName()
          + " (" + r.getReason() + ", " + String.join(", ", r.getAgents() == null ? List.of() : r.getAgents()) + ")").toList();
      set(ROLLED_BACK, true, "AgentRolledBack", records.size() + " workload(s) rolled back at generation " + generation
          + ", their pods not injected until the spec changes (spec.rollback.retry): " + String.join("; ", named)
          + (records.size() > NAMED ? "; ..." : ""));
    }
  }

  void rolloutOff() {
    set(ROLLOUT, true, "Off", "spec.rollout.policy is Never: stale and missed pods are reported, not restarted");
  }

  void rolloutWhileInvalid() {
    set(ROLLOUT, false, "InstrumentationInvalid",
        "no restart while the Instrumentation is not Ready: its pods would get a config that does not work");
  }

  void rollout(Rollouts.Step step, Rollout rollout) {
    RolloutStatus next = step.status();
    if (step.halted()) {
      set(ROLLOUT, false, "Halted", next.getHalted());
    } else if (step.restarting()) {
      set(ROLLOUT, true, "Restarting", next.getRestarting().size() + " workload(s) restarting, at most "
          + (rollout.getMaxConcurrentWorkloads() == null ? 1 : rollout.getMaxConcurrentWorkloads()) + " at once");
    } else {
      set(ROLLOUT, true, "Done", "no restartable workload has stale or missed pods left to restart for generation "
          + (generation == null ? 0 : generation));
    }
  }
}
