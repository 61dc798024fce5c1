package dev.instrumentor.operator.fleet;

import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.Rollback;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure code: what the kubelet says of the pods an Instrumentation injected, and whether their workload is
 * to be rolled back. The pod cache keeps a health digest only for pods in trouble ({@link #digest}): a
 * healthy pod costs nothing more. A pod fails when an app container crash-loops (waiting in CrashLoopBackOff,
 * or not Ready again after a failed exit; OOMKilled when that exit was), or the agent's init container fails
 * (its image not pulled, a non-zero exit); or when it is not Ready past the grace time while the workload's
 * pods without the agent are. The user's own init containers and sidecars are not the agent's.
 */
public final class Health {

  /** Why injected pods fail, as records, status and Events name it. */
  public static final String CRASH_LOOP = "CrashLoopBackOff";
  public static final String OOM_KILLED = "OOMKilled";
  public static final String AGENT_INIT_FAILED = "AgentInitFailed";
  public static final String NOT_READY = "NotReady";
  /** Our init containers: {@code instrumentor-<language>-agent}, with a variant's suffix. */
  private static final String AGENT_INIT_PREFIX = "instrumentor-";
  /**
   * What keeps our init container from ever running: its image cannot be pulled, or the kubelet refuses its
   * configuration (e.g. runAsNonRoot over an image that runs as root).
   */
  private static final Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
      "CreateContainerConfigError", "CreateContainerError");
  private static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);
  private static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

  private Health() {
  }

  /** Why one pod fails, in a line. */
  public record Failure(String reason, String message) {
  }

  /**
   * One workload's injected pods that fail, judged.
   *
   * @param languages   the languages its failing pods got from the Instrumentation
   * @param agents      the agent images they ran ({@code language=image}), where the pod says
   * @param failing     how many of its injected pods fail
   * @param failure     the failure shown (of a pod within the stability window when there is one)
   * @param rollBack    whether to roll it back now
   * @param why         when it is not rolled back though failing, why (within the grace time, after the stability
   *                    window, its pods without the agent fail too, rollback off, not restartable), else null
   */
  public record Verdict(Fleet.Workload workload, Set<String> languages, List<String> agents, int failing,
      Failure failure, boolean rollBack, String why) {
  }

  /**
   * The status the pod cache keeps: the phase, and for a pod in trouble only (a container restarted, waiting or
   * terminated with an error, or Ready not True) its start time, Ready condition and containers' states, trimmed.
   */
  public static PodStatus digest(PodStatus full) {
    if (full == null || full.getPhase() == null) {
      return null;
    }
    PodStatus slim = phaseOnly(full.getPhase());
    PodCondition ready = full.getConditions() == null ? null : full.getConditions().stream()
        .filter(condition -> "Ready".equals(condition.getType())).findFirst().orElse(null);
    boolean troubled = ready != null && !"True".equals(ready.getStatus());
    troubled |= troubled(full.getContainerStatuses()) || troubled(full.getInitContainerStatuses());
    if (troubled) {
      slim.setStartTime(full.getStartTime());
      if (ready != null) {
        PodCondition condition = new PodCondition();
        condition.setType("Ready");
        condition.setStatus(ready.getStatus());
        slim.setConditions(List.of(condition));
      }
      slim.setContainerStatuses(trimmed(full.getContainerStatuses()));  // null when none
      slim.setInitContainerStatuses(trimmed(full.getInitContainerStatuses()));
    }
    return slim;
  }

  /** The digest of a pod not in trouble: its phase alone (null for none). */
  static PodStatus phaseOnly(String phase) {
    if (phase == null) {
      return null;
    }
    PodStatus slim = new PodStatus();
    slim.setPhase(phase);
    // the model starts every list empty: null costs nothing in the cache, and a healthy pod keeps none
    slim.setConditions(null);
    slim.setContainerStatuses(null);
    slim.setInitContainerStatuses(null);
    slim.setEphemeralContainerStatuses(null);
    slim.setHostIPs(null);
    slim.setPodIPs(null);
    slim.setResourceClaimStatuses(null);
    return slim;
  }

  private static boolean troubled(List<ContainerStatus> statuses) {
    if (statuses == null) {
      return false;
    }
    for (ContainerStatus status : statuses) {
      ContainerState state = status.getState();
      if (status.getRestartCount() != null && status.getRestartCount() > 0 || state != null
          && (state.getWaiting() != null && !"PodInitializing".equals(state.getWaiting().getReason())
          && !"ContainerCreating".equals(state.getWaiting().getReason())
          || state.getTerminated() != null && state.getTerminated().getExitCode() != null
          && state.getTerminated().getExitCode() != 0)) {
        return true;
      }
    }
    return false;
  }

  private static List<ContainerStatus> trimmed(List<ContainerStatus> statuses) {
    if (statuses == null || statuses.isEmpty()) {
      return null;
    }
    List<ContainerStatus> result = new ArrayList<>(statuses.size());
    for (ContainerStatus status : statuses) {
      ContainerStatus slim = new ContainerStatus();
      slim.setName(status.getName());
      slim.setRestartCount(status.getRestartCount());
      slim.setReady(status.getReady());
      slim.setVolumeMounts(null);
      slim.setAllocatedResourcesStatus(null);
      if (status.getName() != null && status.getName().startsWith(AGENT_INIT_PREFIX)) {
        slim.setImage(status.getImage());
      }
      slim.setState(trimmed(status.getState()));
      slim.setLastState(trimmed(status.getLastState()));
      result.add(slim);
    }
    return result;
  }

  private static ContainerState trimmed(ContainerState state) {
    if (state == null || state.getWaiting() == null && state.getTerminated() == null) {
      return state == null || state.getRunning() == null ? null : new ContainerState(null, null, null);
    }
    ContainerState slim = new ContainerState();
    if (state.getWaiting() != null) {
      slim.setWaiting(new ContainerStateWaiting(null, state.getWaiting().getReason()));
    }
    if (state.getTerminated() != null) {
      ContainerStateTerminated terminated = new ContainerStateTerminated();
      terminated.setExitCode(state.getTerminated().getExitCode());
      terminated.setReason(state.getTerminated().getReason());
      slim.setTerminated(terminated);
    }
    return slim;
  }

  /** Why the pod fails by a container's state (not readiness), any of its app containers judged, or null. */
  public static Failure failure(Pod pod) {
    return failure(pod, null);
  }

  /**
   * Why the pod fails by a container's state (not readiness), or null.
   *
   * @param targets the app containers to judge (those that got the agent: a crashing sidecar is not the agent's
   *                doing), or null for all
   */
  public static Failure failure(Pod pod, Set<String> targets) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return null;
    }
    for (ContainerStatus init : nonNull(status.getInitContainerStatuses())) {
      if (init.getName() == null || !init.getName().startsWith(AGENT_INIT_PREFIX)) {
        continue;
      }
      String waiting = waitingReason(init.getState());
      ContainerStateTerminated terminated = init.getState() == null ? null : init.getState().getTerminated();
      if (waiting != null && (PULL_FAILURES.contains(waiting) || CRASH_LOOP.equals(waiting))
          || terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
        return new Failure(AGENT_INIT_FAILED, "pod " + pod.getMetadata().getName() + ": the agent's init container "
            + init.getName() + (waiting != null ? " waits in " + waiting : " exited " + terminated.getExitCode())
            + (init.getImage() == null ? "" : " (" + init.getImage() + ")"));
      }
    }
    // the app's containers (the agent runs in them), not the user's own init containers or sidecars
    for (ContainerStatus container : nonNull(status.getContainerStatuses())) {
      if (targets != null && !targets.contains(container.getName())) {
        continue;
      }
      ContainerStateTerminated last = container.getLastState() == null ? null : container.getLastState().getTerminated();
      boolean crashLooping = CRASH_LOOP.equals(waitingReason(container.getState()));
      // between two back-offs the kubelet runs it again: still crash-looping while it is not Ready after failing
      // twice (one failure, then a slow start, is a restart, not a loop)
      boolean restarting = !Boolean.TRUE.equals(container.getReady()) && last != null && last.getExitCode() != null
          && last.getExitCode() != 0 && container.getRestartCount() != null && container.getRestartCount() > 1;
      if (!crashLooping && !restarting) {
        continue; // an OOM kill or crash long recovered from (Ready again) is not a failure
      }
      return new Failure(last != null && OOM_KILLED.equals(last.getReason()) ? OOM_KILLED : CRASH_LOOP,
          describe(pod, container, last));
    }
    return null;
  }

  private static String describe(Pod pod, ContainerStatus container, ContainerStateTerminated last) {
    return "pod " + pod.getMetadata().getName() + ", container " + container.getName()
        + (last == null ? "" : ": exit code " + last.getExitCode() + (last.getReason() == null ? "" : " (" + last.getReason() + ")"));
  }

  private static String waitingReason(ContainerState state) {
    return state == null || state.getWaiting() == null ? null : state.getWaiting().getReason();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Ready as the kubelet says; a running pod the cache keeps no digest for is Ready (healthy pods keep none). */
  public static boolean ready(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null || !"Running".equals(status.getPhase())) {
      return false;
    }
    if (status.getConditions() == null || status.getConditions().isEmpty()) {
      return status.getContainerStatuses() == null || status.getContainerStatuses().isEmpty();
    }
    return status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * The agent images the pod ran, as {@code language=image}: those of the init containers named
   * {@code instrumentor-<language>-agent} (a web server's configuration clone runs the application's image, not an
   * agent's) and of Go's sidecar, {@code instrumentor-go-agent}.
   */
  static List<String> agents(Pod pod) {
    List<String> agents = new ArrayList<>(1);
    if (pod.getStatus() == null) {
      return agents;
    }
    List<ContainerStatus> all = new ArrayList<>(nonNull(pod.getStatus().getInitContainerStatuses()));
    all.addAll(nonNull(pod.getStatus().getContainerStatuses()));
    for (ContainerStatus status : all) {
      for (Language language : Language.withAgents()) {
        if ((AGENT_INIT_PREFIX + language.key() + "-agent").equals(status.getName()) && status.getImage() != null) {
          agents.add(language.key() + "=" + status.getImage());
        }
      }
    }
    return agents;
  }

  private static Instant started(Pod pod) {
    String at = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The verdicts on the workloads with failing injected pods, and when to judge again as time alone passes. */
  public record Judgement(List<Verdict> verdicts, Duration recheckIn) {
  }

  /**
   * What an injected pod got: the languages, whether from the Instrumentation's current generation, and the
   * containers that got the agent (the only ones judged).
   */
  public record Injected(Set<String> languages, boolean current, Set<String> containers) {
  }

  /** Where the judge looks beside the troubled pods: a workload's other live pods. */
  public interface Peers {

    /** Its pods not injected by this Instrumentation (the baseline). */
    List<Pod> withoutAgent(Fleet.Workload workload);

    /** Its pods injected by this Instrumentation's current generation. */
    List<Pod> withAgent(Fleet.Workload workload);
  }

  /** The rollback settings, defaults applied. */
  private record Settings(boolean enabled, Duration grace, Duration window) {

    static Settings of(Rollback rollback) {
      return new Settings(rollback != null && Boolean.TRUE.equals(rollback.getEnabled()),
          rollback == null || rollback.getGraceTime() == null ? DEFAULT_GRACE : RolloutPlanner.pause(rollback.getGraceTime()),
          rollback == null || rollback.getStabilityWindow() == null ? DEFAULT_WINDOW
              : RolloutPlanner.pause(rollback.getStabilityWindow()));
    }
  }

  /**
   * Judges each workload with injected pods in trouble. A workload is rolled back when one of its pods injected by
   * the current generation fails and started at least the grace time and less than the stability window ago,
   * rollback is on, it can be restarted, none of its pods without the agent fails (then the agent is not the cause),
   * and, for a Deployment, no pod of another template runs Ready with the same agent (then the template's change is).
   *
   * @param troubled per workload, its injected pods (current or older generation) the cache keeps a digest for
   * @param rollback the Instrumentation's spec.rollback, or null (report only)
   */
  public static Judgement judge(Map<Fleet.Workload, Map<Pod, Injected>> troubled, Peers peers, Rollback rollback,
      Instant now) {
    Settings settings = Settings.of(rollback);
    List<Verdict> verdicts = new ArrayList<>();
    Duration[] recheck = {null};
    troubled.forEach((workload, pods) -> {
      Verdict verdict = judge(workload, pods, peers, settings, now, recheck);
      if (verdict != null) {
        verdicts.add(verdict);
      }
    });
    return new Judgement(verdicts, recheck[0]);
  }

  private static Verdict judge(Fleet.Workload workload, Map<Pod, Injected> pods, Peers peers, Settings settings,
      Instant now, Duration[] recheck) {
    List<Pod> baseline = peers.withoutAgent(workload);
    boolean baselineReady = baseline.stream().anyMatch(Health::ready);
    Failure shown = null;
    Set<String> languages = new TreeSet<>();
    List<String> agents = new ArrayList<>();
    int failing = 0;
    Duration young = null;
    Pod eligible = null;
    List<Pod> sorted = pods.keySet().stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    for (Pod pod : sorted) {
      Instant started = started(pod);
      Duration age = started == null ? Duration.ZERO : Duration.between(started, now);
      Set<String> targets = pods.get(pod).containers();
      Failure failure = failure(pod, targets == null || targets.isEmpty() ? null : targets);
      if (failure == null && baselineReady && !ready(pod) && "Running".equals(pod.getStatus().getPhase())) {
        if (age.compareTo(settings.grace()) < 0) {
          recheck[0] = min(recheck[0], settings.grace().minus(age)); // it may turn NotReady by time alone
          continue;
        }
        failure = new Failure(NOT_READY, "pod " + pod.getMetadata().getName() + " is not Ready " + settings.grace().toSeconds()
            + "s (spec.rollback.graceTime) after its start, while a pod of the workload without the agent is");
      }
      if (failure == null) {
        continue;
      }
      failing++;
      languages.addAll(pods.get(pod).languages());
      agents(pod).stream().filter(agent -> !agents.contains(agent)).forEach(agents::add);
      boolean current = pods.get(pod).current();
      if (current && age.compareTo(settings.grace()) < 0) {
        young = min(young, settings.grace().minus(age));
      }
      boolean inWindow = current && age.compareTo(settings.grace()) >= 0 && age.compareTo(settings.window()) < 0;
      if (shown == null || inWindow && eligible == null) {
        shown = failure;
      }
      eligible = eligible == null && inWindow ? pod : eligible;
    }
    if (failing == 0) {
      return null;
    }
    String why = whyNot(workload, baseline, eligible, young, peers, settings);
    if (why != null && why.startsWith("within")) {
      recheck[0] = min(recheck[0], young);
    }
    agents.sort(Comparator.naturalOrder());
    return new Verdict(workload, languages, agents, failing, shown, why == null, why);
  }

  /** Why a workload with failing injected pods is not rolled back, or null. */
  private static String whyNot(Fleet.Workload workload, List<Pod> baseline, Pod eligible, Duration young, Peers peers,
      Settings settings) {
    Failure baselineFailure = baseline.stream().map(Health::failure).filter(Objects::nonNull).findFirst().orElse(null);
    if (baselineFailure != null) {
      return "its pods without the agent fail too (" + baselineFailure.reason() + ": " + baselineFailure.message() + ")";
    }
    if (!settings.enabled()) {
      return "spec.rollback is not enabled";
    }
    if (!workload.restartable()) {
      return "only Deployments, StatefulSets and DaemonSets are rolled back";
    }
    if (eligible == null && young != null) {
      return "within spec.rollback.graceTime (" + settings.grace().toSeconds() + "s from the pod's start)";
    }
    if (eligible == null) {
      return "its failing pods were injected by an older generation (a restart gives them the current one) or started"
          + " more than spec.rollback.stabilityWindow (" + settings.window().toSeconds() + "s) ago";
    }
    String template = template(eligible);
    if (template != null && peers.withAgent(workload).stream()
        .anyMatch(other -> ready(other) && template(other) != null && !template.equals(template(other)))) {
      return "a pod of another template of the Deployment runs Ready with the same agent and configuration: the agent"
          + " is not the likely cause";
    }
    return null;
  }

  private static String template(Pod pod) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("pod-template-hash");
  }

  private static Duration min(Duration a, Duration b) {
    return a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
  }
}
