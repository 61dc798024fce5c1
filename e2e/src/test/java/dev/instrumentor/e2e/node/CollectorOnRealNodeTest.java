package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
class CollectorOnRealNodeTest {

  private static E2eCluster cluster;
  private static KubernetesClient client;
  private static OtlpHttpReceiver sink;

  @BeforeAll
  static void start() throws Exception {
    cluster = E2eCluster.fromEnvironment();
    RealCluster.node(cluster);
    client = cluster.client();
    sink = new OtlpHttpReceiver(KubeNode.ADDRESS);
  }

  @AfterAll
  static void stop() {
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
