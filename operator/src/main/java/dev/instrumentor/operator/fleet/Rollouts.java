package dev.instrumentor.operator.fleet;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutStatus;
import dev.instrumentor.api.v1alpha1.WorkloadRef;
import dev.instrumentor.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out spec.rollout, one step per reconcile: what {@link RolloutPlanner} decides (pure) is done
 * here — workloads restarted through {@link Workloads}, each once per generation of each Instrumentation,
 * and Events on the workloads and the Instrumentation for what finished, halted, was skipped or refused.
 */
public final class Rollouts {

  private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);

  private final Workloads workloads;
  private final EventRecorder events;
  /**
   * {@code "<instrumentation> <workload>"} to the {@code namespace/name@generation} it was restarted
   * (or found restarted) for: once per generation of each Instrumentation, whatever the others do.
   */
  private final Map<String, String> restartedFor = new ConcurrentHashMap<>();

  public Rollouts(Workloads workloads, EventRecorder events) {
    this.workloads = workloads;
    this.events = events;
  }

  /** The rollout's state after this step, and when to look again (null: not until something changes). */
  public record Step(RolloutStatus status, Duration recheckIn) {

    public boolean halted() {
      return status.getHalted() != null;
    }

    public boolean restarting() {
      return status.getRestarting() != null;
    }
  }

  /**
   * The next step for {@code instrumentation} (valid, spec.rollout Restart) at generation {@code generation}.
   *
   * @param view     its pods as counted now
   * @param previous the rollout status written before, or null
   */
  public Step step(Instrumentation instrumentation, long generation, Fleet.View view, RolloutStatus previous, Instant now) {
    Rollout rollout = instrumentation.getSpec().getRollout();
    String key = Fleet.key(instrumentation);
    String reason = key + "@" + generation;
    List<Fleet.Workload> candidates = view.workloads().keySet().stream().filter(Fleet.Workload::restartable)
        .filter(w -> !reason.equals(restartedFor.get(key + " " + w))).toList();
    RolloutPlanner.Step step = RolloutPlanner.plan(rollout, previous, generation, candidates,
        ref -> workloads.observe(ref, now), now);
    for (WorkloadRef done : step.finished()) {
      events.record(reference(done), "Normal", "Restarted", "Rollout", "available again after the restart for " + reason);
    }
    if (step.failed() != null) {
      LOG.warn("rollout of {} halted: {}", reason, step.status().getHalted());
      events.record(reference(step.failed()), "Warning", "RolloutHalted", "Rollout", step.status().getHalted());
      events.record(instrumentation, "Warning", "RolloutHalted", "Rollout", step.status().getHalted());
    }
    Set<String> skipped = new HashSet<>();
    for (Fleet.Workload workload : step.restart()) {
      if (!restart(workload, key, reason, now)) {
        skipped.add(workload.kind() + "/" + workload.namespace() + "/" + workload.name());
      }
    }
    RolloutStatus next = step.status();
    if (next.getRestarting() != null) {
      next.getRestarting().removeIf(ref -> skipped.contains(ref.getKind() + "/" + ref.getNamespace() + "/" + ref.getName()));
      if (next.getRestarting().isEmpty()) {
        next.setRestarting(null);
      }
    }
    return new Step(next, next.getHalted() != null ? null : step.recheckIn());
  }

  /**
   * The rollout stops at {@code generation} because a workload was rolled back ({@code why}): nothing more is
   * restarted for it; a new generation resumes.
   */
  public Step halt(Instrumentation instrumentation, long generation, RolloutStatus previous, String why) {
    RolloutStatus status = new RolloutStatus();
    if (previous != null) {
      status.setLastFinishedAt(previous.getLastFinishedAt());
      if (previous.getHalted() != null && Long.valueOf(generation).equals(previous.getHaltedGeneration())) {
        status.setHalted(previous.getHalted());
        status.setHaltedGeneration(generation);
        return new Step(status, null);
      }
    }
    status.setHalted(why + ": the rollout stopped; it resumes when the spec changes");
    status.setHaltedGeneration(generation);
    LOG.warn("rollout of {}@{} halted: {}", Fleet.key(instrumentation), generation, status.getHalted());
    events.record(instrumentation, "Warning", "RolloutHalted", "Rollout", status.getHalted());
    return new Step(status, null);
  }

  /**
   * Restarts {@code workload} for {@code reason} unless it is gone, paused, updated only on delete or
   * restarted for it already (its pods are reported) or the API server refuses (tried again later).
   *
   * @return whether it restarts now
   */
  private boolean restart(Fleet.Workload workload, String key, String reason, Instant now) {
    try {
      HasMetadata live = workloads.get(workload.kind(), workload.namespace(), workload.name());
      String notRestartable = live == null ? "it is gone" : Workloads.whyNotRestartable(live);
      if (notRestartable != null || reason.equals(Workloads.restartedFor(live))) {
        restartedFor.put(key + " " + workload, reason);
        if (notRestartable != null && live != null) {
          events.record(Workloads.reference(workload), "Normal", "NotRestarted", "Rollout", "not restarted for "
              + reason + ": " + notRestartable);
        }
        return false;
      }
      workloads.restart(workload, reason, now);
      restartedFor.put(key + " " + workload, reason);
    } catch (KubernetesClientException e) {
      // refused (RBAC, an admission policy) or gone: reported, not counted as restarting
      LOG.warn("could not restart {} for {}: {}", workload, reason, e.getMessage());
      events.record(Workloads.reference(workload), "Warning", "RestartFailed", "Rollout", "could not restart it for "
          + reason + ": " + e.getMessage());
      return false;
    }
    LOG.info("restarted {} for {}", workload, reason);
    events.record(Workloads.reference(workload), "Normal", "Restarting", "Rollout", "restarted so that its pods get "
        + reason + " (spec.rollout of the Instrumentation)");
    return true;
  }

  private static ObjectReference reference(WorkloadRef ref) {
    return Workloads.reference(new Fleet.Workload(ref.getKind(), ref.getNamespace(), ref.getName()));
  }
}
