package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.NodeImages;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fleet view and spec.rollout on a real node: an Instrumentation counts the pods that ask for it (a pod
 * admitted before it existed is missed, with an Event on its Deployment); spec.rollout restarts the
 * Deployment, whose new pod starts with the agent and turns Ready by the kubelet's probe, and the rollout is
 * done; then a new agent image that breaks the JVM makes the restarted pod crash-loop, the Deployment
 * exceeds its progress deadline and the rollout halts on it, leaving the rest of the fleet alone.
 */
class FleetOnRealNodeTest extends OnRealNode {


  @Test
  void missedPodsAreCountedRestartedOnceAndABrokenAgentHaltsTheRollout() {
    String ns = cluster.namespace("fleet", Map.of());
    Map<String, String> inject = Map.of("instrumentor.dev/inject-java", "true");
    // created before any Instrumentation: admitted with a skipped outcome
    cluster.deploy(NodeWorkloads.deployment(ns, "cart", inject, NodeWorkloads.javaApp(List.of()))); // returns once its pod exists
    Instrumentation created = NodeWorkloads.instrumentation(ns, "http://collector.observability:4318");
    created.getMetadata().setName("java");
    client.resource(created).create();

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

    // Restart: the Deployment is restarted, its new pod injected; once the kubelet finds it Ready the rollout is done
    rollout(ns, "{\"policy\":\"Restart\",\"pauseBetween\":\"1s\"}");
    await().atMost(Duration.ofMinutes(2)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      Instrumentation found = instrumentation(ns);
      assertThat(found.getStatus().getInjected()).isEqualTo(1);
      assertThat(found.getStatus().getMissed()).isZero();
      assertThat(condition(found, "Rollout")).isEqualTo("Done");
    });
    assertThat(injectedPods(ns, "cart")).singleElement().satisfies(pod -> assertThat(ready(pod)).isTrue());
    assertThat(client.resources(Event.class).inNamespace(ns).list().getItems())
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("Restarting"))
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("Restarted"));
    String cartRestartedFor = restartedFor(ns, "cart");
    assertThat(cartRestartedFor).startsWith(ns + "/java@");

    // shop runs with the agent of this generation; then a new agent image that breaks the JVM: both are stale,
    // cart is restarted first, crash-loops, exceeds its progress deadline, and the rollout halts before shop
    client.resource(NodeWorkloads.deployment(ns, "shop", inject, NodeWorkloads.javaApp(List.of()))).create();
    NodeWorkloads.awaitAvailable(client, ns, "shop", Duration.ofMinutes(2));
    client.apps().deployments().inNamespace(ns).withName("cart")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"progressDeadlineSeconds\":15}}");
    client.resources(Instrumentation.class).inNamespace(ns).withName("java").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"java\":{\"image\":\"" + NodeImages.BROKEN_JAVA_AGENT + "\"},"
            + "\"rollout\":{\"policy\":\"Restart\",\"pauseBetween\":\"2s\"}}}");
    await().atMost(Duration.ofMinutes(2)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      Instrumentation found = instrumentation(ns);
      assertThat(condition(found, "Rollout")).as(String.valueOf(found.getStatus())).isEqualTo("Halted");
      assertThat(found.getStatus().getRollout().getHalted()).contains("Deployment " + ns + "/cart");
      assertThat(found.getStatus().getStale()).as("shop left stale").isGreaterThanOrEqualTo(1);
    });
    // what the kubelet decided: the restarted pod's JVM refused the agent and the container restarts
    assertThat(NodeWorkloads.pods(client, ns, "cart")).anySatisfy(pod -> {
      assertThat(pod.getSpec().getInitContainers()).extracting("image").contains(NodeImages.BROKEN_JAVA_AGENT);
      assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isPositive();
    });
    assertThat(restartedFor(ns, "cart")).isNotEqualTo(cartRestartedFor);
    assertThat(restartedFor(ns, "shop")).as("shop not restarted").isNull();
    assertThat(NodeWorkloads.available(client.apps().deployments().inNamespace(ns).withName("shop").get()))
        .as("shop still serves").isTrue();
    assertThat(client.resources(Event.class).inNamespace(ns).list().getItems())
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("RolloutHalted"));
  }

  private static String restartedFor(String ns, String deployment) {
    Map<String, String> annotations = client.apps().deployments().inNamespace(ns).withName(deployment).get().getSpec()
        .getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get("instrumentor.dev/restarted-for");
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
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
}
