package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A workload the operator rolled back (a record in the Instrumentation's status at its current generation) gets
 * no agent: the pod is admitted unchanged but for the outcome, which says which agent broke what and how to retry;
 * other workloads, and the same one at a later generation, are injected.
 */
class RollbacksTest {

  private static Instrumentation rolledBack(String deployment, long recordGeneration, long generation) {
    Instrumentation java = instrumentation("demo", "java", "http://collector.observability:4318");
    java.getMetadata().setGeneration(generation);
    RolledBackWorkload record = new RolledBackWorkload();
    record.setKind("Deployment");
    record.setNamespace("demo");
    record.setName(deployment);
    record.setGeneration(recordGeneration);
    record.setAgents(List.of("java=agent:broken"));
    record.setLanguages(List.of("java"));
    record.setReason("CrashLoopBackOff");
    record.setMessage("pod cart-1, container app: exit code 1, 3 restart(s)");
    record.setAt("2026-12-03T10:00:00Z");
    InstrumentationStatus status = new InstrumentationStatus();
    status.setRollbacks(List.of(record));
    java.setStatus(status);
    return java;
  }

  private static PodMutator.Result admit(Instrumentation instrumentation, String deployment) {
    Pod pod = deploymentPod(deployment, Map.of("instrumentor.dev/inject-java", "true")).build();
    PodMutator mutator = Agents.mutator(InstrumentationSource.of(List.of(instrumentation)), InjectorSettings.defaults());
    return Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of()));
  }

  @Test
  void aRolledBackWorkloadIsAdmittedWithoutTheAgentAndTheOutcomeSaysWhy() {
    PodMutator.Result result = admit(rolledBack("cart", 4, 4), "cart");
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.ROLLED_BACK);
      assertThat(outcome.status().value()).isEqualTo("rolled-back");
      assertThat(outcome.instrumentation()).isEqualTo("demo/java@4");
      assertThat(outcome.reason()).contains("java=agent:broken").contains("Deployment demo/cart")
          .contains("CrashLoopBackOff").contains("spec.rollback.retry");
    });
    assertThat(result.pod().getSpec().getInitContainers()).isEmpty();
    assertThat(Fixtures.env(Fixtures.container(result.pod(), "app"))).doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning).contains("rolled-back"));
  }

  @Test
  void anotherWorkloadAndALaterGenerationAreInjected() {
    assertThat(admit(rolledBack("cart", 4, 4), "checkout").outcomes()).singleElement()
        .satisfies(outcome -> assertThat(outcome.status()).isEqualTo(Status.INJECTED));
    assertThat(admit(rolledBack("cart", 4, 5), "cart").outcomes()).singleElement()
        .satisfies(outcome -> assertThat(outcome.status()).isEqualTo(Status.INJECTED));
  }
}
