package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet view on a real API server and its controller-manager: an Instrumentation counts the pods
 * that ask for it (a pod admitted before it existed is missed, with an Event on its Deployment), and
 * spec.rollout restarts the Deployment, waits for it to become available (its new pod is marked Ready
 * by the test, as there is no kubelet), and halts when a restarted Deployment exceeds its progress
 * deadline, leaving the rest of the fleet alone.
 */
class FleetOnRealApiServerTest {

  static E2eCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
    client = cluster.client();
  }

  @Test
  void missedPodsAreCountedRestartedOnceAndABrokenRestartHaltsTheRollout() {
    assumeTrue(cluster.real(), "needs a real API server and its Deployment controller");
    String ns = cluster.namespace("fleet", Map.of());
    // created before any Instrumentation: admitted with a skipped outcome
    cluster.deploy(ScenariosTest.deployment(ns, "cart", Map.of("instrumentor.dev/inject-java", "true"),
        ScenariosTest.app("app")));
    ScenariosTest.createInstrumentation(ns, "java", "http://collector.observability:4318");

    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      Instrumentation found = instrumentation(ns);
      assertThat(found.getStatus()).as("status").isNotNull();
      assertThat(found.getStatus().getMissed()).as("missed").isEqualTo(1);
      assertThat(found.getStatus().getInjected()).isZero();
      assertThat(found.getStatus().getWorkloads()).singleElement().satisfies(workload -> {
        assertThat(workload.getKind() + "/" + workload.getName()).isEqualTo("Deployment/cart");
        assertThat(workload.getMissed()).isEqualTo(1);
      });
      assertThat(client.resources(Event.class).inNamespace(ns).list().getItems()).anySatisfy(event -> {
        assertThat(event.getReason()).isEqualTo("PodsNotInstrumented");
        assertThat(event.getRegarding().getKind() + "/" + event.getRegarding().getName()).isEqualTo("Deployment/cart");
      });
    });

    // Restart: the Deployment is restarted, its new pod injected; once it is Ready the rollout is done
    rollout(ns, "{\"policy\":\"Restart\",\"pauseBetween\":\"1s\"}");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(injectedPods(ns, "cart")).as("an injected cart pod").isNotEmpty());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      List<Pod> injected = injectedPods(ns, "cart");
      assertThat(injected).isNotEmpty();
      injected.forEach(pod -> ready(ns, pod));
    });
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      Instrumentation found = instrumentation(ns);
      assertThat(found.getStatus().getInjected()).isEqualTo(1);
      assertThat(found.getStatus().getMissed()).isZero();
      assertThat(condition(found, "Rollout")).isEqualTo("Done");
    });
    assertThat(client.resources(Event.class).inNamespace(ns).list().getItems())
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("Restarting"))
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("Restarted"));
    String restartedFor = client.apps().deployments().inNamespace(ns).withName("cart").get().getSpec().getTemplate()
        .getMetadata().getAnnotations().get("instrumentor.dev/restarted-for");
    assertThat(restartedFor).startsWith(ns + "/java@");

    // a Deployment whose pods never become ready, then a spec change: both are stale; the first restarted
    // (broken) exceeds its progress deadline and the rollout halts before cart
    Deployment broken = ScenariosTest.deployment(ns, "broken", Map.of("instrumentor.dev/inject-java", "true"),
        ScenariosTest.app("app"));
    broken.getSpec().setProgressDeadlineSeconds(1);
    cluster.deploy(broken);
    // a new generation (any spec change): every injected pod is now stale
    rollout(ns, "{\"policy\":\"Restart\",\"pauseBetween\":\"2s\"}");
    await().atMost(Duration.ofSeconds(90)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      Instrumentation found = instrumentation(ns);
      assertThat(condition(found, "Rollout")).as(String.valueOf(found.getStatus())).isEqualTo("Halted");
      assertThat(found.getStatus().getRollout().getHalted()).contains("Deployment " + ns + "/broken");
      assertThat(found.getStatus().getStale()).as("cart left stale").isGreaterThanOrEqualTo(1);
    });
    assertThat(client.apps().deployments().inNamespace(ns).withName("cart").get().getSpec().getTemplate()
        .getMetadata().getAnnotations().get("instrumentor.dev/restarted-for")).as("cart not restarted again")
        .isEqualTo(restartedFor);
    assertThat(client.resources(Event.class).inNamespace(ns).list().getItems())
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("RolloutHalted"));
  }

  private static Instrumentation instrumentation(String ns) {
    return client.resources(Instrumentation.class).inNamespace(ns).withName("java").get();
  }

  private static String condition(Instrumentation instrumentation, String type) {
    Condition condition = instrumentation.getStatus() == null ? null
        : Conditions.get(instrumentation.getStatus().getConditions(), type);
    return condition == null ? null : condition.getReason();
  }

  private static void rollout(String ns, String rollout) {
    client.resources(Instrumentation.class).inNamespace(ns).withName("java")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"rollout\":" + rollout + "}}");
  }

  private static List<Pod> injectedPods(String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null && pod.getMetadata().getAnnotations() != null
            && String.valueOf(pod.getMetadata().getAnnotations().get("instrumentor.dev/injection-status"))
                .contains("\"status\":\"injected\""))
        .toList();
  }

  /** What a kubelet would report of a started pod: Running and Ready. */
  private static void ready(String ns, Pod pod) {
    client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).editStatus(p -> {
      p.getStatus().setPhase("Running");
      p.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus("True")
          .withLastTransitionTime("2026-11-30T00:00:00Z").build()));
      return p;
    });
  }
}
