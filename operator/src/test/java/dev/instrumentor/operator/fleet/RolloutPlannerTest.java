package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutPolicy;
import dev.instrumentor.api.v1alpha1.RolloutStatus;
import dev.instrumentor.api.v1alpha1.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutPlannerTest {

  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  private final Map<String, RolloutPlanner.Observed> progress = new HashMap<>();

  private static Rollout rollout(int concurrent, String pause) {
    Rollout rollout = new Rollout();
    rollout.setPolicy(RolloutPolicy.RESTART);
    rollout.setMaxConcurrentWorkloads(concurrent);
    rollout.setPauseBetween(pause);
    return rollout;
  }

  private static Fleet.Workload deployment(String name) {
    return new Fleet.Workload("Deployment", "shop", name);
  }

  private RolloutPlanner.Step plan(Rollout rollout, RolloutStatus status, List<Fleet.Workload> candidates, Instant now) {
    return RolloutPlanner.plan(rollout, status, 4, candidates, ref -> progress.getOrDefault(ref.getName(),
        new RolloutPlanner.Observed(RolloutPlanner.Progress.PROGRESSING, null)), now);
  }

  @Test
  void restartsOneAtATimeWaitsForAvailabilityThenPauses() {
    Rollout rollout = rollout(1, "30s");
    List<Fleet.Workload> candidates = List.of(deployment("cart"), deployment("checkout"),
        new Fleet.Workload("Pod", "shop", "bare"), new Fleet.Workload("Job", "shop", "nightly"));
    RolloutPlanner.Step first = plan(rollout, null, candidates, T0);
    assertThat(first.restart()).containsExactly(deployment("cart"));
    assertThat(first.status().getRestarting()).extracting(WorkloadRef::getName).containsExactly("cart");

    // cart still rolling: nothing more
    RolloutPlanner.Step waiting = plan(rollout, first.status(), candidates.subList(1, 2), T0.plusSeconds(5));
    assertThat(waiting.restart()).isEmpty();
    assertThat(waiting.recheckIn()).isEqualTo(Duration.ofSeconds(5));

    // cart available: finished; checkout waits the pause
    progress.put("cart", new RolloutPlanner.Observed(RolloutPlanner.Progress.AVAILABLE, null));
    RolloutPlanner.Step done = plan(rollout, waiting.status(), candidates.subList(1, 2), T0.plusSeconds(10));
    assertThat(done.finished()).extracting(WorkloadRef::getName).containsExactly("cart");
    assertThat(done.restart()).isEmpty();
    assertThat(done.recheckIn()).isEqualTo(Duration.ofSeconds(30));
    assertThat(done.status().getRestarting()).isNull();

    RolloutPlanner.Step next = plan(rollout, done.status(), candidates.subList(1, 2), T0.plusSeconds(40));
    assertThat(next.restart()).containsExactly(deployment("checkout"));
  }

  @Test
  void aWorkloadThatDoesNotBecomeAvailableHaltsTheRolloutUntilTheSpecChanges() {
    Rollout rollout = rollout(2, "0s");
    RolloutPlanner.Step first = plan(rollout, null, List.of(deployment("a"), deployment("b"), deployment("c")), T0);
    assertThat(first.restart()).containsExactly(deployment("a"), deployment("b"));
    progress.put("b", new RolloutPlanner.Observed(RolloutPlanner.Progress.FAILED, "its progress deadline was exceeded"));
    RolloutPlanner.Step failed = plan(rollout, first.status(), List.of(deployment("c")), T0.plusSeconds(5));
    assertThat(failed.failed().getName()).isEqualTo("b");
    assertThat(failed.restart()).isEmpty();
    assertThat(failed.status().getHalted()).contains("Deployment shop/b did not become available", "deadline");
    // same generation: stays halted, restarts nothing
    RolloutPlanner.Step still = plan(rollout, failed.status(), List.of(deployment("c")), T0.plusSeconds(60));
    assertThat(still.restart()).isEmpty();
    assertThat(still.recheckIn()).isNull();
    // a new generation (the spec was fixed): resumes
    RolloutPlanner.Step resumed = RolloutPlanner.plan(rollout, failed.status(), 5, List.of(deployment("c")),
        ref -> new RolloutPlanner.Observed(RolloutPlanner.Progress.PROGRESSING, null), T0.plusSeconds(70));
    assertThat(resumed.restart()).containsExactly(deployment("c"));
    assertThat(resumed.status().getHalted()).isNull();
  }

  @Test
  void pauses() {
    assertThat(RolloutPlanner.pause("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(RolloutPlanner.pause(null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RolloutPlanner.restarts(null)).isFalse();
  }
}
