package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.Scenario;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** What the proofs with real applications (Python, Node.js, SDK-only) share. */
final class RealApps {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RealApps() {
  }

  /** Runs an install script of the project (cached outside the clone) and returns the directory it prints. */
  static Path install(String script) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", ControlPlane.projectRoot().resolve(script).toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String directory = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor()).as(script).isZero();
    return Path.of(directory);
  }

  /**
   * The pod of a Deployment annotated with {@code annotations}, as admitted: retried until
   * {@code injected} holds (the webhook's cache may not have the Instrumentation yet).
   */
  static Pod injectedPod(E2eCluster cluster, String namespace, String deployment, Map<String, String> annotations,
      Container container, Predicate<Pod> injected) {
    Pod[] pod = new Pod[1];
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
      pod[0] = cluster.deploy(Scenario.deployment(namespace, deployment + "-" + System.nanoTime() % 100000,
          annotations, container)).get(0).pod();
      return injected.test(pod[0]);
    });
    return pod[0];
  }

  /** Whether the pod got an init container (an agent). */
  static boolean hasInitContainer(Pod pod) {
    return pod.getSpec().getInitContainers() != null && !pod.getSpec().getInitContainers().isEmpty();
  }

  /** The name of the Deployment that owns {@code pod} (through its ReplicaSet): its service name. */
  static String deploymentOf(Pod pod) {
    return pod.getMetadata().getOwnerReferences().get(0).getName().replaceFirst("-[^-]+$", "");
  }

  static HttpResponse<String> get(int port, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<ReceivedSpan> spansOf(OtlpHttpReceiver receiver, String service) {
    return receiver.spans().stream().filter(s -> service.equals(s.resource().get("service.name"))).toList();
  }
}
