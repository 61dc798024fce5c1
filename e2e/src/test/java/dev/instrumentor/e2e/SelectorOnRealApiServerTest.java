package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSelector;
import dev.instrumentor.api.v1alpha1.SelectorLanguage;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.selector} on the real API server: unannotated Deployments chosen by label get each container's
 * language as detected (Java, Python, Node.js), an opt-out and a Deployment the selector does not match are left
 * untouched, a redis is left alone with an outcome saying why, {@code kubectl get pods -l
 * instrumentor.dev/instrumented=...} finds them, the fleet view counts them; a namespaceSelector chooses other
 * namespaces only from the operator's namespace; the API server refuses a selector that chooses nothing.
 */
class SelectorOnRealApiServerTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final String INSTRUMENTED = InstrumentorAnnotations.INSTRUMENTED_LABEL;

  private static Container container(String name, String image, String... command) {
    return new ContainerBuilder().withName(name).withImage(image).withCommand(command).build();
  }

  private static Deployment deployment(String namespace, String name, Map<String, String> labels, Container... containers) {
    Map<String, String> all = new HashMap<>(labels);
    all.put("app", name);
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(all).endMetadata()
        .withNewSpec().withContainers(containers).endSpec().endTemplate().endSpec().build();
  }

  private static Instrumentation selecting(String namespace, String name, InstrumentationSelector selector) {
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, name, "http://collector.observability:4318");
    instrumentation.getMetadata().setGeneration(null);
    instrumentation.getSpec().setSelector(selector);
    return instrumentation;
  }

  /** An API call inside an await: a refusal or a lost connection is an AssertionError, which the await retries. */
  private static <T> T api(Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw new AssertionError("the API server answered: " + e.getMessage(), e);
    }
  }

  /** The pods of Deployment {@code app}, with the webhook's label as asked (null: absent). */
  private static List<Pod> pods(KubernetesClient client, String namespace, String app) {
    return client.pods().inNamespace(namespace).withLabel("app", app).list().getItems();
  }

  @Test
  void unannotatedDeploymentsChosenByLabelGetTheirLanguagesDetected() {
    E2eCluster cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real(), "the webhook called by the API server, the controller-manager creating the pods");
    KubernetesClient client = cluster.client();
    String namespace = cluster.namespace("selector", Map.of());
    InstrumentationSelector selector = new InstrumentationSelector();
    selector.setPodSelector(new LabelSelectorBuilder().addToMatchLabels("team", "shop").build());
    client.resource(selecting(namespace, "shop", selector)).create();
    Pod probe = new PodBuilder().withNewMetadata().withName("probe").withNamespace(namespace)
        .addToLabels("team", "shop").endMetadata().withNewSpec().withContainers(container("app", "eclipse-temurin:21"))
        .endSpec().build();
    // the webhook's cache has the Instrumentation once a dry run is injected: only then are the workloads created
    await().atMost(SETTLE).untilAsserted(() ->
        assertThat(api(() -> client.resource(probe).dryRun().create()).getMetadata().getLabels()).as("a dry-run pod is chosen")
            .containsEntry(INSTRUMENTED, "java"));

    Map<String, String> shop = Map.of("team", "shop");
    client.resource(deployment(namespace, "cart", shop, container("cart", "eclipse-temurin:21-jre"))).create();
    client.resource(deployment(namespace, "web", shop,
        container("web", "registry.example.com/shop/web:3", "gunicorn", "shop.wsgi"),
        container("worker", "registry.example.com/shop/web:3", "celery", "-A", "shop", "worker"))).create();
    client.resource(deployment(namespace, "front", shop, container("front", "node:22-slim"),
        container("cache", "redis:7.2"))).create();
    client.resource(deployment(namespace, "cache", shop, container("redis", "redis:7.2"))).create();
    client.resource(deployment(namespace, "legacy", Map.of("team", "shop", InstrumentorAnnotations.INJECT_LABEL, "false"),
        container("legacy", "eclipse-temurin:21-jre"))).create();
    client.resource(deployment(namespace, "billing", Map.of("team", "billing"), container("billing", "eclipse-temurin:21")))
        .create();

    await().atMost(SETTLE).untilAsserted(() -> {
      for (String app : List.of("cart", "web", "front", "cache", "legacy", "billing")) {
        assertThat(api(() -> pods(client, namespace, app))).as(app + "'s pod").hasSize(1);
      }
    });
    assertThat(client.pods().inNamespace(namespace).withLabel(INSTRUMENTED, "java").list().getItems())
        .extracting(pod -> pod.getMetadata().getLabels().get("app")).containsExactly("cart");
    assertThat(client.pods().inNamespace(namespace).withLabel(INSTRUMENTED, "python").list().getItems())
        .extracting(pod -> pod.getMetadata().getLabels().get("app")).containsExactly("web");
    assertThat(client.pods().inNamespace(namespace).withLabel(INSTRUMENTED, "nodejs").list().getItems())
        .extracting(pod -> pod.getMetadata().getLabels().get("app")).containsExactly("front");
    assertThat(client.pods().inNamespace(namespace).withLabel(INSTRUMENTED, "false").list().getItems())
        .extracting(pod -> pod.getMetadata().getLabels().get("app")).containsExactly("cache");
    assertThat(client.pods().inNamespace(namespace).withoutLabel(INSTRUMENTED).list().getItems())
        .extracting(pod -> pod.getMetadata().getLabels().get("app")).containsExactlyInAnyOrder("legacy", "billing");

    Pod web = pods(client, namespace, "web").get(0);
    assertThat(web.getSpec().getInitContainers()).extracting(Container::getName).containsExactly("instrumentor-python-agent");
    for (Container each : web.getSpec().getContainers()) {
      assertThat(each.getEnv()).as(each.getName()).anyMatch(var -> var.getName().equals("PYTHONPATH")
          && var.getValue().contains("/instrumentor/python"));
    }
    String status = web.getMetadata().getAnnotations().get(InstrumentorAnnotations.STATUS);
    assertThat(status).contains("\"requestedWith\":\"spec.selector\"").contains("web: python (its command starts gunicorn)")
        .contains("worker: python (its command starts celery)");
    Pod front = pods(client, namespace, "front").get(0);
    assertThat(front.getSpec().getContainers().get(1).getEnv()).as("the redis beside the Node.js front: untouched")
        .isNullOrEmpty();
    assertThat(front.getMetadata().getAnnotations().get(InstrumentorAnnotations.STATUS))
        .contains("cache: neither its image redis:7.2");
    for (String untouched : List.of("legacy", "billing")) {
      Pod pod = pods(client, namespace, untouched).get(0);
      assertThat(pod.getSpec().getInitContainers()).as(untouched).isNullOrEmpty();
      assertThat(pod.getMetadata().getAnnotations()).as(untouched).doesNotContainKey(InstrumentorAnnotations.STATUS);
    }

    // the fleet view counts them, and the condition says the selector is honoured
    await().atMost(SETTLE).untilAsserted(() -> {
      Instrumentation found = api(() -> client.resources(Instrumentation.class).inNamespace(namespace).withName("shop").get());
      assertThat(found).isNotNull();
      assertThat(found.getStatus()).as("status").isNotNull();
      assertThat(found.getStatus().getInjected()).as("injected: cart, web's two containers count once, front")
          .isEqualTo(3);
      assertThat(found.getStatus().getConditions()).extracting(Condition::getType, Condition::getStatus)
          .contains(org.assertj.core.groups.Tuple.tuple("Selector", "True"));
    });
  }

  @Test
  void aNamespaceSelectorChoosesOtherNamespacesOnlyFromTheOperatorsNamespace() {
    E2eCluster cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real(), "the webhook called by the API server");
    KubernetesClient client = cluster.client();
    String namespace = cluster.namespace("tenant", Map.of());
    String mark = "selector-" + UUID.randomUUID().toString().substring(0, 8);
    client.namespaces().withName(namespace).edit(ns -> new NamespaceBuilder(ns).editMetadata()
        .addToLabels("instrumentor-e2e", mark).endMetadata().build());
    String operatorNamespace = "instrumentor-system";
    if (client.namespaces().withName(operatorNamespace).get() == null) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(operatorNamespace).endMetadata().build()).create();
    }
    InstrumentationSelector selector = new InstrumentationSelector();
    selector.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("instrumentor-e2e", mark).build());
    selector.setLanguages(List.of(SelectorLanguage.JAVA));
    Instrumentation platform = selecting(operatorNamespace, mark, selector);
    Instrumentation tenant = selecting(namespace, "tenant-wide", selector);
    try {
      client.resource(tenant).create();
      client.resource(platform).create();
      Pod pod = new PodBuilder().withNewMetadata().withName("app").withNamespace(namespace).endMetadata()
          .withNewSpec().withContainers(container("app", "amazoncorretto:21", "java", "-jar", "/app.jar")).endSpec().build();
      await().atMost(SETTLE).untilAsserted(() ->
          assertThat(api(() -> client.resource(pod).dryRun().create()).getMetadata().getAnnotations())
              .as("chosen by the operator namespace's Instrumentation").containsKey(InstrumentorAnnotations.STATUS));
      Pod created = client.resource(pod).create();
      assertThat(created.getMetadata().getAnnotations().get(InstrumentorAnnotations.STATUS))
          .contains("chosen by spec.selector of " + operatorNamespace + "/" + mark)
          .as("the tenant's own namespaceSelector is not honoured").doesNotContain("tenant-wide");
      await().atMost(SETTLE).untilAsserted(() -> {
        Instrumentation found = api(() -> client.resources(Instrumentation.class).inNamespace(namespace)
            .withName("tenant-wide").get());
        assertThat(found).isNotNull();
        assertThat(found.getStatus()).as("status").isNotNull();
        assertThat(found.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Selector"))
            .extracting(Condition::getStatus, Condition::getReason)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("False", "NamespaceSelectorNotAllowed"));
      });

      InstrumentationSelector empty = new InstrumentationSelector();
      assertThatThrownBy(() -> client.resource(selecting(namespace, "nothing", empty)).create())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("spec.selector needs podSelector, namespaceSelector or both");
      InstrumentationSelector both = new InstrumentationSelector();
      both.setPodSelector(new LabelSelectorBuilder().build());
      both.setLanguages(List.of(SelectorLanguage.AUTO, SelectorLanguage.JAVA));
      assertThatThrownBy(() -> client.resource(selecting(namespace, "both", both)).create())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("spec.selector.languages is [auto] or a list of languages, not both");
    } finally {
      client.resource(platform).delete();
    }
  }
}
