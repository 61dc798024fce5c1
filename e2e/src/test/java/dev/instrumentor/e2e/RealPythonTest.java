package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.LocalContainer;
import dev.instrumentor.e2e.harness.Scenario;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedLog;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that Python injection works: pods injected through the webhook run on this machine with
 * the real OpenTelemetry distro and instrumentations from PyPI, installed as the agent image holds
 * them ({@code e2e/python/install.sh}, from {@code images/python-agent/requirements.txt}), under
 * exactly the injected environment; what they export over OTLP/HTTP is decoded. The applications
 * ({@code src/test/python}) contain no OpenTelemetry code.
 */
class RealPythonTest {

  private static final Path SOURCES = ControlPlane.projectRoot().resolve("e2e/src/test/python");
  private static final String TRACE_ID = "80f198ee56343ba864fe8b2a57d3eff7";
  private static final String PARENT_SPAN_ID = "e457b5a2e4d86bd1";
  private static final Pattern LISTENING = Pattern.compile("^LISTENING (\\d+)");

  static E2eCluster cluster;
  static String namespace;
  static Path installed;

  @TempDir
  Path root;

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    // e2e/python/install.sh (cached): the agent layout and the applications' virtualenv
    installed = RealApps.install("e2e/python/install.sh");
    cluster = E2eCluster.fromEnvironment();
    namespace = cluster.namespace("python-proof", Map.of());
  }

  private static void instrumentation(String name, String endpoint, SamplerType samplerType, String argument) {
    // export fast: the test waits on what arrives, not on the SDK's 5 s and 60 s intervals
    cluster.client().resource(Scenario.proofInstrumentation(namespace, name, endpoint, samplerType, argument,
        List.of(new EnvVar("OTEL_BSP_SCHEDULE_DELAY", "100", null), new EnvVar("OTEL_BLRP_SCHEDULE_DELAY", "100", null),
            new EnvVar("OTEL_METRIC_EXPORT_INTERVAL", "1000", null)))).create();
  }

  /** A container as the teams write them: their code under /app, on PYTHONPATH. */
  private static Container app(String name, EnvVar... env) {
    List<EnvVar> vars = new ArrayList<>(List.of(env));
    vars.add(0, new EnvVar("PYTHONPATH", "/app", null));
    Container container = Scenario.app(name);
    container.setImage("registry.example.com/shop/" + name + ":2.4.1");
    container.setEnv(vars);
    return container;
  }

  /** The annotated Deployment's pod, as admitted (retried until the webhook's cache has the Instrumentation). */
  private Pod injectedPod(String deployment, String instrumentation, Container container) {
    return RealApps.injectedPod(cluster, namespace, deployment, Map.of("instrumentor.dev/inject-python", instrumentation),
        container, RealApps::hasInitContainer);
  }

  private static String deploymentOf(Pod pod) {
    return RealApps.deploymentOf(pod);
  }

  private LocalContainer run(Pod pod, List<String> command, Pattern listening, Map<String, String> overrides)
      throws Exception {
    String container = pod.getSpec().getContainers().get(0).getName();
    return LocalContainer.start(pod, container, pod.getMetadata().getName(), "node-1", Map.of(), root.resolve(container),
        new LocalContainer.Launch("instrumentor-python-agent", installed.resolve("autoinstrumentation"),
            Map.of("/app", SOURCES), command, SOURCES, listening, withoutBytecode(overrides)));
  }

  /** No __pycache__ written into the source tree by the runs. */
  private static Map<String, String> withoutBytecode(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.put("PYTHONDONTWRITEBYTECODE", "1");
    return all;
  }

  private LocalContainer runFlask(Pod pod, String role, Map<String, String> overrides) throws Exception {
    return run(pod, List.of(python(), SOURCES.resolve("flaskapp.py").toString(), role), LISTENING, overrides);
  }

  private static String python() {
    return installed.resolve("app/bin/python").toString();
  }

  private HttpResponse<String> get(int port, String path, Map<String, String> headers) throws Exception {
    return RealApps.get(port, path, headers);
  }

  private static List<ReceivedSpan> spansOf(OtlpHttpReceiver receiver, String service) {
    return RealApps.spansOf(receiver, service);
  }

  /**
   * For a failure's message: the log records that arrived by body, the app's ("hello served by worker N", one per
   * request) and any other (an SDK's warning that an export failed is one).
   */
  private static Map<String, Long> loggedBy(OtlpHttpReceiver receiver) {
    return receiver.logs().stream().map(ReceivedLog::body)
        .collect(Collectors.groupingBy(body -> body, TreeMap::new, Collectors.counting()));
  }

  @Test
  void aFlaskFrontCallingAFlaskBackIsOneTraceWithEachServicesKubernetesIdentity() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("flask", receiver.endpoint(), SamplerType.PARENTBASED_TRACEIDRATIO, "1");
      Pod backPod = injectedPod("back", "flask", app("back"));
      Pod frontPod = injectedPod("front", "flask", app("front", new EnvVar("BACK_URL", "http://back:8080", null)));
      String back = deploymentOf(backPod);
      String front = deploymentOf(frontPod);

      try (LocalContainer backApp = runFlask(backPod, "back", Map.of());
           LocalContainer frontApp = runFlask(frontPod, "front",
               Map.of("BACK_URL", "http://127.0.0.1:" + backApp.port()))) {
        assertThat(frontApp.environment()).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .containsEntry("OTEL_TRACES_EXPORTER", "otlp")
            .containsEntry("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "true");
        assertThat(frontApp.environment().get("PYTHONPATH")).as("the user's /app kept between the agent's parts")
            .matches(".*/instrumentor/python/opentelemetry/instrumentation/auto_instrumentation:" + SOURCES
                + ":.*/instrumentor/python");
        // a caller that propagates B3: the Instrumentation's propagators include b3
        HttpResponse<String> answer = get(frontApp.port(), "/front", Map.of("b3", TRACE_ID + "-" + PARENT_SPAN_ID + "-1"));
        assertThat(answer.statusCode()).as(frontApp.startupLog()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("front+back");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(spansOf(receiver, front)).as("front's spans\n" + frontApp.startupLog()).anyMatch(ReceivedSpan::isServer);
          assertThat(spansOf(receiver, back)).as("back's spans\n" + backApp.startupLog()).anyMatch(ReceivedSpan::isServer);
          assertThat(receiver.logs()).as("log records").anyMatch(log -> log.body().contains("back handles a request"));
        });
      }

      ReceivedSpan frontServer = spansOf(receiver, front).stream().filter(ReceivedSpan::isServer).findFirst().orElseThrow();
      ReceivedSpan backServer = spansOf(receiver, back).stream().filter(ReceivedSpan::isServer).findFirst().orElseThrow();
      assertThat(frontServer.traceId()).as("the B3 parent honoured").isEqualTo(TRACE_ID);
      assertThat(frontServer.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
      assertThat(backServer.traceId()).as("one trace across both services").isEqualTo(TRACE_ID);
      assertThat(spansOf(receiver, front)).as("front's requests client span is back's parent")
          .anyMatch(span -> span.spanId().equals(backServer.parentSpanId()));
      for (Map.Entry<Pod, String> service : Map.of(frontPod, front, backPod, back).entrySet()) {
        Pod pod = service.getKey();
        assertThat(spansOf(receiver, service.getValue()).get(0).resource())
            .containsEntry("service.name", service.getValue())
            .containsEntry("k8s.namespace.name", namespace)
            .containsEntry("k8s.pod.name", pod.getMetadata().getName())
            .containsEntry("k8s.node.name", "node-1")
            .containsEntry("k8s.deployment.name", service.getValue())
            .containsEntry("k8s.container.name", pod.getSpec().getContainers().get(0).getName())
            .containsEntry("service.version", "2.4.1")
            .containsEntry("deployment.environment.name", "e2e")
            .containsEntry("telemetry.sdk.language", "python");
      }
      ReceivedLog log = receiver.logs().stream().filter(l -> l.body().contains("back handles a request"))
          .findFirst().orElseThrow();
      assertThat(log.traceId()).as("the log record carries its trace").isEqualTo(TRACE_ID);
      assertThat(log.resource()).containsEntry("service.name", back);
    }
  }

  /**
   * Django under gunicorn with two prefork workers, as the teams run it: the SDK is set up by the
   * distro in gunicorn's master before it forks, and each worker must still export.
   */
  @Test
  void djangoUnderGunicornExportsFromEveryPreforkWorker() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("django", receiver.endpoint(), SamplerType.PARENTBASED_ALWAYS_ON, null);
      Container container = app("shop", new EnvVar("DJANGO_SETTINGS_MODULE", "djangoapp.settings", null));
      Pod pod = injectedPod("shop", "django", container);
      String service = deploymentOf(pod);
      Map<String, Integer> servedBy = new TreeMap<>();
      int requests = 0;
      // port 0: gunicorn binds a free port and logs it
      try (LocalContainer shop = run(pod, List.of(python(), "-m", "gunicorn", "--workers", "2", "--bind",
          "127.0.0.1:0", "djangoapp.wsgi"), Pattern.compile("Listening at: http://127\\.0\\.0\\.1:(\\d+)"), Map.of())) {
        await().atMost(Duration.ofSeconds(30)).until(() -> shop.startupLog().split("Booting worker").length > 2);
        // new connections (a new client each time) until both workers served, and at least 30 requests
        while (requests < 30 || servedBy.size() < 2) {
          assertThat(requests).as("both workers served within 300 requests: %s\n%s", servedBy, shop.startupLog())
              .isLessThan(300);
          HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + shop.port() + "/hello")).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).as(shop.startupLog()).isEqualTo(200);
          servedBy.merge(answer.body(), 1, Integer::sum);
          requests++;
        }
        int sent = requests;
        // OTLP delivery is at least once (an export that timed out is sent again): count distinct spans and traces
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(spansOf(receiver, service).stream().filter(ReceivedSpan::isServer).map(ReceivedSpan::spanId)
              .distinct().count())
              .as("a server span for every request, whichever worker served it (served: %s, logged: %s)\n%s",
                  servedBy, loggedBy(receiver), shop.startupLog())
              .isEqualTo(sent);
          assertThat(receiver.logs().stream().filter(log -> log.body().contains("hello served by worker"))
              .map(ReceivedLog::traceId).distinct().count()).as("a log record in each request's trace").isEqualTo(sent);
          assertThat(receiver.metrics()).as("metrics")
              .anyMatch(metric -> metric.name().startsWith("http.server.") && metric.name().contains("duration"));
        });
      }
      Set<String> spanTraces = new HashSet<>();
      spansOf(receiver, service).forEach(span -> spanTraces.add(span.traceId()));
      assertThat(receiver.logs()).filteredOn(log -> log.body().contains("hello served by worker"))
          .allSatisfy(log -> assertThat(spanTraces).as("each log record is in its request's trace").contains(log.traceId()));
    }
  }

  @Test
  void aRatioOfZeroExportsNoSpansWhileTheAppIsInstrumented() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("never", receiver.endpoint(), SamplerType.TRACEIDRATIO, "0");
      Pod pod = injectedPod("quiet", "never", app("back"));
      String service = deploymentOf(pod);
      try (LocalContainer app = runFlask(pod, "back", Map.of())) {
        for (int i = 0; i < 5; i++) {
          assertThat(get(app.port(), "/back", Map.of()).statusCode()).isEqualTo(200);
        }
        assertThat(app.environment()).containsEntry("OTEL_TRACES_SAMPLER", "traceidratio")
            .containsEntry("OTEL_TRACES_SAMPLER_ARG", "0");
        // the instrumentation is active: its logs and metrics arrive; only spans are sampled out
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(receiver.logs())
            .anyMatch(log -> service.equals(log.resource().get("service.name")) && log.body().contains("back handles")));
        app.stop();
      }
      assertThat(spansOf(receiver, service)).isEmpty();
    }
  }

  /**
   * What keeps a Python service's logs local, as the README says: {@code OTEL_LOGS_EXPORTER=none}. Turning the SDK's
   * log handler off ({@code OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=false}) does not: the logging
   * instrumentation then installs its own handler, and the records are exported all the same.
   */
  @Test
  void logsStayLocalWithTheLogsExporterNoneAndNotWithTheHandlerSwitch() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      instrumentation("local-logs", receiver.endpoint(), SamplerType.PARENTBASED_ALWAYS_ON, null);
      Map<String, Map<String, String>> cases = new LinkedHashMap<>();
      cases.put("switch-off", Map.of("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "false"));
      cases.put("exporter-none", Map.of("OTEL_LOGS_EXPORTER", "none"));
      Map<String, Long> exported = new LinkedHashMap<>();
      for (Map.Entry<String, Map<String, String>> entry : cases.entrySet()) {
        Pod pod = injectedPod("logs-" + entry.getKey(), "local-logs", app("logs-" + entry.getKey()));
        String service = deploymentOf(pod);
        try (LocalContainer app = runFlask(pod, "back", entry.getValue())) {
          for (int i = 0; i < 3; i++) {
            assertThat(get(app.port(), "/back", Map.of()).statusCode()).isEqualTo(200);
          }
          // the service is instrumented and exporting: its spans arrive
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
              assertThat(spansOf(receiver, service)).hasSizeGreaterThanOrEqualTo(3));
          assertThat(app.stop()).as("stopped as the kubelet stops it (SIGTERM), the app exits cleanly").isZero();
        }
        // the SDK flushed what it held at exit: whatever the setting lets out has arrived by now
        exported.put(entry.getKey(), receiver.logs().stream()
            .filter(log -> service.equals(log.resource().get("service.name")) && log.body().contains("back handles"))
            .count());
      }
      assertThat(exported).as("log records exported per setting").containsEntry("exporter-none", 0L);
      assertThat(exported.get("switch-off")).as("log records exported with the handler switch off")
          .isGreaterThanOrEqualTo(3);
    }
  }
}
