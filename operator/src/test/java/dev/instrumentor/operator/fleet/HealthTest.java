package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Rollback;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What the kubelet's pod status says of an injected pod, kept small in the cache, and the rollback verdicts. */
class HealthTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Fleet.Workload CART = new Fleet.Workload("Deployment", "shop", "cart");

  private static ContainerStatus crashLooping(String name, int restarts, String lastReason) {
    return new ContainerStatusBuilder().withName(name).withRestartCount(restarts).withReady(false)
        .withImage("shop/app:1").withImageID("sha256:abc").withContainerID("containerd://1")
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").withMessage("back-off 40s").endWaiting().endState()
        .withNewLastState().withNewTerminated().withExitCode(1).withReason(lastReason).withStartedAt("x").endTerminated()
        .endLastState().build();
  }

  private static ContainerStatus agentInit(String image, String waiting, Integer exit) {
    ContainerStatusBuilder init = new ContainerStatusBuilder().withName("instrumentor-java-agent").withImage(image)
        .withRestartCount(0).withReady(exit != null && exit == 0);
    if (waiting != null) {
      init.withNewState().withNewWaiting().withReason(waiting).endWaiting().endState();
    } else {
      init.withNewState().withNewTerminated().withExitCode(exit).withReason(exit == 0 ? "Completed" : "Error").endTerminated()
          .endState();
    }
    return init.build();
  }

  private static Pod pod(String name, String phase, String started, boolean ready, List<ContainerStatus> containers,
      List<ContainerStatus> inits) {
    PodStatus status = new PodStatus();
    status.setPhase(phase);
    status.setStartTime(started);
    status.setHostIP("10.0.0.1");
    status.setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready")
        .withStatus(ready ? "True" : "False").withReason(ready ? null : "ContainersNotReady").build()));
    status.setContainerStatuses(containers);
    status.setInitContainerStatuses(inits);
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("shop").withName(name).endMetadata().build();
    pod.setStatus(Health.digest(status));
    return pod;
  }

  private static Pod healthy(String name) {
    return pod(name, "Running", "2026-12-03T09:00:00Z", true, List.of(new ContainerStatusBuilder().withName("app")
        .withRestartCount(0).withReady(true).withNewState().withNewRunning().withStartedAt("x").endRunning().endState()
        .build()), List.of(agentInit("agent:1", null, 0)));
  }

  private static Rollback rollback(boolean enabled) {
    Rollback rollback = new Rollback();
    rollback.setEnabled(enabled);
    rollback.setGraceTime("1m");
    rollback.setStabilityWindow("30m");
    return rollback;
  }

  private static Map<Fleet.Workload, Map<Pod, Health.Injected>> troubled(Pod... pods) {
    Map<Pod, Health.Injected> byPod = new java.util.LinkedHashMap<>();
    for (Pod pod : pods) {
      byPod.put(pod, new Health.Injected(Set.of("java"), true, Set.of("app")));
    }
    Map<Fleet.Workload, Map<Pod, Health.Injected>> result = new TreeMap<>();
    result.put(CART, byPod);
    return result;
  }

  /** The workload's other pods: {@code withoutAgent}, and {@code withAgent} injected by the current generation. */
  private static Health.Peers peers(List<Pod> withoutAgent, List<Pod> withAgent) {
    return new Health.Peers() {
      @Override
      public List<Pod> withoutAgent(Fleet.Workload workload) {
        return withoutAgent;
      }

      @Override
      public List<Pod> withAgent(Fleet.Workload workload) {
        return withAgent;
      }
    };
  }

  private static Health.Peers without(Pod... pods) {
    return peers(List.of(pods), List.of());
  }

  @Test
  void aHealthyPodKeepsItsPhaseOnlyAndATroubledOneATrimmedDigest() {
    Pod fine = healthy("fine");
    assertThat(fine.getStatus().getPhase()).isEqualTo("Running");
    assertThat(fine.getStatus().getConditions()).isNull();
    assertThat(fine.getStatus().getContainerStatuses()).isNull();
    assertThat(fine.getStatus().getStartTime()).isNull();
    assertThat(Fleet.inTrouble(fine)).isFalse();
    assertThat(Health.ready(fine)).isTrue();

    Pod crashing = pod("cart-1", "Running", "2026-12-03T09:58:00Z", false,
        List.of(crashLooping("app", 3, "Error")), List.of(agentInit("agent:broken", null, 0)));
    assertThat(Fleet.inTrouble(crashing)).isTrue();
    assertThat(Health.ready(crashing)).isFalse();
    ContainerStatus app = crashing.getStatus().getContainerStatuses().get(0);
    assertThat(app.getImage()).as("only the agent's image is kept").isNull();
    assertThat(app.getContainerID()).isNull();
    assertThat(app.getState().getWaiting().getMessage()).isNull();
    assertThat(crashing.getStatus().getHostIP()).isNull();
    assertThat(crashing.getStatus().getInitContainerStatuses().get(0).getImage()).isEqualTo("agent:broken");
    assertThat(Health.failure(crashing)).isEqualTo(new Health.Failure("CrashLoopBackOff",
        "pod cart-1, container app: exit code 1 (Error)"));
    assertThat(Health.agents(crashing)).containsExactly("java=agent:broken");
  }

  @Test
  void aWebServersModuleTheKubeletRefusesToStartIsTheAgentsFailureAndItsCloneIsNoAgent() {
    ContainerStatus clone = new ContainerStatusBuilder().withName("instrumentor-apache-httpd-conf").withImage("httpd:2.4")
        .withRestartCount(0).withNewState().withNewTerminated().withExitCode(0).endTerminated().endState().build();
    ContainerStatus module = new ContainerStatusBuilder().withName("instrumentor-apache-httpd-agent")
        .withImage("module:1").withRestartCount(0).withNewState().withNewWaiting()
        .withReason("CreateContainerConfigError").endWaiting().endState().build();
    Pod pending = pod("web-1", "Pending", "2026-12-03T09:50:00Z", false, List.of(), List.of(clone, module));
    assertThat(Health.failure(pending)).isEqualTo(new Health.Failure("AgentInitFailed", "pod web-1: the agent's init"
        + " container instrumentor-apache-httpd-agent waits in CreateContainerConfigError (module:1)"));
    assertThat(Health.agents(pending)).containsExactly("apache-httpd=module:1");
  }

  @Test
  void eachSignalIsNamed() {
    Pod oom = pod("oom", "Running", "2026-12-03T09:50:00Z", false, List.of(new ContainerStatusBuilder().withName("app")
        .withRestartCount(2).withReady(false).withNewState().withNewRunning().endRunning().endState().withNewLastState()
        .withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endLastState().build()), null);
    assertThat(Health.failure(oom).reason()).isEqualTo("OOMKilled");
    Pod pull = pod("pull", "Pending", "2026-12-03T09:50:00Z", false, null,
        List.of(agentInit("agent:missing", "ImagePullBackOff", null)));
    assertThat(Health.failure(pull)).isEqualTo(new Health.Failure("AgentInitFailed",
        "pod pull: the agent's init container instrumentor-java-agent waits in ImagePullBackOff (agent:missing)"));
    Pod exited = pod("exited", "Pending", "2026-12-03T09:50:00Z", false, null, List.of(agentInit("agent:1", null, 2)));
    assertThat(Health.failure(exited).message()).contains("exited 2");
    Pod starting = pod("starting", "Pending", "2026-12-03T09:59:50Z", false, List.of(new ContainerStatusBuilder()
        .withName("app").withRestartCount(0).withNewState().withNewWaiting().withReason("PodInitializing").endWaiting()
        .endState().build()), null);
    assertThat(Health.failure(starting)).as("starting is not failing").isNull();
  }

  @Test
  void aCrashLoopIsRolledBackAfterTheGraceTimeWithinTheWindowUnlessThePodsWithoutTheAgentFailToo() {
    Pod young = pod("cart-young", "Running", "2026-12-03T09:59:30Z", false, List.of(crashLooping("app", 2, "Error")),
        List.of(agentInit("agent:broken", null, 0)));
    Health.Judgement waiting = Health.judge(troubled(young), without(healthy("cart-old")), rollback(true), NOW);
    assertThat(waiting.verdicts()).singleElement().satisfies(v -> {
      assertThat(v.rollBack()).isFalse();
      assertThat(v.why()).contains("graceTime");
    });
    assertThat(waiting.recheckIn()).isEqualTo(Duration.ofSeconds(30));

    Pod old = pod("cart-1", "Running", "2026-12-03T09:58:00Z", false, List.of(crashLooping("app", 4, "Error")),
        List.of(agentInit("agent:broken", null, 0)));
    Health.Judgement due = Health.judge(troubled(young, old), without(healthy("cart-old")), rollback(true), NOW);
    assertThat(due.verdicts()).singleElement().satisfies(v -> {
      assertThat(v.rollBack()).isTrue();
      assertThat(v.failing()).isEqualTo(2);
      assertThat(v.failure().message()).contains("cart-1");
      assertThat(v.agents()).containsExactly("java=agent:broken");
      assertThat(v.languages()).containsExactly("java");
    });

    Pod baselineCrashing = pod("cart-plain", "Running", "2026-12-03T09:00:00Z", false,
        List.of(crashLooping("app", 9, "Error")), null);
    assertThat(Health.judge(troubled(old), without(baselineCrashing), rollback(true), NOW).verdicts())
        .singleElement().satisfies(v -> {
          assertThat(v.rollBack()).isFalse();
          assertThat(v.why()).startsWith("its pods without the agent fail too");
        });
    assertThat(Health.judge(troubled(old), without(), rollback(false), NOW).verdicts())
        .singleElement().satisfies(v -> assertThat(v.why()).isEqualTo("spec.rollback is not enabled"));
    assertThat(Health.judge(troubled(old), without(), null, NOW).verdicts()).singleElement()
        .satisfies(v -> assertThat(v.rollBack()).isFalse());

    Pod stable = pod("cart-2", "Running", "2026-12-03T08:00:00Z", false, List.of(crashLooping("app", 40, "Error")),
        List.of(agentInit("agent:1", null, 0)));
    assertThat(Health.judge(troubled(stable), without(), rollback(true), NOW).verdicts()).singleElement()
        .satisfies(v -> {
          assertThat(v.rollBack()).as("after the stability window").isFalse();
          assertThat(v.why()).contains("stabilityWindow");
        });
    Fleet.Workload job = new Fleet.Workload("Job", "shop", "migrate");
    assertThat(Health.judge(Map.of(job, Map.of(old, new Health.Injected(Set.of("java"), true, Set.of("app")))), without(), rollback(true), NOW).verdicts())
        .singleElement().satisfies(v -> assertThat(v.why()).contains("only Deployments"));
  }

  @Test
  void notReadyCountsOnlyPastTheGraceTimeAndWhenAPodWithoutTheAgentIsReady() {
    ContainerStatus running = new ContainerStatusBuilder().withName("app").withRestartCount(0).withReady(false)
        .withNewState().withNewRunning().endRunning().endState().build();
    Pod slow = pod("cart-1", "Running", "2026-12-03T09:55:00Z", false, List.of(running), null);
    assertThat(Health.judge(troubled(slow), without(), rollback(true), NOW).verdicts())
        .as("no baseline: a slow app is not judged").isEmpty();
    assertThat(Health.judge(troubled(slow), without(healthy("cart-plain")), rollback(true), NOW).verdicts())
        .singleElement().satisfies(v -> {
          assertThat(v.failure().reason()).isEqualTo("NotReady");
          assertThat(v.rollBack()).isTrue();
        });
    Pod fresh = pod("cart-2", "Running", "2026-12-03T09:59:45Z", false, List.of(running), null);
    Health.Judgement judgement = Health.judge(troubled(fresh), without(healthy("cart-plain")), rollback(true), NOW);
    assertThat(judgement.verdicts()).isEmpty();
    assertThat(judgement.recheckIn()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void onlyTheAppsContainersAndOurInitContainerCountAndARecoveredOneDoesNot() {
    Pod userInit = pod("cart-1", "Pending", "2026-12-03T09:50:00Z", false, null,
        List.of(agentInit("agent:1", null, 0), crashLooping("wait-for-db", 5, "Error")));
    assertThat(Health.failure(userInit)).as("the user's own init container").isNull();
    Pod recovered = pod("cart-2", "Running", "2026-12-03T09:50:00Z", true, List.of(new ContainerStatusBuilder()
        .withName("app").withRestartCount(1).withReady(true).withNewState().withNewRunning().endRunning().endState()
        .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endLastState()
        .build()), null);
    assertThat(Health.failure(recovered)).as("OOMKilled once, Ready again").isNull();
    Pod betweenBackOffs = pod("cart-3", "Running", "2026-12-03T09:50:00Z", false, List.of(new ContainerStatusBuilder()
        .withName("app").withRestartCount(3).withReady(false).withNewState().withNewRunning().endRunning().endState()
        .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated().endLastState().build()),
        null);
    assertThat(Health.failure(betweenBackOffs).reason()).as("running again between two back-offs")
        .isEqualTo("CrashLoopBackOff");
    Pod restartedOnce = pod("cart-4", "Running", "2026-12-03T09:50:00Z", false, List.of(new ContainerStatusBuilder()
        .withName("app").withRestartCount(1).withReady(false).withNewState().withNewRunning().endRunning().endState()
        .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endLastState()
        .build()), null);
    assertThat(Health.failure(restartedOnce)).as("killed once, starting again (its readiness probe not passed yet)")
        .isNull();
    Pod sidecarCrashing = pod("cart-5", "Running", "2026-12-03T09:50:00Z", false, List.of(new ContainerStatusBuilder()
        .withName("app").withRestartCount(0).withReady(true).withNewState().withNewRunning().endRunning().endState()
        .build(), crashLooping("proxy", 4, "Error")), List.of(agentInit("agent:1", null, 0)));
    assertThat(Health.failure(sidecarCrashing, Set.of("app"))).as("a sidecar that did not get the agent").isNull();
    assertThat(Health.failure(sidecarCrashing, null)).as("any container, as for pods without the agent").isNotNull();
  }

  @Test
  void olderGenerationsAndAnotherTemplateRunningReadyWithTheSameAgentAreNotRolledBack() {
    Pod old = pod("cart-1", "Running", "2026-12-03T09:58:00Z", false, List.of(crashLooping("app", 4, "Error")),
        List.of(agentInit("agent:1", null, 0)));
    Map<Fleet.Workload, Map<Pod, Health.Injected>> stale = Map.of(CART, Map.of(old,
        new Health.Injected(Set.of("java"), false, Set.of("app"))));
    assertThat(Health.judge(stale, without(), rollback(true), NOW).verdicts()).singleElement().satisfies(v -> {
      assertThat(v.rollBack()).isFalse();
      assertThat(v.why()).contains("older generation");
    });

    old.getMetadata().setLabels(Map.of("pod-template-hash", "new"));
    Pod previousTemplate = healthy("cart-0");
    previousTemplate.getMetadata().setLabels(Map.of("pod-template-hash", "old"));
    assertThat(Health.judge(troubled(old), peers(List.of(), List.of(previousTemplate)), rollback(true), NOW).verdicts())
        .singleElement().satisfies(v -> {
          assertThat(v.rollBack()).as("a new app release crashes, not the agent").isFalse();
          assertThat(v.why()).contains("another template");
        });
    Pod sameTemplate = healthy("cart-9");
    sameTemplate.getMetadata().setLabels(Map.of("pod-template-hash", "new"));
    assertThat(Health.judge(troubled(old), peers(List.of(), List.of(sameTemplate)), rollback(true), NOW).verdicts())
        .singleElement().satisfies(v -> assertThat(v.rollBack()).isTrue());
  }
}
