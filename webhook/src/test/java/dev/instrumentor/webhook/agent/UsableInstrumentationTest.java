package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A generation the operator found invalid never configures a pod: the last valid generation does, with a
 * caveat naming both, or, when there was none, the pod is admitted uninstrumented with the reason.
 */
class UsableInstrumentationTest {

  private static Instrumentation java(long generation, SamplerType sampler, String argument) {
    Instrumentation java = instrumentation("demo", "java", "http://collector.observability:4318");
    java.getMetadata().setGeneration(generation);
    Sampler chosen = new Sampler();
    chosen.setType(sampler);
    chosen.setArgument(argument);
    java.getSpec().setSampler(chosen);
    return java;
  }

  /** The status the operator writes: Ready for {@code observed}, and the last valid generation when there is one. */
  private static void judged(Instrumentation instrumentation, long observed, boolean valid, Instrumentation lastValid) {
    InstrumentationStatus status = new InstrumentationStatus();
    status.setObservedGeneration(observed);
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(valid ? "True" : "False")
        .withReason(valid ? "Valid" : "InvalidSampler").withMessage(valid ? "ok" : "spec.sampler.argument: no endpoint")
        .withObservedGeneration(observed).build()));
    if (lastValid != null) {
      status.setLastValidGeneration(lastValid.getMetadata().getGeneration());
      status.setLastValidSpec(PodJson.tree(lastValid.getSpec()));
    }
    instrumentation.setStatus(status);
  }

  private static PodMutator.Result admit(Instrumentation instrumentation) {
    Pod pod = deploymentPod("shop", Map.of("instrumentor.dev/inject-java", "true")).build();
    PodMutator mutator = Agents.mutator(InstrumentationSource.of(List.of(instrumentation)), InjectorSettings.defaults());
    return Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of()));
  }

  @Test
  void anInvalidGenerationConfiguresPodsFromTheLastValidOneAndSaysSo() {
    Instrumentation valid = java(1, SamplerType.PARENTBASED_TRACEIDRATIO, "0.25");
    Instrumentation broken = java(2, SamplerType.PARENTBASED_JAEGER_REMOTE, "endpoint=nowhere");
    judged(broken, 2, false, valid);

    PodMutator.Result result = admit(broken);

    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.INJECTED);
      assertThat(outcome.instrumentation()).isEqualTo("demo/java@1");
      assertThat(outcome.reason()).contains("configured from generation 1, the last valid one")
          .contains("generation 2 of Instrumentation demo/java is not valid (InvalidSampler: spec.sampler.argument: no endpoint)");
    });
    assertThat(Fixtures.env(Fixtures.container(result.pod(), "app")))
        .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio").containsEntry("OTEL_TRACES_SAMPLER_ARG", "0.25");
    assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning).contains("generation 2").contains("InvalidSampler"));
  }

  @Test
  void anInvalidInstrumentationWithoutAValidPastAdmitsThePodUninstrumented() {
    Instrumentation broken = java(1, SamplerType.PARENTBASED_JAEGER_REMOTE, "endpoint=nowhere");
    judged(broken, 1, false, null);

    PodMutator.Result result = admit(broken);

    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.instrumentation()).isEqualTo("demo/java@1");
      assertThat(outcome.reason()).contains("is not valid (InvalidSampler").contains("admitted uninstrumented");
    });
    assertThat(result.pod().getSpec().getInitContainers()).isEmpty();
    assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning).contains("InvalidSampler"));
  }

  @Test
  void aGenerationNotJudgedYetOrValidIsUsedAsItIs() {
    Instrumentation valid = java(1, SamplerType.PARENTBASED_TRACEIDRATIO, "0.25");
    Instrumentation changed = java(2, SamplerType.ALWAYS_ON, null);
    judged(changed, 1, false, valid); // the status still speaks of generation 1
    assertThat(Fixtures.env(Fixtures.container(admit(changed).pod(), "app"))).containsEntry("OTEL_TRACES_SAMPLER", "always_on");
    judged(changed, 2, true, changed);
    assertThat(admit(changed).outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.instrumentation()).isEqualTo("demo/java@2");
      assertThat(outcome.reason()).doesNotContain("last valid");
    });
  }
}
