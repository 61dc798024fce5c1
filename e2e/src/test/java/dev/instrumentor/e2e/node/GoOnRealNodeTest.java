package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.GoSpec;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeImages;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Go on a real node: the webhook adds the eBPF instrumentation's sidecar (built from the Go module proxy, in the
 * layout of the OpenTelemetry Go project's image) to a pod of a plain {@code net/http} server (no OpenTelemetry code);
 * the kubelet runs both in one process namespace with the sidecar's default privileges (capabilities, not
 * privileged); the sidecar attaches to the server's process and exports its server spans, with the Deployment's
 * service name and the pod's Kubernetes attributes, to a receiver on this machine. A namespace that enforces the
 * restricted Pod Security level gets the pod uninstrumented (the API server would refuse the sidecar), not refused.
 */
class GoOnRealNodeTest extends OnRealNode {

  private static final String EXE = "/apps/go/rolldice";
  private static OtlpHttpReceiver receiver;
  private static String namespace;

  @BeforeAll
  static void start() throws Exception {
    receiver = new OtlpHttpReceiver(KubeNode.ADDRESS);
    namespace = cluster.namespace("go-node", Map.of());
    client.resource(instrumentation(namespace)).create();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static Instrumentation instrumentation(String namespace) {
    Instrumentation instrumentation = NodeWorkloads.instrumentation(namespace, receiver.endpoint());
    GoSpec go = new GoSpec();
    go.setImage(NodeImages.GO_AGENT);
    instrumentation.getSpec().setGo(go);
    return instrumentation;
  }

  static Container goApp() {
    return new ContainerBuilder().withName("dice").withImage(NodeImages.APPS).withCommand(EXE)
        .addNewEnv().withName("PORT").withValue("8095").endEnv()
        .addNewPort().withName("http").withContainerPort(8095).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8095)).endHttpGet()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .withNewResources().addToLimits("memory", new Quantity("64Mi")).endResources()
        .build();
  }

  @Test
  void theSidecarAttachesToAPlainGoServerAndExportsItsServerSpans() {
    Map<String, String> inject = Map.of("instrumentation.opentelemetry.io/inject-go", "true",
        "instrumentation.opentelemetry.io/otel-go-auto-target-exe", EXE);
    client.resource(NodeWorkloads.deployment(namespace, "dice", inject, goApp())).create();
    Pod pod = NodeWorkloads.awaitAvailable(client, namespace, "dice", Duration.ofMinutes(3));
    assertThat(pod.getSpec().getShareProcessNamespace()).isTrue();
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("dice",
        "instrumentor-go-agent");
    assertThat(pod.getMetadata().getLabels()).containsEntry("instrumentor.dev/instrumented", "go");

    // requests until the sidecar has attached (it looks for the process every few seconds) and spans arrived: the
    // server's, and the client call it makes (this kernel is locked down: the sidecar reads so in the host's
    // securityfs and loads its HTTP client probe without header propagation, else it would load no probe at all)
    String rollTwice = "http://" + pod.getStatus().getPodIP() + ":8095/roll-twice";
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      HttpResponse<String> response = NodeWorkloads.get(rollTwice);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(receiver.spans()).as("client spans of dice").anySatisfy(span -> {
        assertThat(span.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(span.resource()).containsEntry("service.name", "dice");
      });
      assertThat(receiver.spans()).as("server spans of dice").anySatisfy(span -> {
        assertThat(span.isServer()).isTrue();
        assertThat(span.span().getName()).isEqualTo("GET /roll-twice");
        assertThat(span.resource()).containsEntry("service.name", "dice")
            .containsEntry("k8s.pod.name", pod.getMetadata().getName())
            .containsEntry("k8s.namespace.name", namespace)
            .containsEntry("k8s.node.name", KubeNode.NAME)
            .containsEntry("k8s.deployment.name", "dice")
            .containsEntry("k8s.container.name", "dice");
      });
    });
    Pod now = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    assertThat(now.getStatus().getContainerStatuses()).as("neither the server nor the sidecar restarted")
        .extracting(ContainerStatus::getRestartCount).containsOnly(0);
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(spans).filteredOn(ReceivedSpan::isServer).allSatisfy(span ->
        assertThat(span.resource()).containsEntry("service.name", "dice"));
  }

  @Test
  void aRestrictedNamespaceRunsThePodWithoutTheSidecarAndSaysWhy() {
    String restricted = cluster.namespace("go-restricted", Map.of());
    client.namespaces().withName(restricted).edit(ns -> {
      ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
      return ns;
    });
    client.resource(instrumentation(restricted)).create();
    Map<String, String> inject = Map.of("instrumentor.dev/inject-go", "true",
        "instrumentor.dev/otel-go-auto-target-exe", EXE);
    Container app = new ContainerBuilder(goApp()).withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65532L)
        .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext().build();
    client.resource(NodeWorkloads.deployment(restricted, "dice", inject, app)).create();
    Pod pod = NodeWorkloads.awaitAvailable(client, restricted, "dice", Duration.ofMinutes(3));
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("dice");
    assertThat(pod.getMetadata().getLabels()).containsEntry("instrumentor.dev/instrumented", "false");
    assertThat(pod.getMetadata().getAnnotations().get("instrumentor.dev/injection-status"))
        .contains("enforces Pod Security").contains("restricted");
  }
}
