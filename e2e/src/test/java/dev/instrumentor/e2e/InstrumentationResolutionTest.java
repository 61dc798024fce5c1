package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The fleet view follows what {@code "true"} resolves to as a namespace's Instrumentations come and go,
 * on the real API server: a second one makes the pods unresolved (Ambiguous) in both statuses and in
 * {@code instrumentor_unresolved_pods}, deleting it gives them back to the first, deleting the first leaves
 * them with no Instrumentation. A value that is not one is counted too.
 */
class InstrumentationResolutionTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);

  @Test
  void countsFollowTheNamespacesInstrumentationsAndUnresolvedPodsAreCounted() {
    E2eCluster cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real() && cluster instanceof RealCluster, "the operator's fleet view, on a real API server");
    RealCluster real = (RealCluster) cluster;
    KubernetesClient client = cluster.client();
    String namespace = cluster.namespace("resolution", Map.of());
    create(client, namespace, "a");
    // the webhook's cache has "a" once a dry run is injected: only then is the pod created for real
    await().atMost(SETTLE).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      Pod probe = client.resource(pod(namespace, "web", "true")).dryRun().create();
      assertThat(probe.getSpec().getInitContainers()).as("a dry-run pod is injected").isNotEmpty();
    });
    client.resource(pod(namespace, "web", "true")).create();
    client.resource(pod(namespace, "typo", "yes please")).create();
    awaitStatus(client, namespace, "a", status -> {
      assertThat(status.getInjected()).as("injected").isEqualTo(1);
      assertThat(status.getUnresolved()).as("unresolved").isEqualTo(1);
      assertThat(status.getUnresolvedPods()).extracting(u -> u.getReason() + " " + u.getPods() + " " + u.getMessage())
          .containsExactly("InvalidValue 1 instrumentor.dev/inject-python on the pod is \"yes please\": use \"true\","
              + " \"false\", \"<name>\" or \"<namespace>/<name>\"");
    });

    // a second Instrumentation: "true" names none of them, and a is told without a change of its own
    create(client, namespace, "b");
    for (String name : new String[] {"a", "b"}) {
      awaitStatus(client, namespace, name, status -> {
        assertThat(status.getInjected()).as(name + " injected").isZero();
        assertThat(status.getUnresolved()).as(name + " unresolved").isEqualTo(2);
        assertThat(status.getUnresolvedPods()).extracting(u -> u.getReason() + " " + u.getPods() + " " + u.getMessage())
            .contains("Ambiguous 1 2 Instrumentations in namespace " + namespace
                + " (a, b): name one in the annotation instead of \"true\"");
      });
    }
    awaitMetric(real, namespace, "Ambiguous", 1);

    // b gone: the pod is a's again, injected with its current generation
    client.resources(Instrumentation.class).inNamespace(namespace).withName("b").delete();
    awaitStatus(client, namespace, "a", status -> {
      assertThat(status.getInjected()).as("injected").isEqualTo(1);
      assertThat(status.getUnresolved()).as("unresolved").isEqualTo(1);
    });
    await().atMost(SETTLE).untilAsserted(() -> assertThat(real.metrics())
        .doesNotContain("namespace=\"" + namespace + "\",reason=\"Ambiguous\""));

    // a gone too: nothing to resolve "true" to, in the metric (no status is left to say it)
    client.resources(Instrumentation.class).inNamespace(namespace).withName("a").delete();
    awaitMetric(real, namespace, "NoInstrumentation", 1);
    awaitMetric(real, namespace, "InvalidValue", 1);
  }

  private static void create(KubernetesClient client, String namespace, String name) {
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, name, "http://collector.observability:4318");
    instrumentation.getMetadata().setGeneration(null);
    client.resource(instrumentation).create();
  }

  private static void awaitStatus(KubernetesClient client, String namespace, String name,
      Consumer<InstrumentationStatus> assertion) {
    await().atMost(SETTLE).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      Instrumentation found = client.resources(Instrumentation.class).inNamespace(namespace).withName(name).get();
      assertThat(found).as(name).isNotNull();
      assertThat(found.getStatus()).as(name + " status").isNotNull();
      assertion.accept(found.getStatus());
    });
  }

  private static void awaitMetric(RealCluster cluster, String namespace, String reason, int pods) {
    await().atMost(SETTLE).untilAsserted(() -> assertThat(cluster.metrics()).contains(
        "instrumentor_unresolved_pods{language=\"python\",namespace=\"" + namespace + "\",reason=\"" + reason + "\"} "
            + pods));
  }

  private static Pod pod(String namespace, String name, String inject) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withAnnotations(Map.of("instrumentor.dev/inject-python", inject)).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/shop/web:1").endContainer()
        .endSpec().build();
  }
}
