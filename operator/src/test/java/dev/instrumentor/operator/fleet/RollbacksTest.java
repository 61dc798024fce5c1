package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * spec.rollback carried out against an API server (the mock, CRUD): a failing workload is recorded, restarted once
 * only after the webhook's cache has the record, never again; a paused one is recorded and not restarted; a new
 * generation drops the records.
 */
@EnableKubernetesMockClient(crud = true)
class RollbacksTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  KubernetesClient client;

  private static Instrumentation instrumentation() {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace("shop");
    instrumentation.getMetadata().setName("java");
    instrumentation.getMetadata().setGeneration(3L);
    instrumentation.setSpec(new InstrumentationSpec());
    return instrumentation;
  }

  private void deployment(String name, boolean paused) {
    client.resource(new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
        .withNewSpec().withReplicas(1).withPaused(paused).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec().addNewContainer()
        .withName("app").withImage("shop/app:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  private static Health.Verdict failing(String name) {
    return new Health.Verdict(new Fleet.Workload("Deployment", "shop", name), Set.of("java"), List.of("java=agent:broken"),
        1, new Health.Failure("CrashLoopBackOff", "pod " + name + "-1, container app: exit code 1, 3 restart(s)"), true, null);
  }

  private String restartedFor(String name) {
    Deployment found = client.apps().deployments().inNamespace("shop").withName(name).get();
    Map<String, String> annotations = found.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Workloads.RESTARTED_FOR);
  }

  @Test
  void recordedThenRestartedOnceTheWebhookSeesItAndNeverAgain() {
    deployment("cart", false);
    deployment("frozen", true);
    Rollbacks rollbacks = new Rollbacks(new Workloads(client),
        new EventRecorder(client, "test", Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));
    Health.Verdict reportOnly = new Health.Verdict(new Fleet.Workload("Deployment", "shop", "slow"), Set.of("java"),
        List.of(), 1, new Health.Failure("NotReady", "pod slow-1"), false, "spec.rollback is not enabled");

    Rollbacks.Step first = rollbacks.step(instrumentation(), 3, null, List.of(failing("cart"), failing("frozen"), reportOnly),
        record -> false, NOW);
    assertThat(first.added()).extracting(RolledBackWorkload::getName).containsExactly("cart", "frozen");
    assertThat(first.records()).allSatisfy(record -> {
      assertThat(record.getGeneration()).isEqualTo(3);
      assertThat(record.getRestartedAt()).as("not before the webhook has the record").isNull();
      assertThat(record.getReason()).isEqualTo("CrashLoopBackOff");
      assertThat(record.getAgents()).containsExactly("java=agent:broken");
    });
    assertThat(first.recheckIn()).isEqualTo(Rollbacks.SETTLE);
    assertThat(restartedFor("cart")).isNull();

    Rollbacks.Step second = rollbacks.step(instrumentation(), 3, first.records(), List.of(failing("cart"), failing("frozen")),
        record -> true, NOW.plusSeconds(2));
    assertThat(second.added()).isEmpty();
    assertThat(restartedFor("cart")).isEqualTo("rollback shop/java@3");
    assertThat(second.records()).filteredOn(r -> r.getName().equals("cart")).singleElement()
        .satisfies(r -> assertThat(r.getRestartedAt()).isEqualTo(NOW.plusSeconds(2).toString()));
    assertThat(second.records()).filteredOn(r -> r.getName().equals("frozen")).singleElement().satisfies(r -> {
      assertThat(r.getRestartedAt()).isNull();
      assertThat(r.getNotRestarted()).isEqualTo("the Deployment is paused");
    });
    assertThat(restartedFor("frozen")).isNull();
    assertThat(first.records().get(0).getRestartedAt()).as("the previous status is not changed in place").isNull();

    long generation = client.apps().deployments().inNamespace("shop").withName("cart").get().getMetadata().getGeneration();
    // the status that said it was restarted was not written (a conflict, a leader lost): it is not restarted again
    Rollbacks.Step lost = rollbacks.step(instrumentation(), 3, first.records(), List.of(failing("cart")), record -> true,
        NOW.plusSeconds(30));
    assertThat(lost.records()).filteredOn(r -> r.getName().equals("cart")).singleElement()
        .satisfies(r -> assertThat(r.getRestartedAt()).isEqualTo(NOW.plusSeconds(2).toString()));
    assertThat(client.apps().deployments().inNamespace("shop").withName("cart").get().getMetadata().getGeneration())
        .isEqualTo(generation);
    Rollbacks.Step third = rollbacks.step(instrumentation(), 3, second.records(), List.of(failing("cart")), record -> true,
        NOW.plusSeconds(60));
    assertThat(third.records()).isEqualTo(second.records());
    assertThat(third.recheckIn()).isNull();
    assertThat(client.apps().deployments().inNamespace("shop").withName("cart").get().getMetadata().getGeneration())
        .as("restarted once").isEqualTo(generation);

    Rollbacks.Step retried = rollbacks.step(instrumentation(), 4, third.records(), List.of(), record -> true,
        NOW.plusSeconds(90));
    assertThat(retried.records()).as("a new generation tries again").isEmpty();
    // the recorder sends its Events off the caller's thread
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.resources(Event.class).inNamespace("shop")
        .list().getItems()).extracting(Event::getReason)
        .contains("AgentRolledBack", "RestartedWithoutAgent", "RollbackNotRestarted", "RollbackRetried"));
  }

  @Test
  void anOldRollbackAnnotationDoesNotPassForThisRestartAndOnlyTransientFailuresAreRetried() {
    deployment("cart", false);
    Workloads workloads = new Workloads(client);
    // a previous Instrumentation of the same name and generation rolled it back an hour ago
    workloads.restart(new Fleet.Workload("Deployment", "shop", "cart"), "rollback shop/java@3", NOW.minusSeconds(3600));
    long generation = client.apps().deployments().inNamespace("shop").withName("cart").get().getMetadata().getGeneration();
    Rollbacks rollbacks = new Rollbacks(workloads,
        new EventRecorder(client, "test", Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));
    Rollbacks.Step first = rollbacks.step(instrumentation(), 3, null, List.of(failing("cart")), record -> true, NOW);
    assertThat(first.records()).singleElement().satisfies(r -> assertThat(r.getRestartedAt()).isEqualTo(NOW.toString()));
    assertThat(client.apps().deployments().inNamespace("shop").withName("cart").get().getMetadata().getGeneration())
        .as("restarted for this rollback").isGreaterThan(generation);

    assertThat(Rollbacks.worthRetrying(0)).isTrue();
    assertThat(Rollbacks.worthRetrying(409)).isTrue();
    assertThat(Rollbacks.worthRetrying(429)).isTrue();
    assertThat(Rollbacks.worthRetrying(503)).isTrue();
    assertThat(Rollbacks.worthRetrying(400)).as("an admission policy's denial").isFalse();
    assertThat(Rollbacks.worthRetrying(403)).isFalse();
    assertThat(Rollbacks.worthRetrying(422)).isFalse();
    assertThat(Rollbacks.notBefore("2026-12-03T10:00:00.5Z", "2026-12-03T10:00:00Z")).isTrue();
    assertThat(Rollbacks.notBefore("2026-12-03T11:00:00+01:00", "2026-12-03T10:00:00.1Z")).isFalse();
    assertThat(Rollbacks.notBefore("yesterday", "2026-12-03T10:00:00Z")).isFalse();
  }
}
