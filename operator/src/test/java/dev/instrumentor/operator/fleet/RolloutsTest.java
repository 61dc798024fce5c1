package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutPolicy;
import dev.instrumentor.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * spec.rollout carried out against an API server (the mock, CRUD): a stale workload is restarted once per
 * generation; one that cannot be (paused) is reported and not counted as restarting.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutsTest {

  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  KubernetesClient client;

  private Instrumentation instrumentation() {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace("shop");
    instrumentation.getMetadata().setName("java");
    instrumentation.getMetadata().setGeneration(3L);
    instrumentation.setSpec(new InstrumentationSpec());
    Rollout rollout = new Rollout();
    rollout.setPolicy(RolloutPolicy.RESTART);
    rollout.setMaxConcurrentWorkloads(2);
    instrumentation.getSpec().setRollout(rollout);
    return instrumentation;
  }

  private Deployment deployment(String name, boolean paused) {
    return client.resource(new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
        .withNewSpec().withReplicas(1).withPaused(paused).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec().addNewContainer()
        .withName("app").withImage("shop/app:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  private static Fleet.View stale(String... deployments) {
    Map<Fleet.Workload, Map<String, int[]>> workloads = new TreeMap<>();
    for (String name : deployments) {
      workloads.put(new Fleet.Workload("Deployment", "shop", name), Map.of("java", new int[] {1, 0}));
    }
    return new Fleet.View(Map.of("java", new int[] {0, deployments.length, 0}), workloads, Map.of());
  }

  private String restartedFor(String name) {
    Deployment found = client.apps().deployments().inNamespace("shop").withName(name).get();
    Map<String, String> annotations = found.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Workloads.RESTARTED_FOR);
  }

  @Test
  void aStaleWorkloadIsRestartedOncePerGenerationAndAPausedOneIsReportedNotCounted() {
    deployment("checkout", false);
    deployment("frozen", true);
    Rollouts rollouts = new Rollouts(new Workloads(client),
        new EventRecorder(client, "test", Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));

    Rollouts.Step first = rollouts.step(instrumentation(), 3, stale("checkout", "frozen"), null, NOW);
    assertThat(restartedFor("checkout")).isEqualTo("shop/java@3");
    assertThat(restartedFor("frozen")).as("paused: left alone").isNull();
    assertThat(first.status().getRestarting()).extracting(ref -> ref.getName()).containsExactly("checkout");
    assertThat(first.restarting()).isTrue();
    assertThat(first.halted()).isFalse();

    // the same generation again (its pods still counted stale while the restart runs): no second restart
    String template = client.apps().deployments().inNamespace("shop").withName("checkout").get().getMetadata()
        .getResourceVersion();
    rollouts.step(instrumentation(), 3, stale("checkout", "frozen"), first.status(), NOW.plusSeconds(1));
    assertThat(client.apps().deployments().inNamespace("shop").withName("checkout").get().getMetadata()
        .getResourceVersion()).isEqualTo(template);
  }
}
