package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.api.v1alpha1.Tls;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
    // a 1.31 API server: collectors are injected as native sidecars
    server.setVersionInfo(new io.fabric8.kubernetes.client.VersionInfo.Builder().withMajor("1").withMinor("31").build());
    tls = new TestTls(directory);
    operator = new InstrumentorOperator(OperatorHarness.config(tls, false), client, Clock.systemUTC()).start();
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  private static final String CONFIG = """
      receivers:
        otlp:
          protocols: {grpc: {}, http: {}}
      processors: {batch: {}}
      exporters: {debug: {}}
      service:
        pipelines:
          traces: {receivers: [otlp], processors: [batch], exporters: [debug]}
      """;

  private TelemetryCollector createCollector(String name, CollectorMode mode, String config) {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName(name);
    collector.getMetadata().setNamespace(NS);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(mode);
    spec.setReplicas(mode == CollectorMode.DEPLOYMENT ? 2 : null);
    spec.setConfig(SERIALIZATION.unmarshal(config, JsonNode.class));
    collector.setSpec(spec);
    return client.resource(collector).create();
  }

  private TelemetryCollector collector(String name) {
    return client.resources(TelemetryCollector.class).inNamespace(NS).withName(name).get();
  }

  private Condition ready(TelemetryCollector collector) {
    return collector == null || collector.getStatus() == null ? null
        : Conditions.get(collector.getStatus().getConditions(), Conditions.READY);
  }

  @Test
  void aDeploymentModeCollectorGetsItsObjectsAndStatus() {
    TelemetryCollector created = createCollector("gateway", CollectorMode.DEPLOYMENT, CONFIG);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(ready(collector("gateway"))).isNotNull();
      assertThat(ready(collector("gateway")).getReason()).isEqualTo("Deploying");
    });
    Deployment deployment = client.apps().deployments().inNamespace(NS).withName("gateway-collector").get();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid()));
    assertThat(client.configMaps().inNamespace(NS).withName("gateway-collector").get().getData()).containsKey("collector.yaml");
    assertThat(client.serviceAccounts().inNamespace(NS).withName("gateway-collector").get()).isNotNull();
    Service service = client.services().inNamespace(NS).withName("gateway-collector").get();
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly("otlp-grpc:4317", "otlp-http:4318");
    assertThat(client.services().inNamespace(NS).withName("gateway-collector-monitoring").get()).isNotNull();
    TelemetryCollector status = collector("gateway");
    assertThat(status.getStatus().getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
    assertThat(status.getStatus().getScale().getStatusReplicas()).isEqualTo("0/2");
    assertThat(status.getStatus().getScale().getSelector()).isEqualTo(
        "app.kubernetes.io/component=opentelemetry-collector,app.kubernetes.io/instance=gateway,app.kubernetes.io/managed-by=instrumentor");
    assertThat(status.getStatus().getImage()).isEqualTo(dev.instrumentor.webhook.mutation.InjectorSettings.DEFAULT_COLLECTOR_IMAGE);
    assertThat(status.getStatus().getConfigHash()).hasSize(64);

    // the Deployment controller reports its pods ready
    client.apps().deployments().inNamespace(NS).withName("gateway-collector").editStatus(d -> {
      d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
          .withReplicas(2).withReadyReplicas(2).withAvailableReplicas(2).build());
      return d;
    });

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(ready(collector("gateway")).getStatus()).isEqualTo("True");
      assertThat(collector("gateway").getStatus().getScale().getStatusReplicas()).isEqualTo("2/2");
    });
  }

  @Test
  void statusIsWrittenOncePerChangeAndNothingIsWrittenWhileIdle() throws Exception {
    createCollector("quiet", CollectorMode.DEPLOYMENT, CONFIG);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(collector("quiet")) != null);
    List<String> startup = OperatorHarness.drainRequests(server);
    assertThat(startup.stream().filter(r -> r.contains("/telemetrycollectors/quiet/status")).count())
        .as("status writes while converging: %s", startup).isEqualTo(1);

    // idle: no writes of any kind, no reads beyond the watches
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(OperatorHarness.drainRequests(server)).as("requests while idle").isEmpty();

    client.apps().deployments().inNamespace(NS).withName("quiet-collector").editStatus(d -> {
      d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(1).build());
      return d;
    });
    await().atMost(Duration.ofSeconds(20))
        .until(() -> "1/2".equals(collector("quiet").getStatus().getScale().getStatusReplicas()));
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> true);
    List<String> afterChange = OperatorHarness.drainRequests(server);
    assertThat(afterChange.stream().filter(r -> !r.startsWith("GET") && r.contains("/telemetrycollectors/quiet/status")).count())
        .as("status writes after one change: %s", afterChange).isEqualTo(1);
    assertThat(afterChange.stream().filter(r -> !r.startsWith("GET") && r.contains("/deployments/")).count())
        .as("the reconciler must not write the Deployment back: %s", afterChange).isEqualTo(1); // the test's own status update
  }

  @Test
  void anInvalidConfigKeepsTheRunningConfigAndSaysWhy() {
    createCollector("strict", CollectorMode.DEPLOYMENT, CONFIG);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(collector("strict")) != null);
    ConfigMap good = client.configMaps().inNamespace(NS).withName("strict-collector").get();
    String goodHash = collector("strict").getStatus().getConfigHash();

    // a merge patch of the spec, as kubectl patch sends: no resourceVersion to be stale after a status write
    String invalid = SERIALIZATION.asJson(SERIALIZATION.unmarshal(
        CONFIG.replace("exporters: [debug]", "exporters: [otlp/tempo]"), JsonNode.class));
    client.resources(TelemetryCollector.class).inNamespace(NS).withName("strict")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"config\":" + invalid + "}}");

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Condition ready = ready(collector("strict"));
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("InvalidConfig");
      assertThat(ready.getMessage()).contains("exporter \"otlp/tempo\" is not defined in exporters");
    });
    assertThat(client.configMaps().inNamespace(NS).withName("strict-collector").get().getData()).isEqualTo(good.getData());
    assertThat(collector("strict").getStatus().getConfigHash()).isEqualTo(goodHash);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        client.resources(Event.class).inNamespace(NS).list().getItems())
        .anySatisfy(event -> {
          assertThat(event.getReason()).isEqualTo("InvalidConfig");
          assertThat(event.getRegarding().getName()).isEqualTo("strict");
          assertThat(event.getNote()).contains("otlp/tempo");
        }));
  }

  @Test
  void deletingACollectorLeavesItsObjectsToGarbageCollection() {
    TelemetryCollector created = createCollector("temporary", CollectorMode.STATEFULSET, CONFIG);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(collector("temporary")) != null);
    assertThat(client.services().inNamespace(NS).withName("temporary-collector-headless").get().getSpec().getClusterIP())
        .isEqualTo("None");

    client.resource(created).delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> collector("temporary") == null);
    // every owned object names the collector as its controller: the API server's garbage collector deletes them
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("temporary-collector").get()
        .getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getController()).isTrue());
    assertThat(operator.metrics().value("instrumentor_reconciliation_errors_total", "kind", "TelemetryCollector")).isZero();
  }

  @Test
  void instrumentationConditions() {
    Instrumentation valid = Fixtures.instrumentation("apps", "valid", "http://collector:4317");
    valid.getMetadata().setGeneration(null);
    client.resource(valid).create();
    Instrumentation withTls = Fixtures.instrumentation("apps", "with-tls", "https://collector:4317");
    Tls tlsSpec = new Tls();
    tlsSpec.setSecretName("otel-client-cert"); // not checked: the operator may not read Secrets cluster-wide
    tlsSpec.setConfigMapName("otel-ca");
    withTls.getSpec().getExporter().setTls(tlsSpec);
    client.resource(withTls).create();
    Instrumentation badSampler = Fixtures.instrumentation("apps", "bad-sampler", "http://collector:4317");
    Sampler sampler = new Sampler();
    sampler.setType(SamplerType.JAEGER_REMOTE);
    sampler.setArgument("endpoint=http://jaeger:14250,pollingIntervalMs=soon");
    badSampler.getSpec().setSampler(sampler);
    client.resource(badSampler).create();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(readyOf("valid")).extracting(Condition::getStatus, Condition::getReason).containsExactly("True", "Valid");
      assertThat(readyOf("with-tls")).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", "TlsConfigMapMissing");
      assertThat(readyOf("with-tls").getMessage()).startsWith("spec.exporter.tls.configMapName: ConfigMap otel-ca not found");
      assertThat(readyOf("bad-sampler")).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", "InvalidSampler");
      assertThat(readyOf("bad-sampler").getMessage()).contains("pollingIntervalMs \"soon\" is not a whole number");
    });
    assertThat(client.resources(Instrumentation.class).inNamespace("apps").withName("valid").get()
        .getStatus().getObservedGeneration()).isNotNull();

    // the ConfigMap appears and the Instrumentation changes: Ready turns True
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("otel-ca").withNamespace("apps").endMetadata()
        .addToData("ca.crt", "x").build()).create();
    client.resources(Instrumentation.class).inNamespace("apps").withName("with-tls")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"propagators\":[\"tracecontext\"]}}");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(readyOf("with-tls").getStatus()).isEqualTo("True"));
  }

  private Condition readyOf(String name) {
    Instrumentation found = client.resources(Instrumentation.class).inNamespace("apps").withName(name).get();
    return found == null || found.getStatus() == null ? null : Conditions.get(found.getStatus().getConditions(), Conditions.READY);
  }

  private HttpResponse<String> admit(JsonNode review) throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
    return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + operator.webhookPort() + "/mutate-pod"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(AdmissionReviews.bytes(review))).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sidecarInjectionThroughTheAdmissionServer() throws Exception {
    createCollector("agent", CollectorMode.SIDECAR, CONFIG);
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
