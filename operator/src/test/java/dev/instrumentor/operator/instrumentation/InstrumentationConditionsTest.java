package dev.instrumentor.operator.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutStatus;
import dev.instrumentor.api.v1alpha1.WorkloadRef;
import dev.instrumentor.operator.fleet.Rollouts;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each condition of an Instrumentation says, and that a condition that did not change keeps its time. */
class InstrumentationConditionsTest {

  private static final Clock EARLIER = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
  private static final Clock LATER = Clock.fixed(Instant.parse("2026-12-02T11:00:00Z"), ZoneOffset.UTC);

  private static String said(InstrumentationStatus status, String type) {
    Condition condition = InstrumentationConditions.of(status, type);
    return condition.getStatus() + " " + condition.getReason() + ": " + condition.getMessage();
  }

  @Test
  void readyAndSupportedSayTheVerdict() {
    InstrumentationStatus status = new InstrumentationStatus();
    InstrumentationConditions conditions = new InstrumentationConditions(status, null, 3L, EARLIER);
    conditions.ready(new InstrumentationValidator.Verdict(false, "InvalidSampler", "spec.sampler.argument: 1.5"));
    conditions.supported();

    assertThat(said(status, "Ready")).isEqualTo("False InvalidSampler: spec.sampler.argument: 1.5");
    assertThat(said(status, "Supported")).isEqualTo("True AllBlocksInjected: every block of the spec is injected into"
        + " the pods that ask for it");
    assertThat(status.getConditions()).extracting(Condition::getObservedGeneration).containsOnly(3L);
  }

  @Test
  void anUnchangedConditionKeepsItsTransitionTimeAndAChangedOneTakesTheNewOne() {
    InstrumentationStatus first = new InstrumentationStatus();
    InstrumentationConditions before = new InstrumentationConditions(first, null, 1L, EARLIER);
    before.ready(new InstrumentationValidator.Verdict(true, "Valid", "ok"));
    before.supported();

    InstrumentationStatus second = new InstrumentationStatus();
    InstrumentationConditions after = new InstrumentationConditions(second, first, 2L, LATER);
    after.ready(new InstrumentationValidator.Verdict(false, "InvalidSampler", "spec.sampler.argument: 1.5"));
    after.supported();

    assertThat(InstrumentationConditions.of(second, "Supported").getLastTransitionTime())
        .isEqualTo(InstrumentationConditions.of(first, "Supported").getLastTransitionTime());
    assertThat(InstrumentationConditions.of(second, "Ready").getLastTransitionTime()).startsWith("2026-12-02T11:00");
    assertThat(InstrumentationConditions.of(first, "Ready").getStatus()).as("the previous status is not changed")
        .isEqualTo("True");
  }

  @Test
  void rolloutSaysOffInvalidRestartingHaltedOrDone() {
    InstrumentationStatus status = new InstrumentationStatus();
    InstrumentationConditions conditions = new InstrumentationConditions(status, null, 5L, EARLIER);
    conditions.rolloutOff();
    assertThat(said(status, "Rollout")).startsWith("True Off: spec.rollout.policy is Never");
    conditions.rolloutWhileInvalid();
    assertThat(said(status, "Rollout")).startsWith("False InstrumentationInvalid: no restart while");

    Rollout rollout = new Rollout();
    rollout.setMaxConcurrentWorkloads(2);
    RolloutStatus restarting = new RolloutStatus();
    restarting.setRestarting(List.of(new WorkloadRef()));
    conditions.rollout(new Rollouts.Step(restarting, Duration.ofSeconds(5)), rollout);
    assertThat(said(status, "Rollout")).isEqualTo("True Restarting: 1 workload(s) restarting, at most 2 at once");

    RolloutStatus halted = new RolloutStatus();
    halted.setHalted("Deployment shop/cart did not become available within 5m");
    conditions.rollout(new Rollouts.Step(halted, null), rollout);
    assertThat(said(status, "Rollout")).isEqualTo("False Halted: Deployment shop/cart did not become available within 5m");

    conditions.rollout(new Rollouts.Step(new RolloutStatus(), null), rollout);
    assertThat(said(status, "Rollout")).isEqualTo(
        "True Done: no restartable workload has stale or missed pods left to restart for generation 5");
  }
}
