package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
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
 * Python and Node.js injection on a real node: a Node.js front ({@code node:http}, no OpenTelemetry code)
 * calls a Django back under gunicorn with two prefork workers through its Service; each pod's init container
 * copied its agent from the agent image built by that image's recipe, and both export, through a gateway
 * TelemetryCollector, one trace with their Deployment's name as the service and their real pod's name.
 */
class PythonAndNodeJsOnRealNodeTest extends OnRealNode {

  private static OtlpHttpReceiver receiver;
  private static String namespace;

  @BeforeAll
  static void start() throws Exception {
    receiver = new OtlpHttpReceiver(KubeNode.ADDRESS);
    namespace = cluster.namespace("python-nodejs", Map.of());
    // the agents send to a gateway collector (the collector built here), which exports to the test's receiver
    client.resource(NodeWorkloads.collector(client, namespace, "gateway", "deployment", receiver.endpoint())).create();
    client.resource(NodeWorkloads.instrumentation(namespace, "http://gateway-collector." + namespace + ".svc.cluster.local:4318"))
        .create();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aNodeJsFrontAndADjangoBackExportOneTrace() {
    client.resource(NodeWorkloads.service(namespace, "django")).create();
    var front = client.resource(NodeWorkloads.service(namespace, "front")).create();
    client.resource(NodeWorkloads.deployment(namespace, "django", Map.of("instrumentor.dev/inject-python", "true"),
        NodeWorkloads.djangoApp())).create();
    client.resource(NodeWorkloads.deployment(namespace, "front", Map.of("instrumentor.dev/inject-nodejs", "true"),
        NodeWorkloads.nodeFront("http://django." + namespace + ".svc.cluster.local:8080", "/hello"))).create();
    NodeWorkloads.awaitAvailable(client, namespace, "gateway-collector", Duration.ofMinutes(2));
    Pod djangoPod = NodeWorkloads.awaitAvailable(client, namespace, "django", Duration.ofMinutes(3));
    Pod frontPod = NodeWorkloads.awaitAvailable(client, namespace, "front", Duration.ofMinutes(3));
    assertThat(djangoPod.getSpec().getInitContainers()).extracting("name").containsExactly("instrumentor-python-agent");
    assertThat(frontPod.getSpec().getInitContainers()).extracting("name").containsExactly("instrumentor-nodejs-agent");

    String url = "http://" + front.getSpec().getClusterIP() + ":8080/front";
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> response = NodeWorkloads.get(url);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).startsWith("front+hello from ");
    });

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      // the request that succeeded is the last one the front served (an earlier try may have failed)
      ReceivedSpan frontServer = latest(span -> "front".equals(span.resource().get("service.name")) && span.isServer());
      ReceivedSpan frontClient = only(span -> "front".equals(span.resource().get("service.name"))
          && span.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT && span.traceId().equals(frontServer.traceId()));
      ReceivedSpan djangoServer = only(span -> "django".equals(span.resource().get("service.name")) && span.isServer()
          && span.traceId().equals(frontServer.traceId()));
      assertThat(frontServer.resource()).containsEntry("k8s.pod.name", frontPod.getMetadata().getName())
          .containsEntry("k8s.node.name", KubeNode.NAME).containsEntry("telemetry.sdk.language", "nodejs");
      assertThat(djangoServer.resource()).containsEntry("k8s.pod.name", djangoPod.getMetadata().getName())
          .containsEntry("k8s.node.name", KubeNode.NAME).containsEntry("telemetry.sdk.language", "python");
      assertThat(djangoServer.parentSpanId()).isEqualTo(frontClient.spanId());
    });
  }

  private static ReceivedSpan latest(Predicate<ReceivedSpan> which) {
    return receiver.spans().stream().filter(which).max(Comparator.comparingLong(span -> span.span().getStartTimeUnixNano()))
        .orElseThrow(() -> new AssertionError("no such span yet"));
  }

  private static ReceivedSpan only(Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> matching = receiver.spans().stream().filter(which).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
