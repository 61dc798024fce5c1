package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An Instrumentation the operator finds invalid (a sampler argument no schema can judge) never configures
 * a pod, on the real API server: a pod asking for it while it never was valid is admitted uninstrumented
 * with the reason; once it was valid and is broken again, pods get its last valid generation, and their
 * outcome names both generations.
 */
class InvalidInstrumentationTest {

  private static final String BROKEN = "{\"spec\":{\"sampler\":{\"type\":\"parentbased_jaeger_remote\",\"argument\":\"endpoint=nowhere\"}}}";
  private static final String VALID = "{\"spec\":{\"sampler\":{\"type\":\"parentbased_traceidratio\",\"argument\":\"0.25\"}}}";

  @Test
  void podsGetTheLastValidGenerationOrNothingWithTheReason() {
    E2eCluster cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real(), "the operator's status and the webhook's cache of it, on a real API server");
    KubernetesClient client = cluster.client();
    String namespace = cluster.namespace("invalid-inst", Map.of());
    Instrumentation created = Fixtures.instrumentation(namespace, "java", "http://collector.observability:4318");
    created.getMetadata().setGeneration(null);
    client.resource(created).create();
    awaitReady(client, namespace, "True", 1); // no sampler: valid
    patch(client, namespace, BROKEN);
    awaitReady(client, namespace, "False", 2);
    // what an SRE alerts on, without reading logs
    if (cluster instanceof RealCluster real) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(real.metrics()).contains(
          "instrumentor_condition{kind=\"Instrumentation\",name=\"java\",namespace=\"" + namespace
              + "\",reason=\"InvalidSampler\",status=\"False\",type=\"Ready\"} 1"));
    }
    // generation 1 was valid (no sampler): the pod is configured from it
    assertAdmitted(client, namespace, status -> assertThat(status).contains("\"status\":\"injected\"")
        .contains("\"instrumentation\":\"" + namespace + "/java@1\"")
        .contains("configured from generation 1, the last valid one: generation 2 of Instrumentation " + namespace
            + "/java is not valid (InvalidSampler"));

    patch(client, namespace, VALID);
    awaitReady(client, namespace, "True", 3);
    patch(client, namespace, BROKEN);
    awaitReady(client, namespace, "False", 4);
    Pod admitted = assertAdmitted(client, namespace, status -> assertThat(status).contains("\"status\":\"injected\"")
        .contains("\"instrumentation\":\"" + namespace + "/java@3\"").contains("configured from generation 3"));
    assertThat(Fixtures.env(admitted.getSpec().getContainers().get(0)))
        .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio").containsEntry("OTEL_TRACES_SAMPLER_ARG", "0.25");

    // an Instrumentation that never was valid: nothing to fall back on
    Instrumentation never = Fixtures.instrumentation(namespace, "never", "http://collector.observability:4318");
    never.getMetadata().setGeneration(null);
    never.getSpec().setSampler(client.getKubernetesSerialization().unmarshal(
        "{\"type\":\"parentbased_jaeger_remote\",\"argument\":\"endpoint=nowhere\"}", Sampler.class));
    client.resource(never).create();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      Pod pod = client.resource(pod(namespace, namespace + "/never")).dryRun().create();
      assertThat(pod.getSpec().getInitContainers()).isEmpty();
      assertThat(injectionStatus(pod)).contains("\"status\":\"skipped\"")
          .contains("is not valid (InvalidSampler").contains("none before it was: the pod is admitted uninstrumented");
    });
  }

  private static void patch(KubernetesClient client, String namespace, String patch) {
    client.resources(Instrumentation.class).inNamespace(namespace).withName("java")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private static void awaitReady(KubernetesClient client, String namespace, String ready, long generation) {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      Instrumentation found = client.resources(Instrumentation.class).inNamespace(namespace).withName("java").get();
      assertThat(found.getMetadata().getGeneration()).isEqualTo(generation);
      assertThat(found.getStatus()).isNotNull();
      assertThat(found.getStatus().getObservedGeneration()).isEqualTo(generation);
      Condition condition = found.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
          .orElseThrow(() -> new AssertionError("no Ready condition"));
      assertThat(condition.getStatus()).isEqualTo(ready);
    });
  }

  /** Dry runs until the webhook's cache has the status just awaited; the last admitted pod. */
  private static Pod assertAdmitted(KubernetesClient client, String namespace,
      Consumer<String> status) {
    Pod[] admitted = new Pod[1];
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      admitted[0] = client.resource(pod(namespace, "true")).dryRun().create();
      status.accept(injectionStatus(admitted[0]));
    });
    return admitted[0];
  }

  /** The outcome annotation, or "none" (the webhook not reached yet): never an exception inside an await. */
  private static String injectionStatus(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? "none" : String.valueOf(annotations.get("instrumentor.dev/injection-status"));
  }

  private static Pod pod(String namespace, String inject) {
    return new PodBuilder().withNewMetadata().withName("app").withNamespace(namespace)
        .withAnnotations(Map.of("instrumentor.dev/inject-java", inject)).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/shop/app:1").endContainer()
        .endSpec().build();
  }
}
