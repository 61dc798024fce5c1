package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import dev.instrumentor.operator.runtime.OperatorConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TelemetryCollectors on a real node, running the OpenTelemetry Collector built with the collector builder:
 * a gateway Deployment the kubelet marks Ready through its health_check probe, which receives what the
 * injected agents send to its Service's name and exports it on; and a sidecar collector in the
 * application's own pod, which the agent reaches on localhost.
 */
class CollectorOnRealNodeTest extends OnRealNode {

  private static OtlpHttpReceiver sink;

  private static OperatorConfig before;

  @BeforeAll
  static void start() throws Exception {
    sink = new OtlpHttpReceiver(KubeNode.ADDRESS);
    // as the chart runs it: every config here is rolled out only once the collector image accepted it
    before = ((RealCluster) cluster).restartOperator(config -> config.withCollectorConfigValidation(true));
  }

  @AfterAll
  static void stop() {
    if (before != null) {
      ((RealCluster) cluster).restartOperator(config -> before);
    }
    if (sink != null) {
      sink.close();
    }
  }

  private static Pod awaitAvailable(String namespace, String deployment) {
    return NodeWorkloads.awaitAvailable(client, namespace, deployment, Duration.ofMinutes(3));
  }

  private static void awaitSpansOf(Pod pod) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(sink.spans())
        .filteredOn(span -> pod.getMetadata().getName().equals(span.resource().get("k8s.pod.name")))
        .filteredOn(ReceivedSpan::isServer)
        .isNotEmpty()
        .allSatisfy(span -> assertThat(span.resource()).containsEntry("k8s.node.name", KubeNode.NAME)
            .containsEntry("service.name", pod.getMetadata().getOwnerReferences().get(0).getName().replaceFirst("-[^-]+$", ""))));
  }

  @Test
  void aGatewayCollectorCarriesWhatTheAgentsSendToItsService() {
    String namespace = cluster.namespace("collector-gateway", Map.of());
    client.resource(NodeWorkloads.collector(client, namespace, "gateway", "deployment", sink.endpoint())).create();
    Pod collectorPod = awaitAvailable(namespace, "gateway-collector");
    assertThat(collectorPod.getSpec().getContainers().get(0).getReadinessProbe()).isNotNull();
    client.resource(NodeWorkloads.instrumentation(namespace, "http://gateway-collector." + namespace + ".svc.cluster.local:4318"))
        .create();
    client.resource(NodeWorkloads.deployment(namespace, "shop", Map.of("instrumentor.dev/inject-java", "true"),
        NodeWorkloads.javaApp(List.of()))).create();
    // the kubelet's readiness probes of /hello are the server spans the agent exports
    awaitSpansOf(awaitAvailable(namespace, "shop"));
  }

  /**
   * A field the collector does not know, inside a component (the schema and the component-type check cannot
   * tell): its own validate refuses it, in its own words, and the running collector keeps the last good
   * config; the fix rolls out.
   */
  @Test
  void aConfigTheCollectorRefusesIsNotRolledOutAndTheRunningOneStays() {
    String namespace = cluster.namespace("collector-refused", Map.of());
    client.resource(NodeWorkloads.collector(client, namespace, "gateway", "deployment", sink.endpoint())).create();
    awaitAvailable(namespace, "gateway-collector");
    TelemetryCollector accepted = client.resources(TelemetryCollector.class).inNamespace(namespace).withName("gateway").get();
    assertThat(condition(accepted, "Validated")).startsWith("True Accepted");
    String goodHash = configHash(namespace);

    NodeWorkloads.edit(client.resources(TelemetryCollector.class).inNamespace(namespace).withName("gateway"), collector -> {
      ((ObjectNode) collector.getSpec().getConfig().path("exporters"))
          .putObject("debug").put("verbosty", "basic");
      ((ArrayNode) collector.getSpec().getConfig().path("service").path("pipelines")
          .path("traces").path("exporters")).add("debug");
      return collector;
    });
    await().atMost(Duration.ofMinutes(2)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      TelemetryCollector refused = client.resources(TelemetryCollector.class).inNamespace(namespace).withName("gateway").get();
      assertThat(condition(refused, "Validated")).startsWith("False Refused").contains("verbosty");
      assertThat(condition(refused, "Ready")).startsWith("False ConfigRefused").contains("keeps its last good config");
    });
    assertThat(configHash(namespace)).as("the Deployment still runs the good config").isEqualTo(goodHash);
    assertThat(client.v1().events().inNamespace(namespace).list().getItems())
        .anySatisfy(event -> assertThat(event.getReason() + " " + event.getMessage()).startsWith("ConfigRefused")
            .contains("has invalid keys: verbosty"));
    assertThat(NodeWorkloads.available(client.apps().deployments().inNamespace(namespace).withName("gateway-collector").get()))
        .isTrue();

    NodeWorkloads.edit(client.resources(TelemetryCollector.class).inNamespace(namespace).withName("gateway"), collector -> {
      ((ObjectNode) collector.getSpec().getConfig().path("exporters").path("debug"))
          .remove("verbosty");
      return collector;
    });
    await().atMost(Duration.ofMinutes(2)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(configHash(namespace)).as("the fixed config rolls out").isNotEqualTo(goodHash));
    awaitAvailable(namespace, "gateway-collector");
  }

  private static String condition(TelemetryCollector collector, String type) {
    if (collector == null || collector.getStatus() == null || collector.getStatus().getConditions() == null) {
      return "none";
    }
    return collector.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).findFirst().orElse("none");
  }

  private static String configHash(String namespace) {
    Deployment deployment = client.apps().deployments().inNamespace(namespace)
        .withName("gateway-collector").get();
    return deployment == null ? "none" : deployment.getSpec().getTemplate().getMetadata().getAnnotations()
        .get("instrumentor.dev/config-hash");
  }

  @Test
  void aSidecarCollectorReceivesFromItsPodOnLocalhost() {
    String namespace = cluster.namespace("collector-sidecar", Map.of());
    client.resource(NodeWorkloads.collector(client, namespace, "agent", "sidecar", sink.endpoint())).create();
    client.resource(NodeWorkloads.instrumentation(namespace, "http://localhost:4318")).create();
    client.resource(NodeWorkloads.deployment(namespace, "cart", Map.of("instrumentor.dev/inject-java", "true",
        "instrumentor.dev/inject-sidecar", "true"), NodeWorkloads.javaApp(List.of()))).create();
    Pod pod = awaitAvailable(namespace, "cart");
    assertThat(pod.getSpec().getInitContainers()).extracting("name").contains("otc-container");
    awaitSpansOf(pod);
  }
}
