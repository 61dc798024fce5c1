package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSelector;
import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.selector} on a real node: one application image runs a Java service, Django under gunicorn and a
 * Node.js front, none annotated; chosen by label, each gets the agent of the language its command starts (the
 * image cannot tell: it is the same), starts with it and exports spans in that language's SDK; a pod labelled
 * {@code instrumentor.dev/inject: "false"} runs as it is.
 */
class SelectorOnRealNodeTest extends OnRealNode {

  private static final String CHOSEN = "instrumentor-e2e-chosen";
  private static OtlpHttpReceiver receiver;
  private static String namespace;

  @BeforeAll
  static void start() throws Exception {
    receiver = new OtlpHttpReceiver(KubeNode.ADDRESS);
    namespace = cluster.namespace("selector-node", Map.of());
    client.resource(NodeWorkloads.collector(client, namespace, "gateway", "deployment", receiver.endpoint())).create();
    Instrumentation instrumentation = NodeWorkloads.instrumentation(namespace,
        "http://gateway-collector." + namespace + ".svc.cluster.local:4318");
    InstrumentationSelector selector = new InstrumentationSelector();
    selector.setPodSelector(new LabelSelectorBuilder().addToMatchLabels(CHOSEN, "yes").build());
    instrumentation.getSpec().setSelector(selector);
    client.resource(instrumentation).create();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  /** An unannotated Deployment of {@code container}, its pods labelled {@code labels}. */
  private static Deployment deployment(String name, Map<String, String> labels, Container container) {
    return new DeploymentBuilder(NodeWorkloads.deployment(namespace, name, Map.of(), container)).editSpec().editTemplate()
        .editMetadata().addToLabels(labels).endMetadata().endTemplate().endSpec().build();
  }

  @Test
  void eachChosenContainerRunsTheAgentOfTheLanguageItsCommandStarts() {
    Map<String, String> chosen = Map.of(CHOSEN, "yes");
    client.resource(NodeWorkloads.service(namespace, "django")).create();
    var front = client.resource(NodeWorkloads.service(namespace, "front")).create();
    client.resource(deployment("cart", chosen, NodeWorkloads.javaApp(List.of()))).create();
    client.resource(deployment("django", chosen, NodeWorkloads.djangoApp())).create();
    client.resource(deployment("front", chosen,
        NodeWorkloads.nodeFront("http://django." + namespace + ".svc.cluster.local:8080", "/hello"))).create();
    client.resource(deployment("plain", Map.of(CHOSEN, "yes", InstrumentorAnnotations.INJECT_LABEL, "false"),
        NodeWorkloads.javaApp(List.of()))).create();
    NodeWorkloads.awaitAvailable(client, namespace, "gateway-collector", Duration.ofMinutes(2));
    Map<String, String> agents = Map.of("cart", "instrumentor-java-agent", "django", "instrumentor-python-agent",
        "front", "instrumentor-nodejs-agent");
    Map<String, String> languages = Map.of("cart", "java", "django", "python", "front", "nodejs");
    Map<String, Pod> pods = new java.util.HashMap<>();
    for (String name : List.of("cart", "django", "front", "plain")) {
      Pod pod = NodeWorkloads.awaitAvailable(client, namespace, name, Duration.ofMinutes(3));
      pods.put(name, pod);
      if (agents.containsKey(name)) {
        assertThat(pod.getSpec().getInitContainers()).as(name).extracting(Container::getName)
            .containsExactly(agents.get(name));
        assertThat(pod.getMetadata().getLabels()).as(name)
            .containsEntry(InstrumentorAnnotations.INSTRUMENTED_LABEL, languages.get(name));
        assertThat(pod.getMetadata().getAnnotations().get(InstrumentorAnnotations.STATUS)).as(name)
            .contains("\"requestedWith\":\"spec.selector\"").contains("app: " + languages.get(name) + " (its command starts");
      }
    }
    assertThat(pods.get("plain").getSpec().getInitContainers()).as("the opted-out pod").isNullOrEmpty();
    assertThat(pods.get("plain").getMetadata().getLabels()).doesNotContainKey(InstrumentorAnnotations.INSTRUMENTED_LABEL);

    String url = "http://" + front.getSpec().getClusterIP() + ":8080/front";
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> response = NodeWorkloads.get(url);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    });
    // the kubelet's readiness probes of cart and django make server spans; the front's come from the request above
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (String name : languages.keySet()) {
        assertThat(receiver.spans()).as(name + "'s server spans, from its own SDK, in its pod")
            .anyMatch(span -> span.isServer() && name.equals(span.resource().get("service.name"))
                && languages.get(name).equals(span.resource().get("telemetry.sdk.language"))
                && pods.get(name).getMetadata().getName().equals(span.resource().get("k8s.pod.name")));
      }
    });
    // plain's probe answered at least as often as cart's did by now: had it an agent, its spans would be here
    assertThat(receiver.spans()).extracting(ReceivedSpan::resource).noneMatch(resource ->
        "plain".equals(resource.get("service.name")));
  }
}
