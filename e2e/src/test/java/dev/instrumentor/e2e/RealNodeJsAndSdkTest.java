package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.LocalContainer;
import dev.instrumentor.e2e.harness.Scenario;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proofs that Node.js injection and SDK-only injection work: pods injected through the webhook
 * run on this machine under exactly the injected environment, with the real packages from their
 * registries: for Node.js, the agent layout built from npm by the image's own recipe
 * ({@code images/nodejs-agent/layout.sh}, via {@code e2e/nodejs/install.sh}) and two {@code node:http}
 * services without OpenTelemetry code; for SDK-only, a Python service that sets up the SDK from PyPI
 * in its own code and has no agent. What they export over OTLP/HTTP is decoded.
 */
class RealNodeJsAndSdkTest {

  private static final Path NODE_SOURCES = ControlPlane.projectRoot().resolve("e2e/src/test/nodejs");
  private static final Path PYTHON_SOURCES = ControlPlane.projectRoot().resolve("e2e/src/test/python");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";
  private static final Pattern LISTENING = Pattern.compile("^LISTENING (\\d+)");

  static E2eCluster cluster;
  static String namespace;
  static Path nodejs;
  static Path python;

  @TempDir
  Path root;

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    nodejs = RealApps.install("e2e/nodejs/install.sh");
    python = RealApps.install("e2e/python/install.sh");
    cluster = E2eCluster.fromEnvironment();
    namespace = cluster.namespace("nodejs-sdk-proof", Map.of());
  }

  private static void instrumentation(String name, String endpoint, SamplerType samplerType, String argument) {
    // export fast: the test waits on what arrives, not on the SDK's 5 s delay
    Instrumentation instrumentation = Scenario.proofInstrumentation(namespace, name, endpoint, samplerType,
        argument, List.of(new EnvVar("OTEL_BSP_SCHEDULE_DELAY", "100", null)));
    cluster.client().resource(instrumentation).create();
  }

  private static Container app(String name, String image, EnvVar... env) {
    Container container = Scenario.app(name);
    container.setImage("registry.example.com/shop/" + image);
    container.setEnv(new ArrayList<>(List.of(env)));
    return container;
  }

  private LocalContainer run(Pod pod, String agentVolume, Path agentContent, List<String> command,
      Map<String, String> overrides) throws Exception {
    String container = pod.getSpec().getContainers().get(0).getName();
    return LocalContainer.start(pod, container, pod.getMetadata().getName(), "node-1", Map.of(), root.resolve(container),
        new LocalContainer.Launch(agentVolume, agentContent, Map.of(), command, null, LISTENING, overrides));
  }

  private LocalContainer runNode(Pod pod, String role, Map<String, String> overrides) throws Exception {
    return run(pod, "instrumentor-nodejs-agent", nodejs.resolve("autoinstrumentation"),
        List.of("node", NODE_SOURCES.resolve("httpapp.js").toString(), role), overrides);
  }

  private static void assertKubernetesIdentity(ReceivedSpan span, Pod pod, String service, String language) {
    assertThat(span.resource())
        .containsEntry("service.name", service)
        .containsEntry("k8s.namespace.name", namespace)
        .containsEntry("k8s.pod.name", pod.getMetadata().getName())
        .containsEntry("k8s.node.name", "node-1")
        .containsEntry("k8s.deployment.name", service)
        .containsEntry("k8s.container.name", pod.getSpec().getContainers().get(0).getName())
        .containsEntry("deployment.environment.name", "e2e")
        .containsEntry("telemetry.sdk.language", language);
  }

  @Test
  void aNodeFrontCallingANodeBackIsOneTraceWithEachServicesKubernetesIdentity() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("node", receiver.endpoint(), SamplerType.PARENTBASED_TRACEIDRATIO, "1");
      Map<String, String> annotations = Map.of("instrumentor.dev/inject-nodejs", "node");
      Pod backPod = RealApps.injectedPod(cluster, namespace, "back", annotations, app("back", "back:5.0.2"),
          RealApps::hasInitContainer);
      // the team's own NODE_OPTIONS stays, before the agent's --require
      Pod frontPod = RealApps.injectedPod(cluster, namespace, "front", annotations, app("front", "front:5.0.2",
          new EnvVar("NODE_OPTIONS", "--max-http-header-size=32768", null),
          new EnvVar("BACK_URL", "http://back:8080", null)), RealApps::hasInitContainer);
      String back = RealApps.deploymentOf(backPod);
      String front = RealApps.deploymentOf(frontPod);

      try (LocalContainer backApp = runNode(backPod, "back", Map.of());
           LocalContainer frontApp = runNode(frontPod, "front", Map.of("BACK_URL", "http://127.0.0.1:" + backApp.port()))) {
        assertThat(frontApp.environment().get("NODE_OPTIONS"))
            .matches("--max-http-header-size=32768 --require .*/instrumentor/nodejs/autoinstrumentation\\.js");
        assertThat(frontApp.environment()).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .containsEntry("OTEL_METRICS_EXPORTER", "otlp");
        HttpResponse<String> answer = RealApps.get(frontApp.port(), "/front",
            Map.of("b3", TRACE_ID + "-" + PARENT_SPAN_ID + "-1"));
        assertThat(answer.statusCode()).as(frontApp.startupLog()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("front+back");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(RealApps.spansOf(receiver, front)).as("front's spans\n" + frontApp.startupLog())
              .anyMatch(ReceivedSpan::isServer);
          assertThat(RealApps.spansOf(receiver, back)).as("back's spans\n" + backApp.startupLog())
              .anyMatch(ReceivedSpan::isServer);
        });
      }

      ReceivedSpan frontServer = RealApps.spansOf(receiver, front).stream().filter(ReceivedSpan::isServer)
          .findFirst().orElseThrow();
      ReceivedSpan backServer = RealApps.spansOf(receiver, back).stream().filter(ReceivedSpan::isServer)
          .findFirst().orElseThrow();
      assertThat(frontServer.traceId()).as("the B3 parent honoured").isEqualTo(TRACE_ID);
      assertThat(frontServer.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
      assertThat(backServer.traceId()).as("one trace across both services").isEqualTo(TRACE_ID);
      assertThat(RealApps.spansOf(receiver, front)).as("front's client span is back's parent")
          .anyMatch(span -> span.spanId().equals(backServer.parentSpanId()));
      assertKubernetesIdentity(frontServer, frontPod, front, "nodejs");
      assertKubernetesIdentity(backServer, backPod, back, "nodejs");
      assertThat(frontServer.resource()).containsEntry("service.version", "5.0.2");
    }
  }

  @Test
  void aServiceThatSetsUpTheSdkInItsCodeExportsWithTheInjectedSettingsAndNoAgent() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("sdk", receiver.endpoint(), SamplerType.PARENTBASED_ALWAYS_ON, null);
      Pod pod = RealApps.injectedPod(cluster, namespace, "checkout", Map.of("instrumentor.dev/inject-sdk", "sdk"),
          app("checkout", "checkout:1.7.0"), injected -> injected.getSpec().getContainers().get(0).getEnv().stream()
              .anyMatch(var -> var.getName().equals("OTEL_EXPORTER_OTLP_ENDPOINT")));
      assertThat(pod.getSpec().getInitContainers()).as("no agent").isNullOrEmpty();
      assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).as("no agent volume")
          .noneMatch(mount -> mount.getName().startsWith("instrumentor-"));
      String service = RealApps.deploymentOf(pod);

      try (LocalContainer app = run(pod, null, null, List.of(python.resolve("sdkapp/bin/python").toString(),
          PYTHON_SOURCES.resolve("sdkapp.py").toString()), Map.of("PYTHONDONTWRITEBYTECODE", "1"))) {
        assertThat(app.environment()).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
            .containsEntry("OTEL_PROPAGATORS", "tracecontext,baggage,b3")
            .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_always_on")
            .doesNotContainKeys("PYTHONPATH", "OTEL_TRACES_EXPORTER");
        HttpResponse<String> answer = RealApps.get(app.port(), "/work", Map.of("b3", TRACE_ID + "-" + PARENT_SPAN_ID + "-1"));
        assertThat(answer.statusCode()).as(app.startupLog()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(RealApps.spansOf(receiver, service))
            .as("the service's spans\n" + app.startupLog()).anyMatch(ReceivedSpan::isServer));
      }
      ReceivedSpan span = RealApps.spansOf(receiver, service).get(0);
      assertThat(span.span().getName()).isEqualTo("GET /work");
      assertThat(span.traceId()).as("the injected propagators (b3) are the SDK's").isEqualTo(TRACE_ID);
      assertThat(span.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
      assertKubernetesIdentity(span, pod, service, "python");
      assertThat(span.resource()).containsEntry("service.version", "1.7.0");
    }
  }
}
