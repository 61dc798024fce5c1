package dev.instrumentor.e2e.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.ReviewLoad;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A webhook too busy to take a review answers 503 with {@code Retry-After: 1}; the real API server's client calls
 * again after a second instead of failing the call, so the pod is instrumented once the webhook has room, where a
 * bare 503 would have let {@code failurePolicy: Ignore} admit it as is. The test fills the webhook's bytes in flight
 * (8 MiB) itself: two requests that announce 4 MiB bodies and send none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BusyWebhookOnRealApiServerTest {

  private static final String STATUS = "instrumentor.dev/injection-status";

  private RealCluster cluster;
  private KubernetesClient client;
  private String namespace;
  private final List<Socket> held = new ArrayList<>();

  @BeforeAll
  void setUp() {
    E2eCluster environment = E2eCluster.fromEnvironment();
    assumeTrue(environment instanceof RealCluster, "needs a real API server");
    cluster = (RealCluster) environment;
    client = cluster.client();
    namespace = cluster.namespace("busy", Map.of());
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, "java", "http://collector.observability:4318");
    instrumentation.getMetadata().setGeneration(null);
    client.resource(instrumentation).create();
    Pod probe = pod("probe");
    // the webhook's cache has the Instrumentation once a pod comes back injected
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(() -> client.resource(probe).dryRun().create().getMetadata().getAnnotations().get(STATUS) != null);
  }

  @AfterAll
  void release() throws IOException {
    for (Socket socket : held) {
      socket.close();
    }
  }

  @Test
  void aReviewRefusedAsBusyIsRetriedByTheApiServerAndThePodIsInstrumented() throws Exception {
    // 2 x 4 MiB announced: the webhook's 8 MiB of bodies in flight are taken until these connections go
    for (int i = 0; i < 2; i++) {
      held.add(announce(4 * 1024 * 1024));
    }
    // the webhook has taken both: a small review is refused now, with the header the API server's client honours
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> answerTo("x").startsWith("HTTP/1.1 503"));
    assertThat(answerTo("x")).containsIgnoringCase("\r\nretry-after: 1\r\n");
    CompletableFuture<Pod> admitted = CompletableFuture.supplyAsync(() -> client.resource(pod("busy")).dryRun().create());

    // while the webhook is full, the API server keeps calling again (once a second) rather than admitting the pod:
    // with a bare 503 the create would return at once, without the injection
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
        .until(() -> !admitted.isDone());
    release();

    Pod pod = admitted.get(10, TimeUnit.SECONDS);
    assertThat(pod.getMetadata().getAnnotations()).as("the retried review was answered with the injection")
        .containsKey(STATUS);
    assertThat(pod.getMetadata().getAnnotations().get(STATUS)).contains("\"java\"", "injected");
    assertThat(pod.getSpec().getInitContainers()).as("the agent's init container").isNotEmpty();
  }

  private Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToAnnotations("instrumentor.dev/inject-java", "true").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build();
  }

  /** The webhook's whole answer to a POST of {@code body} on a new connection (it closes the connection). */
  private String answerTo(String body) throws IOException, GeneralSecurityException {
    try (Socket socket = connect()) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /mutate-pod HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close"
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A TLS connection to the webhook with a request that announces {@code bytes} of body and sends none. */
  private Socket announce(int bytes) throws IOException, GeneralSecurityException {
    Socket socket = connect();
    OutputStream out = socket.getOutputStream();
    out.write(("POST /mutate-pod HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + bytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** A TLS connection to the in-process operator's webhook. */
  private Socket connect() throws IOException, GeneralSecurityException {
    // the local webhook's throwaway CA is not at hand here; what is tested is the answer, not the certificate
    SSLContext tls = ReviewLoad.acceptingAnyCertificate();
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", cluster.webhookPort());
    socket.startHandshake();
    return socket;
  }
}
