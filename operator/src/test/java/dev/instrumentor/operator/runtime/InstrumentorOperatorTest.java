package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole operator process against the fabric8 mock API server in CRUD mode (server-side apply off). */
@EnableKubernetesMockClient(crud = true)
class InstrumentorOperatorTest {

  private static final String NS = "observability";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir
  Path directory;
  private TestTls tls;
  private InstrumentorOperator operator;

  @BeforeEach
  void start() throws Exception {
    tls = new TestTls(directory);
    operator = OperatorHarness.start(server, client, tls);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  private HttpResponse<String> admit(JsonNode review) throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
    return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + operator.webhookPort() + "/mutate-pod"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(AdmissionReviews.bytes(review))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private TelemetryCollector collector(String name) {
    return client.resources(TelemetryCollector.class).inNamespace(NS).withName(name).get();
  }

  private Condition ready(TelemetryCollector collector) {
    return collector == null || collector.getStatus() == null ? null
        : Conditions.get(collector.getStatus().getConditions(), Conditions.READY);
  }

  @Test
  void sidecarInjectionThroughTheAdmissionServer() throws Exception {
    client.resource(OperatorHarness.collector(NS, "agent", CollectorMode.SIDECAR, OperatorHarness.DEBUG_CONFIG)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(collector("agent")) != null);
    assertThat(ready(collector("agent")).getReason()).isEqualTo("SidecarMode");
    assertThat(client.configMaps().inNamespace(NS).withName("agent-collector").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    Pod pod = Fixtures.deploymentPod("shop", Map.of("instrumentor.dev/inject-sidecar", "true")).editMetadata()
        .withNamespace(NS).endMetadata().build();

    JsonNode answer = AdmissionReviews.read(admit(AdmissionReviews.forPod(pod)).body());

    assertThat(answer.path("response").has("warnings")).as(answer.toString()).isFalse();
    JsonNode patched = AdmissionReviews.patchedObject(AdmissionReviews.forPod(pod), answer);
    JsonNode sidecar = patched.path("spec").path("initContainers").get(0);
    assertThat(sidecar.path("name").asText()).isEqualTo("otc-container");
    assertThat(sidecar.path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(sidecar.path("args").get(0).asText()).isEqualTo("--config=/conf/collector.yaml");
    assertThat(patched.path("spec").path("volumes").toString()).contains("agent-collector");
    assertThat(patched.path("metadata").path("annotations").path("instrumentor.dev/injection-status").asText())
        .contains("\"sidecar\":{\"status\":\"injected\"");
  }

  @Test
  void javaInjectionReadsTheCacheAndMakesNoApiCall() throws Exception {
    client.resource(new NamespaceBuilder().withNewMetadata().withName("demo")
        .addToAnnotations("instrumentor.dev/inject-java", "true").endMetadata().build()).create();
    client.resource(Fixtures.instrumentation("demo", "java", "http://collector:4317")).create();
    Pod pod = Fixtures.deploymentPod("shop", Map.of()).build(); // asks through its namespace only
    await().atMost(Duration.ofSeconds(20)).until(() ->
        AdmissionReviews.patch(AdmissionReviews.read(admit(AdmissionReviews.forPod(pod)).body())) != null);
    OperatorHarness.drainRequests(server);

    for (int i = 0; i < 1000; i++) {
      JsonNode answer = AdmissionReviews.read(admit(AdmissionReviews.forPod(pod)).body());
      assertThat(AdmissionReviews.patchedObject(AdmissionReviews.forPod(pod), answer).toString())
          .contains("-javaagent:/instrumentor/java/javaagent.jar");
    }

    assertThat(OperatorHarness.drainRequests(server)).as("API requests during 1,000 admissions").isEmpty();
    assertThat(operator.metrics().value("instrumentor_injections_total", "language", "java", "status", "injected"))
        .isGreaterThanOrEqualTo(1000);
  }

  @Test
  void healthReadinessAndMetrics() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + operator.metricsPort();
    await().atMost(Duration.ofSeconds(10)).until(operator::ready);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    admit(AdmissionReviews.deploymentPodCreate());
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("# TYPE instrumentor_webhook_requests_total counter",
        "instrumentor_webhook_request_duration_seconds_count 1", "instrumentor_webhook_request_duration_seconds_bucket{le=\"+Inf\"} 1");
  }
}
