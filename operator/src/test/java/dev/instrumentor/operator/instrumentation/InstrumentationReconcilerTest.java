package dev.instrumentor.operator.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.api.v1alpha1.Tls;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorHarness;
import dev.instrumentor.webhook.mutation.Resolved;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Instrumentation reconciler in the whole operator process, against the fabric8 mock API server in CRUD
 * mode: what Ready says of valid and invalid Instrumentations and when it changes, and that the fleet view counts
 * the pods the informer holds. The fleet view and resolution on a real API server:
 * {@code e2e/.../InstrumentationResolutionTest}, {@code FleetOnRealNodeTest}.
 */
@EnableKubernetesMockClient(crud = true)
class InstrumentationReconcilerTest {

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

  /** Ready of the Instrumentation; an AssertionError (so awaited) while it has none. */
  private Condition readyOf(String name) {
    Instrumentation found = client.resources(Instrumentation.class).inNamespace("apps").withName(name).get();
    Condition ready = found == null || found.getStatus() == null ? null
        : Conditions.get(found.getStatus().getConditions(), Conditions.READY);
    assertThat(ready).as("Ready of %s", name).isNotNull();
    return ready;
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

  private Pod pod(String deployment, String name, Map<String, String> annotations) {
    return client.resource(new PodBuilder(Fixtures.deploymentPod(deployment, annotations).build()).editMetadata()
        .withNamespace("apps").withName(name).withGenerateName(null).endMetadata().build()).create();
  }

  private InstrumentationStatus statusOf(String name) {
    InstrumentationStatus status = client.resources(Instrumentation.class).inNamespace("apps").withName(name).get()
        .getStatus();
    assertThat(status).isNotNull();
    return status;
  }

  /** The fleet view reads the pods the operator's informer holds (FleetPodStore): counts follow pods as they come and go. */
  @Test
  void theFleetViewCountsThePodsTheInformerHolds() {
    client.resource(Fixtures.instrumentation("apps", "java", "http://collector:4317")).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(readyOf("java").getStatus()).isEqualTo("True"));
    String injected = "{\"java\":{\"status\":\"injected\",\"reason\":\"Java agent attached\",\"instrumentation\":\""
        + Resolved.reference(client.resources(Instrumentation.class).inNamespace("apps").withName("java").get())
        + "\",\"containers\":[\"app\"]}}";
    for (int i = 0; i < 3; i++) {
      pod("checkout", "checkout-7d4b9c8f6d-" + i, Map.of("instrumentor.dev/inject-java", "true",
          "instrumentor.dev/injection-status", injected));
    }
    pod("cart", "cart-7d4b9c8f6d-0", Map.of("instrumentor.dev/inject-java", "true")); // created while the webhook was down
    pod("plain", "plain-7d4b9c8f6d-0", Map.of());
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(statusOf("java").getInjected()).isEqualTo(3);
      assertThat(statusOf("java").getMissed()).isEqualTo(1);
      assertThat(statusOf("java").getWorkloads()).singleElement().satisfies(workload -> assertThat(List.of(
          workload.getKind(), workload.getName(), workload.getMissed())).containsExactly("Deployment", "cart", 1));
    });

    client.pods().inNamespace("apps").withName("checkout-7d4b9c8f6d-0").delete();
    client.pods().inNamespace("apps").withName("cart-7d4b9c8f6d-0").delete();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(statusOf("java").getInjected()).isEqualTo(2);
      assertThat(statusOf("java").getMissed()).isZero();
      assertThat(statusOf("java").getWorkloads()).isNull();
    });
  }

}
