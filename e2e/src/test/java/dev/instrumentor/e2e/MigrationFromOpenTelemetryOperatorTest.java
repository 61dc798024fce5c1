package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Migration from the OpenTelemetry Operator, for real: its documentation's Instrumentation (with
 * python, dotnet and go blocks) and its multi-instrumentation Deployment (annotated
 * {@code instrumentation.opentelemetry.io/...}), with only the Instrumentation's apiVersion changed,
 * on the real API server with strict field validation (as kubectl sends it), through the webhook.
 */
class MigrationFromOpenTelemetryOperatorTest {

  private static final String UPSTREAM_API_VERSION = "apiVersion: opentelemetry.io/v1alpha1";
  private static final String STATUS = "instrumentor.dev/injection-status";

  static E2eCluster cluster;
  static String namespace;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real(), "needs a real API server: field validation and the controllers are its");
    namespace = cluster.namespace("migration", Map.of());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = MigrationFromOpenTelemetryOperatorTest.class.getResourceAsStream("/migration/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The one change a migration makes. */
  private static String withOurApiVersion(String yaml) {
    assertThat(yaml.split(UPSTREAM_API_VERSION, -1)).as("one apiVersion to change").hasSize(2);
    return yaml.replace(UPSTREAM_API_VERSION, "apiVersion: instrumentor.dev/v1alpha1");
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), var.getValue() != null ? var.getValue() : "valueFrom");
    }
    return env;
  }

  private static Container container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  /** The pod's spec as JSON, the service account token volume's random name left out. */
  private static String specWithoutTokenVolumeName(Pod pod) {
    return cluster.client().getKubernetesSerialization().asJson(pod.getSpec())
        .replaceAll("kube-api-access-[a-z0-9]+", "kube-api-access");
  }

  private static ObjectNode statuses(Pod pod) {
    return (ObjectNode) cluster.client().getKubernetesSerialization()
        .unmarshal(pod.getMetadata().getAnnotations().get(STATUS), JsonNode.class);
  }

  @Test
  void theDocumentationsInstrumentationAndDeploymentWorkWithOnlyTheApiVersionChanged() throws IOException {
    KubernetesClient client = cluster.client();
    String upstream = resource("upstream-instrumentation.yaml");
    GenericKubernetesResource instrumentation = client.getKubernetesSerialization()
        .unmarshal(withOurApiVersion(upstream), GenericKubernetesResource.class);
    instrumentation.getMetadata().setNamespace(namespace);
    // strict: an unknown field would be refused, not pruned
    GenericKubernetesResource created = client.resource(instrumentation)
        .fieldValidation(FieldValidateable.Validation.STRICT).create();
    assertThat(created.getAdditionalProperties().get("spec")).as("nothing pruned")
        .isEqualTo(instrumentation.getAdditionalProperties().get("spec"));

    Condition[] supported = new Condition[1];
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      Instrumentation found = client.resources(Instrumentation.class).inNamespace(namespace)
          .withName("my-instrumentation").get();
      assertThat(found.getStatus()).as("status").isNotNull();
      assertThat(Conditions.get(found.getStatus().getConditions(), "Ready").getStatus()).isEqualTo("True");
      supported[0] = Conditions.get(found.getStatus().getConditions(), "Supported");
      assertThat(supported[0]).as("Supported condition").isNotNull();
    });
    assertThat(supported[0].getStatus()).as("its go block is injected too").isEqualTo("True");
    assertThat(supported[0].getReason()).isEqualTo("AllBlocksInjected");

    Deployment deployment = client.getKubernetesSerialization().unmarshal(resource("upstream-deployment.yaml"),
        Deployment.class);
    deployment.getMetadata().setNamespace(namespace);
    Pod template = new PodBuilder().withMetadata(deployment.getSpec().getTemplate().getMetadata())
        .withSpec(deployment.getSpec().getTemplate().getSpec()).editMetadata().withName("probe")
        .withNamespace(namespace).endMetadata().build();
    // the webhook's cache has the Instrumentation once a dry run of the template is injected
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() ->
        client.resource(template).dryRun().create().getSpec().getInitContainers().size() == 2);

    Pod pod = cluster.deploy(deployment).get(0).pod();

    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("instrumentor-java-agent", "instrumentor-python-agent");
    for (String java : List.of("myapp", "myapp2")) {
      assertThat(env(container(pod, java)))
          .containsEntry("JAVA_TOOL_OPTIONS", "-javaagent:/instrumentor/java/javaagent.jar")
          .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4317")
          .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
          .containsEntry("OTEL_PROPAGATORS", "tracecontext,baggage,b3")
          .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
          .containsEntry("OTEL_TRACES_SAMPLER_ARG", "0.25")
          .containsEntry("OTEL_SERVICE_NAME", "my-deployment-with-multi-containers-multi-instrumentations")
          .doesNotContainKey("PYTHONPATH");
    }
    assertThat(env(container(pod, "myapp3")))
        .containsEntry("PYTHONPATH", "/instrumentor/python/opentelemetry/instrumentation/auto_instrumentation:"
            + "/instrumentor/python")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4318")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .containsEntry("OTEL_PROPAGATORS", "tracecontext,baggage,b3")
        .doesNotContainKey("JAVA_TOOL_OPTIONS");
    ObjectNode statuses = statuses(pod);
    assertThat(statuses.path("java").path("status").asText()).isEqualTo("injected");
    assertThat(statuses.path("java").path("instrumentation").asText()).startsWith(namespace + "/my-instrumentation@");
    assertThat(statuses.path("java").path("requestedWith").asText()).isEqualTo("instrumentation.opentelemetry.io/inject-java");
    assertThat(statuses.path("python").path("status").asText()).isEqualTo("injected");
    assertThat(statuses.path("python").path("requestedWith").asText())
        .isEqualTo("instrumentation.opentelemetry.io/inject-python");

    // the same pod asking with Instrumentor's own keys gets the same injection
    Map<String, String> ours = new LinkedHashMap<>();
    template.getMetadata().getAnnotations().forEach((key, value) ->
        ours.put(key.replace("instrumentation.opentelemetry.io/", "instrumentor.dev/"), value));
    Pod withOurs = new PodBuilder(template).editMetadata().withAnnotations(ours).endMetadata().build();
    Pod upstreamAdmitted = client.resource(template).dryRun().create();
    Pod oursAdmitted = client.resource(withOurs).dryRun().create();
    assertThat(specWithoutTokenVolumeName(upstreamAdmitted)).isEqualTo(specWithoutTokenVolumeName(oursAdmitted));
    ObjectNode upstreamStatuses = statuses(upstreamAdmitted);
    upstreamStatuses.properties().forEach(entry -> ((ObjectNode) entry.getValue()).remove("requestedWith"));
    assertThat(upstreamStatuses).as("the outcomes, but for the key that asked").isEqualTo(statuses(oursAdmitted));
  }

  @Test
  void aGoPodGetsTheSidecarWithTheGoBlocksEnvironment() throws IOException {
    KubernetesClient client = cluster.client();
    String goNamespace = cluster.namespace("migration-go", Map.of());
    GenericKubernetesResource instrumentation = client.getKubernetesSerialization()
        .unmarshal(withOurApiVersion(resource("upstream-instrumentation.yaml")), GenericKubernetesResource.class);
    instrumentation.getMetadata().setNamespace(goNamespace);
    client.resource(instrumentation).create();
    Pod template = new PodBuilder().withNewMetadata().withName("go-service").withNamespace(goNamespace)
        .addToAnnotations("instrumentation.opentelemetry.io/inject-go", "true")
        .addToAnnotations("instrumentation.opentelemetry.io/otel-go-auto-target-exe", "/app/server").endMetadata()
        .withNewSpec().addNewContainer().withName("server").withImage("registry.example.com/go/server:1.0")
        .endContainer().endSpec().build();
    // the webhook's cache has the Instrumentation once a dry run of the pod gets the sidecar
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() ->
        client.resource(template).dryRun().create().getSpec().getContainers().size() == 2);
    Pod pod = cluster.create(template).pod();
    assertThat(pod.getSpec().getShareProcessNamespace()).isTrue();
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("server",
        "instrumentor-go-agent");
    Map<String, String> sidecar = env(container(pod, "instrumentor-go-agent"));
    assertThat(sidecar).containsEntry("OTEL_GO_AUTO_TARGET_EXE", "/app/server")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4318")
        .containsEntry("OTEL_SERVICE_NAME", "go-service");
    assertThat(statuses(pod).path("go").path("status").asText()).isEqualTo("injected");
  }
}
