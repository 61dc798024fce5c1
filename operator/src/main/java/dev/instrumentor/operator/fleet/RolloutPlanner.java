package dev.instrumentor.operator.fleet;

import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutPolicy;
import dev.instrumentor.api.v1alpha1.RolloutStatus;
import dev.instrumentor.api.v1alpha1.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure code: the next step of {@code spec.rollout: {policy: Restart}} — which restarted workloads
 * finished, whether one failed (the rollout halts, so a bad agent image cannot take the fleet down),
 * and which to restart now, at most {@code maxConcurrentWorkloads} at once and {@code pauseBetween}
 * after the last one became available. Only Deployments, StatefulSets and DaemonSets are restarted.
 */
public final class RolloutPlanner {

  /** How a restarted workload is doing. */
  public enum Progress { AVAILABLE, PROGRESSING, FAILED, GONE }

  /** A workload's progress and, when failed, why. */
  public record Observed(Progress progress, String why) {
  }

  /**
   * The step to take.
   *
   * @param status     the rollout status to write
   * @param finished   restarted workloads that became available (or are gone)
   * @param failed     the restarted workload that did not become available, or null
   * @param restart    workloads to restart now
   * @param recheckIn  when to look again (null: nothing in flight)
   */
  public record Step(RolloutStatus status, List<WorkloadRef> finished, WorkloadRef failed,
      List<Fleet.Workload> restart, Duration recheckIn) {
  }

  /** While a restart is in flight, how often its workload is looked at. */
  static final Duration POLL = Duration.ofSeconds(5);
  private static final Pattern DURATION = Pattern.compile("([0-9]+)([smh])");

  private RolloutPlanner() {
  }

  /** Whether the spec asks for restarts. */
  public static boolean restarts(Rollout rollout) {
    return rollout != null && rollout.getPolicy() == RolloutPolicy.RESTART;
  }

  /**
   * @param candidates  restartable workloads with stale or missed pods, not yet restarted for this generation
   * @param observe     the progress of a restarted workload
   */
  public static Step plan(Rollout rollout, RolloutStatus previous, long generation, List<Fleet.Workload> candidates,
      Function<WorkloadRef, Observed> observe, Instant now) {
    RolloutStatus status = copy(previous);
    if (status.getHalted() != null && status.getHaltedGeneration() != null && status.getHaltedGeneration() == generation) {
      return new Step(status, List.of(), null, List.of(), null); // halted until the spec changes
    }
    status.setHalted(null);
    status.setHaltedGeneration(null);
    List<WorkloadRef> restarting = new ArrayList<>();
    List<WorkloadRef> finished = new ArrayList<>();
    for (WorkloadRef ref : status.getRestarting() == null ? List.<WorkloadRef>of() : status.getRestarting()) {
      Observed observed = observe.apply(ref);
      switch (observed.progress()) {
        case AVAILABLE, GONE -> finished.add(ref);
        case FAILED -> {
          status.setRestarting(null);
          status.setHalted(ref.getKind() + " " + ref.getNamespace() + "/" + ref.getName() + " did not become available"
              + " after its restart (" + observed.why() + "): the rollout stopped; it resumes when the spec changes");
          status.setHaltedGeneration(generation);
          return new Step(status, finished, ref, List.of(), null);
        }
        default -> restarting.add(ref);
      }
    }
    if (!finished.isEmpty()) {
      status.setLastFinishedAt(now.toString());
    }
    List<Fleet.Workload> restart = new ArrayList<>();
    Duration recheck = restarting.isEmpty() ? null : POLL;
    Set<String> inFlight = new HashSet<>();
    restarting.forEach(ref -> inFlight.add(ref.getKind() + "/" + ref.getNamespace() + "/" + ref.getName()));
    List<Fleet.Workload> waiting = candidates.stream().filter(Fleet.Workload::restartable)
        .filter(w -> !inFlight.contains(w.kind() + "/" + w.namespace() + "/" + w.name())).sorted().toList();
    int room = Math.max(1, rollout.getMaxConcurrentWorkloads() == null ? 1 : rollout.getMaxConcurrentWorkloads())
        - restarting.size();
    if (!waiting.isEmpty() && room > 0) {
      Instant allowed = status.getLastFinishedAt() == null ? Instant.MIN
          : Instant.parse(status.getLastFinishedAt()).plus(pause(rollout.getPauseBetween()));
      if (!now.isBefore(allowed)) {
        for (Fleet.Workload workload : waiting.subList(0, Math.min(room, waiting.size()))) {
          restart.add(workload);
          WorkloadRef ref = new WorkloadRef();
          ref.setKind(workload.kind());
          ref.setNamespace(workload.namespace());
          ref.setName(workload.name());
          ref.setRestartedAt(now.toString());
          restarting.add(ref);
        }
        recheck = POLL;
      } else {
        Duration wait = Duration.between(now, allowed);
        recheck = recheck == null || wait.compareTo(recheck) < 0 ? wait : recheck;
      }
    }
    status.setRestarting(restarting.isEmpty() ? null : restarting);
    return new Step(status, finished, null, restart, recheck);
  }

  /** {@code 30s}, {@code 5m}, {@code 1h30m}; 30 s when absent. */
  static Duration pause(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ofSeconds(30);
    }
    Duration total = Duration.ZERO;
    Matcher matcher = DURATION.matcher(text);
    while (matcher.find()) {
      long amount = Long.parseLong(matcher.group(1));
      total = total.plus(switch (matcher.group(2)) {
        case "h" -> Duration.ofHours(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofSeconds(amount);
      });
    }
    return total;
  }

  private static RolloutStatus copy(RolloutStatus previous) {
    RolloutStatus copy = new RolloutStatus();
    if (previous != null) {
      copy.setRestarting(previous.getRestarting() == null ? null : new ArrayList<>(previous.getRestarting()));
      copy.setLastFinishedAt(previous.getLastFinishedAt());
      copy.setHalted(previous.getHalted());
      copy.setHaltedGeneration(previous.getHaltedGeneration());
    }
    return copy;
  }
}
