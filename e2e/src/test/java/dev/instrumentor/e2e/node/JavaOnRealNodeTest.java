package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java injection on a real node: the API server calls the webhook, the kubelet runs the init container
 * that copies the agent from the Java agent image into the pod's volume, the JVM starts with it and
 * exports over the pod network; a front service calls a back service through a ClusterIP Service that
 * kube-proxy routes and a name CoreDNS resolves, and both export one trace.
 */
class JavaOnRealNodeTest extends OnRealNode {

  private static OtlpHttpReceiver receiver;
  private static String namespace;

  @BeforeAll
  static void start() throws Exception {
    receiver = new OtlpHttpReceiver(KubeNode.ADDRESS);
    namespace = cluster.namespace("java-node", Map.of());
    client.resource(NodeWorkloads.instrumentation(namespace, receiver.endpoint())).create();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aFrontAndABackServiceExportOneTraceWithTheirRealPodNames() throws Exception {
    Map<String, String> inject = Map.of("instrumentor.dev/inject-java", "true");
    client.resource(NodeWorkloads.service(namespace, "back")).create();
    var front = client.resource(NodeWorkloads.service(namespace, "front")).create();
    client.resource(NodeWorkloads.deployment(namespace, "back", inject, NodeWorkloads.javaApp(List.of()))).create();
    client.resource(NodeWorkloads.deployment(namespace, "front", inject, NodeWorkloads.javaApp(List.of(
        new EnvVar("BACKEND_URL", "http://back." + namespace + ".svc.cluster.local:8080", null))))).create();
    Pod backPod = NodeWorkloads.awaitAvailable(client, namespace, "back", Duration.ofMinutes(3));
    Pod frontPod = NodeWorkloads.awaitAvailable(client, namespace, "front", Duration.ofMinutes(3));
    assertThat(frontPod.getSpec().getInitContainers()).extracting("name").contains("instrumentor-java-agent");
    assertThat(frontPod.getStatus().getInitContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();

    // from this machine through the Service's ClusterIP, as kube-proxy routes it (once it has seen the endpoints)
    String chain = "http://" + front.getSpec().getClusterIP() + ":8080/chain";
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> response = NodeWorkloads.get(chain);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello");
    });

    // the kubelet's readiness probes make server spans too: the test's request is the one GET /chain
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      // the request that succeeded is the last one the front served (an earlier try may have failed)
      ReceivedSpan frontServer = receiver.spans().stream().filter(span -> "front".equals(span.resource().get("service.name"))
          && span.isServer() && span.span().getName().equals("GET /chain"))
          .max(Comparator.comparingLong(span -> span.span().getStartTimeUnixNano()))
          .orElseThrow(() -> new AssertionError("no GET /chain span yet"));
      ReceivedSpan frontClient = only(receiver.spans(), span -> "front".equals(span.resource().get("service.name"))
          && span.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT && span.traceId().equals(frontServer.traceId()));
      ReceivedSpan backServer = only(receiver.spans(), span -> "back".equals(span.resource().get("service.name"))
          && span.isServer() && span.traceId().equals(frontServer.traceId()));
      assertThat(frontServer.resource()).containsEntry("k8s.pod.name", frontPod.getMetadata().getName())
          .containsEntry("k8s.node.name", KubeNode.NAME).containsEntry("k8s.namespace.name", namespace)
          .containsEntry("k8s.deployment.name", "front").containsEntry("k8s.container.name", "app");
      assertThat(backServer.resource()).containsEntry("k8s.pod.name", backPod.getMetadata().getName())
          .containsEntry("k8s.deployment.name", "back");
      assertThat(backServer.span().getName()).isEqualTo("GET /hello");
      assertThat(frontClient.parentSpanId()).isEqualTo(frontServer.spanId());
      assertThat(backServer.parentSpanId()).isEqualTo(frontClient.spanId());
    });
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> matching = spans.stream().filter(which).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
