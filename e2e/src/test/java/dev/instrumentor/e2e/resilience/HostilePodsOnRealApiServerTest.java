package dev.instrumentor.e2e.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The resilience suite's API-server half: a seeded corpus of hostile pods ({@link HostilePods}) is
 * created with {@code dryRun=All} on the real API server, which sends each to the webhook, applies
 * the patch it answers and validates the result. A pod the API server accepts without the injection
 * annotation must be accepted with it too, carrying an outcome: a patch that made a valid pod invalid
 * would block a user's pod despite {@code failurePolicy: Ignore}. Nothing is stored.
 *
 * <p>{@code -Dresilience.cases} (default 150) and {@code -Dresilience.seed} make the run longer or
 * different; {@code benchmarks/run.sh resilience} runs it with 2,000 cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePodsOnRealApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATUS = "instrumentor.dev/injection-status";

  private KubernetesClient client;
  private String namespace;

  @BeforeAll
  void setUp() throws Exception {
    E2eCluster cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster instanceof RealCluster, "needs a real API server");
    client = cluster.client();
    namespace = cluster.namespace("hostile", Map.of());
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, "java", "http://collector.observability:4318");
    instrumentation.getMetadata().setGeneration(null);
    client.resource(instrumentation).create();
    TelemetryCollector agent = new TelemetryCollector();
    agent.getMetadata().setName("agent");
    agent.getMetadata().setNamespace(namespace);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(CollectorMode.SIDECAR);
    spec.setConfig(JSON.readTree("""
        {"receivers": {"otlp": {"protocols": {"grpc": {}}}}, "exporters": {"debug": {}},
         "service": {"pipelines": {"traces": {"receivers": ["otlp"], "exporters": ["debug"]}}}}
        """));
    agent.setSpec(spec);
    client.resource(agent).create();
    // the webhook's caches have both once a plain annotated pod comes back injected with each
    Pod probe = new PodBuilder().withNewMetadata().withName("probe").withNamespace(namespace)
        .addToAnnotations("instrumentor.dev/inject-java", "true").addToAnnotations("instrumentor.dev/inject-sidecar", "agent")
        .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
      String status = client.resource(probe).dryRun().create().getMetadata().getAnnotations().get(STATUS);
      return status != null && outcomes(status).values().stream().allMatch("injected"::equals) && outcomes(status).size() == 2;
    });
  }

  @Test
  void everyValidHostilePodIsAdmittedWithItsPatchAndAnOutcome() throws Exception {
    int cases = Integer.getInteger("resilience.cases", 150);
    long seed = Long.getLong("resilience.seed", 20261130L);
    HostilePods corpus = new HostilePods(seed, namespace);
    Map<String, Integer> tally = new TreeMap<>();
    for (int i = 0; i < cases; i++) {
      Pod pod = corpus.next(i);
      Map<String, String> withoutRequests = new LinkedHashMap<>(pod.getMetadata().getAnnotations());
      withoutRequests.keySet().removeIf(key -> key.startsWith("instrumentor.dev/inject-")
          || key.startsWith("instrumentation.opentelemetry.io/inject-"));
      Pod plain = new PodBuilder(pod).editMetadata().withAnnotations(withoutRequests).endMetadata().build();
      try {
        client.resource(plain).dryRun().create();
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).as("case %d: the pod alone is refused as invalid, not otherwise: %s", i, e.getMessage())
            .isIn(400, 422);
        tally.merge("invalid by itself", 1, Integer::sum);
        continue;
      }
      Pod admitted;
      try {
        admitted = client.resource(pod).dryRun().create();
      } catch (KubernetesClientException e) {
        fail("case %d (seed %d): the API server refused the pod once the webhook had patched it: %s%n%s", i, seed,
            e.getMessage(), Serialization.asYaml(pod).substring(0, Math.min(20_000, Serialization.asYaml(pod).length())));
        return;
      }
      String status = admitted.getMetadata().getAnnotations().get(STATUS);
      if (status == null) {
        Files.writeString(Path.of("target/hostile-case-" + i + ".yaml"), Serialization.asYaml(pod));
      }
      assertThat(status).as("case %d: the webhook answered and wrote its outcome; annotations %s", i,
          pod.getMetadata().getAnnotations() + ", " + Serialization.asJson(pod).length() + " bytes").isNotNull();
      Map<String, String> outcomes = outcomes(status);
      assertThat(outcomes).as("case %d: %s", i, status).isNotEmpty();
      outcomes.forEach((language, outcome) -> tally.merge(language + " " + outcome, 1, Integer::sum));
      if ("injected".equals(outcomes.get("java"))) {
        assertThat(admitted.getSpec().getInitContainers()).as("case %d", i)
            .anyMatch(c -> c.getName().equals(HostilePods.AGENT));
      }
      if ("injected".equals(outcomes.get("python"))) {
        assertThat(admitted.getSpec().getInitContainers()).as("case %d", i)
            .anyMatch(c -> c.getName().equals(HostilePods.PYTHON_AGENT));
      }
      if ("injected".equals(outcomes.get("nodejs"))) {
        assertThat(admitted.getSpec().getInitContainers()).as("case %d", i)
            .anyMatch(c -> c.getName().equals(HostilePods.NODEJS_AGENT));
      }
      if ("injected".equals(outcomes.get("dotnet"))) {
        assertThat(admitted.getSpec().getInitContainers()).as("case %d", i)
            .anyMatch(c -> c.getName().equals(HostilePods.DOTNET_AGENT));
      }
    }
    System.out.printf("hostile pods on the real API server, seed %d, %d cases: %s%n", seed, cases, tally);
    int valid = cases - tally.getOrDefault("invalid by itself", 0);
    assertThat(valid).as("most of the corpus is valid pods: %s", tally).isGreaterThan(cases / 2);
    assertThat(tally.getOrDefault("java injected", 0)).as("the corpus reaches injection: %s", tally)
        .isGreaterThan(valid / 4);
    assertThat(tally).as("and the refusals").containsKeys("java skipped", "java error");
    assertThat(tally.getOrDefault("python injected", 0)).as("python too: %s", tally).isPositive();
    for (String language : new String[] {"nodejs", "dotnet", "sdk"}) {
      assertThat(tally.getOrDefault(language + " injected", 0)).as("%s too: %s", language, tally).isPositive();
    }
  }

  private static Map<String, String> outcomes(String annotation) throws Exception {
    Map<String, String> outcomes = new TreeMap<>();
    JSON.readTree(annotation).properties().forEach(entry -> outcomes.put(entry.getKey(), entry.getValue().path("status").asText()));
    return outcomes;
  }
}
