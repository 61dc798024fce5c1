package dev.instrumentor.e2e;

import static dev.instrumentor.e2e.harness.Scenario.proofInstrumentation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.e2e.app.HelloApp;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.LocalContainer;
import dev.instrumentor.e2e.harness.Scenario;
import dev.instrumentor.e2e.otlp.OtlpCollector;
import dev.instrumentor.e2e.otlp.OtlpGrpcReceiver;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that injection works: a pod injected through the webhook is run on this machine with
 * the real OpenTelemetry Java agent from Maven Central, and what it exports is decoded.
 */
class RealAgentTest {

  private static final Path AGENT = Path.of(System.getProperty("e2e.agent.jar"));
  private static final String CLASSES = System.getProperty("e2e.test.classes");
  private static final String TRACE_ID = "80f198ee56343ba864fe8b2a57d3eff7";
  private static final String PARENT_SPAN_ID = "e457b5a2e4d86bd1";

  static E2eCluster cluster;
  static String namespace;
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path root;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
    namespace = cluster.namespace("agent-proof", Map.of());
  }

  private static void instrumentation(String name, String endpoint, SamplerType samplerType, String argument) {
    // export fast and only traces: the test waits on spans, not on the agent's 5 s batching
    cluster.client().resource(proofInstrumentation(namespace, name, endpoint, samplerType, argument,
        List.of(new EnvVar("OTEL_BSP_SCHEDULE_DELAY", "100", null), new EnvVar("OTEL_METRICS_EXPORTER", "none", null),
            new EnvVar("OTEL_LOGS_EXPORTER", "none", null)))).create();
  }


  /** The annotated Deployment's pod, as admitted (retried until the webhook's cache has the Instrumentation). */
  private Pod injectedPod(String deployment, String instrumentation) {
    Pod[] pod = new Pod[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      pod[0] = cluster.deploy(Scenario.deployment(namespace, deployment + "-" + System.nanoTime() % 100000,
          Map.of("instrumentor.dev/inject-java", instrumentation), Scenario.app("app"))).get(0).pod();
      return pod[0].getSpec().getInitContainers() != null && !pod[0].getSpec().getInitContainers().isEmpty();
    });
    return pod[0];
  }

  private LocalContainer run(Pod pod) throws Exception {
    return LocalContainer.start(pod, "app", pod.getMetadata().getName(), "node-1", Map.of(), AGENT, root, CLASSES,
        HelloApp.class.getName());
  }

  private int get(LocalContainer app, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/hello"));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static List<ReceivedSpan> serverSpansOf(OtlpCollector receiver, String service) {
    return receiver.serverSpans().stream().filter(s -> service.equals(s.resource().get("service.name"))).toList();
  }

  @Test
  void anInjectedPodExportsServerSpansWithItsKubernetesIdentityOverHttp() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("http", receiver.endpoint(), SamplerType.PARENTBASED_TRACEIDRATIO, "1");
      Pod pod = injectedPod("hello", "http");
      String deployment = pod.getMetadata().getOwnerReferences().get(0).getName().replaceFirst("-[^-]+$", "");

      try (LocalContainer app = run(pod)) {
        assertThat(app.environment()).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        // a caller that propagates B3: the Instrumentation's propagators include b3
        assertThat(get(app, Map.of("b3", TRACE_ID + "-" + PARENT_SPAN_ID + "-1"))).isEqualTo(200);

        await().atMost(Duration.ofSeconds(60)).until(() -> !serverSpansOf(receiver, deployment).isEmpty());
      }

      ReceivedSpan span = serverSpansOf(receiver, deployment).get(0);
      assertThat(span.traceId()).isEqualTo(TRACE_ID);
      assertThat(span.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
      assertThat(span.resource())
          .containsEntry("service.name", deployment)
          .containsEntry("k8s.namespace.name", namespace)
          .containsEntry("k8s.pod.name", pod.getMetadata().getName())
          .containsEntry("k8s.node.name", "node-1")
          .containsEntry("k8s.deployment.name", deployment)
          .containsEntry("k8s.container.name", "app")
          .containsEntry("service.instance.id", namespace + "." + pod.getMetadata().getName() + ".app")
          .containsEntry("service.version", "1.0.0")
          .containsEntry("deployment.environment.name", "e2e");
    }
  }

  @Test
  void aRatioOfZeroExportsNoSpans() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("never", receiver.endpoint(), SamplerType.TRACEIDRATIO, "0");
      Pod pod = injectedPod("silent", "never");
      String deployment = pod.getMetadata().getOwnerReferences().get(0).getName().replaceFirst("-[^-]+$", "");

      LocalContainer app = run(pod);
      // the agent did attach: no spans below is the sampler's doing, not a missing agent
      assertThat(app.startupLog()).contains("opentelemetry-javaagent - version: ");
      for (int i = 0; i < 5; i++) {
        assertThat(get(app, Map.of())).isEqualTo(200);
      }
      app.stop(); // SIGTERM: the agent flushes whatever it sampled before exiting

      assertThat(app.environment()).containsEntry("OTEL_TRACES_SAMPLER", "traceidratio")
          .containsEntry("OTEL_TRACES_SAMPLER_ARG", "0");
      assertThat(serverSpansOf(receiver, deployment)).isEmpty();
    }
  }

  @Test
  void anEndpointOnPort4317IsSpokenToWithGrpc() throws Exception {
    try (OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(4317)) {
      instrumentation("grpc", "http://127.0.0.1:4317", SamplerType.ALWAYS_ON, null);
      Pod pod = injectedPod("grpc", "grpc");
      String deployment = pod.getMetadata().getOwnerReferences().get(0).getName().replaceFirst("-[^-]+$", "");

      try (LocalContainer app = run(pod)) {
        assertThat(app.environment()).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        assertThat(get(app, Map.of())).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> !serverSpansOf(receiver, deployment).isEmpty());
      }
      assertThat(serverSpansOf(receiver, deployment).get(0).resource()).containsEntry("k8s.deployment.name", deployment);
    }
  }
}
