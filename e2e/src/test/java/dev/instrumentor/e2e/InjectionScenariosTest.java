package dev.instrumentor.e2e;

import static dev.instrumentor.e2e.harness.Scenario.app;
import static dev.instrumentor.e2e.harness.Scenario.createInstrumentation;
import static dev.instrumentor.e2e.harness.Scenario.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.E2eCluster.AdmittedPod;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user of the webhook goes through: the CRDs installed from {@code crds/}, an Instrumentation turning
 * Ready, annotated pods injected (by pod, Namespace, name and across namespaces, chosen containers, the user's
 * JAVA_TOOL_OPTIONS kept) or admitted uninjected with the reason; against a real cluster when one is configured,
 * else the embedded emulation (see {@link E2eCluster}).
 */
class InjectionScenariosTest {

  private static E2eCluster cluster;
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
  }

  private static Map<String, String> env(Pod pod, String container) {
    Map<String, String> env = new LinkedHashMap<>();
    pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container)).findFirst().orElseThrow()
        .getEnv().forEach(var -> env.put(var.getName(), var.getValue()));
    return env;
  }

  private static String status(Pod pod) {
    return pod.getMetadata().getAnnotations().get("instrumentor.dev/injection-status");
  }

  @Test
  void crdsAreInstalledFromTheCrdsFolder() throws IOException {
    Path crds = Path.of("").toAbsolutePath().resolveSibling("crds");
    for (String file : List.of("instrumentations.instrumentor.dev.yaml", "telemetrycollectors.instrumentor.dev.yaml")) {
      CustomResourceDefinition expected = YAML.unmarshal(Files.readString(crds.resolve(file)), CustomResourceDefinition.class);
      CustomResourceDefinition installed = cluster.client().apiextensions().v1().customResourceDefinitions()
          .withName(expected.getMetadata().getName()).get();
      assertThat(installed).isNotNull();
      assertThat(installed.getSpec().getNames().getShortNames()).isEqualTo(expected.getSpec().getNames().getShortNames());
      assertThat(installed.getSpec().getVersions().get(0).getSchema())
          .isEqualTo(expected.getSpec().getVersions().get(0).getSchema());
    }
  }

  @Test
  void anInstrumentationBecomesReadyAndAnAnnotatedDeploymentsPodsAreInjected() {
    String ns = cluster.namespace("shop", Map.of());
    createInstrumentation(ns, "java", "http://collector.observability:4317");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Instrumentation found = cluster.client().resources(Instrumentation.class).inNamespace(ns).withName("java").get();
      Condition ready = found.getStatus() == null ? null : Conditions.get(found.getStatus().getConditions(), "Ready");
      assertThat(ready).isNotNull();
      assertThat(ready.getStatus()).isEqualTo("True");
    });

    List<AdmittedPod> pods = cluster.deploy(deployment(ns, "checkout", Map.of("instrumentor.dev/inject-java", "true"),
        app("app", new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx256m", null))));

    Pod pod = pods.get(0).pod();
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName).contains("instrumentor-java-agent");
    Map<String, String> env = env(pod, "app");
    assertThat(env).containsEntry("JAVA_TOOL_OPTIONS", "-Xmx256m -javaagent:/instrumentor/java/javaagent.jar")
        .containsEntry("OTEL_SERVICE_NAME", "checkout")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).contains("k8s.namespace.name=" + ns, "k8s.deployment.name=checkout",
        "k8s.container.name=app", "service.version=1.0.0");
    assertThat(status(pod)).contains("\"status\":\"injected\"", "\"instrumentation\":\"" + ns + "/java@");
    assertThat(pods.get(0).warnings()).isEmpty();
  }

  @Test
  void theNamespaceAnnotationAsksForEveryPod() {
    String ns = cluster.namespace("billing", Map.of("instrumentor.dev/inject-java", "true"));
    createInstrumentation(ns, "java", "http://collector:4318");
    await().atMost(Duration.ofSeconds(30)).until(() -> injected(cluster.deploy(
        deployment(ns, "invoices-" + System.nanoTime() % 100000, Map.of(), app("app"))).get(0).pod()));
  }

  private static boolean injected(Pod pod) {
    return status(pod) != null && status(pod).contains("\"status\":\"injected\"");
  }

  @Test
  void namedAndCrossNamespaceInstrumentations() {
    String shared = cluster.namespace("observability", Map.of());
    createInstrumentation(shared, "platform", "http://gateway.observability:4318");
    String ns = cluster.namespace("search", Map.of());
    createInstrumentation(ns, "debug", "http://debug:4318");
    createInstrumentation(ns, "default", "http://default:4318");

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Pod named = cluster.deploy(deployment(ns, "named-" + System.nanoTime() % 100000,
          Map.of("instrumentor.dev/inject-java", "debug"), app("app"))).get(0).pod();
      assertThat(env(named, "app")).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://debug:4318");
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Pod cross = cluster.deploy(deployment(ns, "cross-" + System.nanoTime() % 100000,
          Map.of("instrumentor.dev/inject-java", shared + "/platform"), app("app"))).get(0).pod();
      assertThat(env(cross, "app")).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://gateway.observability:4318");
      assertThat(status(cross)).contains(shared + "/platform");
    });
  }

  @Test
  void withoutAnInstrumentationThePodIsAdmittedUninjectedWithTheReason() {
    String ns = cluster.namespace("lonely", Map.of());
    AdmittedPod admitted = cluster.deploy(deployment(ns, "orphan", Map.of("instrumentor.dev/inject-java", "true"),
        app("app"))).get(0);

    assertThat(admitted.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(status(admitted.pod())).contains("\"status\":\"skipped\"", "no Instrumentation in namespace " + ns);
    if (cluster.seesWarnings()) {
      assertThat(admitted.warnings()).singleElement().asString().contains("java skipped: no Instrumentation in namespace");
    }
  }

  @Test
  void twoContainersChosenByContainerNames() {
    String ns = cluster.namespace("pair", Map.of());
    createInstrumentation(ns, "java", "http://collector:4318");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Pod pod = cluster.deploy(deployment(ns, "pair-" + System.nanoTime() % 100000,
          Map.of("instrumentor.dev/inject-java", "true", "instrumentor.dev/container-names", "api,worker"),
          app("api"), app("worker"), app("sidecar-proxy"))).get(0).pod();
      assertThat(env(pod, "api")).containsKey("JAVA_TOOL_OPTIONS");
      assertThat(env(pod, "worker")).containsKey("JAVA_TOOL_OPTIONS");
      assertThat(env(pod, "sidecar-proxy")).doesNotContainKey("JAVA_TOOL_OPTIONS");
    });
  }

  @Test
  void javaToolOptionsFromAConfigMapIsKept() {
    String ns = cluster.namespace("legacy", Map.of());
    createInstrumentation(ns, "java", "http://collector:4318");
    cluster.client().resource(new ConfigMapBuilder().withNewMetadata().withName("jvm").withNamespace(ns).endMetadata()
        .addToData("options", "-Xmx1g").build()).create();
    EnvVar fromConfigMap = new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS")
        .withNewValueFrom().withNewConfigMapKeyRef("options", "jvm", false).endValueFrom().build();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Pod pod = cluster.deploy(deployment(ns, "legacy-" + System.nanoTime() % 100000,
          Map.of("instrumentor.dev/inject-java", "true"), app("app", fromConfigMap))).get(0).pod();
      Map<String, String> env = env(pod, "app");
      assertThat(env).containsEntry("JAVA_TOOL_OPTIONS",
          "$(INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS) -javaagent:/instrumentor/java/javaagent.jar");
      assertThat(new ArrayList<>(env.keySet()).indexOf("INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS"))
          .isLessThan(new ArrayList<>(env.keySet()).indexOf("JAVA_TOOL_OPTIONS"));
    });
  }
}
