package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What only a kubelet shows of an injected pod: it starts in a namespace that enforces the restricted Pod
 * Security level (the API server admits it, the kubelet runs its init container and the app as non-root
 * with nothing more), the agent's own start-up line is in the container's log as {@code kubectl logs}
 * reads it, and the agent volume's size limit is enforced by eviction.
 */
class InjectedPodsOnRealNodeTest extends OnRealNode {


  private static void instrumentation(String namespace, String volumeLimitSize) {
    Instrumentation instrumentation = NodeWorkloads.instrumentation(namespace, "http://collector:4318");
    instrumentation.getSpec().getJava().setVolumeLimitSize(volumeLimitSize);
    client.resource(instrumentation).create();
  }

  @Test
  void aRestrictedNamespaceRunsInjectedPodsAndTheAgentLogsItsStart() {
    String namespace = cluster.namespace("restricted", Map.of());
    client.namespaces().withName(namespace).edit(ns -> {
      ns.getMetadata().setLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted",
          "pod-security.kubernetes.io/enforce-version", "latest"));
      return ns;
    });
    instrumentation(namespace, null);
    // the namespace really enforces it: a pod that does not drop its capabilities is refused
    Pod loose = new PodBuilder().withNewMetadata().withName("loose").withNamespace(namespace)
        .endMetadata().withNewSpec().withContainers(NodeWorkloads.javaApp(List.of())).endSpec().build();
    assertThatThrownBy(() -> client.resource(loose).dryRun().create()).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"");
    Container app = NodeWorkloads.javaApp(List.of());
    app.setSecurityContext(new SecurityContextBuilder().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build());
    client.resource(NodeWorkloads.deployment(namespace, "secure", Map.of("instrumentor.dev/inject-java", "true"), app))
        .create();
    Pod pod = NodeWorkloads.awaitAvailable(client, namespace, "secure", Duration.ofMinutes(2));
    assertThat(pod.getSpec().getInitContainers()).singleElement().satisfies(init -> {
      assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(init.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    });
    assertThat(pod.getStatus().getInitContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
    // kubectl logs: the API server reads the container's log from the kubelet
    String log = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).inContainer("app").getLog();
    assertThat(log).contains("opentelemetry-javaagent - version: ").contains("LISTENING 8080");
  }

  @Test
  void theKubeletEvictsAPodWhoseAgentOutgrowsTheVolumeLimit() {
    String namespace = cluster.namespace("volume-limit", Map.of());
    instrumentation(namespace, "1Mi"); // the Java agent is ~25 MiB
    client.resource(NodeWorkloads.deployment(namespace, "tight", Map.of("instrumentor.dev/inject-java", "true"),
        NodeWorkloads.javaApp(List.of()))).create();
    // the eviction manager acts on the kubelet's volume statistics, gathered every minute or so: 11 s to 70 s measured
    await().atMost(Duration.ofMinutes(4)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(NodeWorkloads.pods(client, namespace, "tight")).anySatisfy(pod -> {
          assertThat(pod.getStatus().getReason()).isEqualTo("Evicted");
          assertThat(pod.getStatus().getMessage()).contains("instrumentor-java-agent").contains("1Mi");
        }));
  }
}
