package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorHarness;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector reconciler in the whole operator process, against the fabric8 mock API server in CRUD mode
 * (server-side apply off): objects, status, an invalid config, deletion. On a real API server and node:
 * {@code e2e/.../node/CollectorOnRealNodeTest}.
 */
@EnableKubernetesMockClient(crud = true)
class TelemetryCollectorReconcilerTest {

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

  private TelemetryCollector collector(String name) {
    return client.resources(TelemetryCollector.class).inNamespace(NS).withName(name).get();
  }

  private Condition ready(TelemetryCollector collector) {
    return collector == null || collector.getStatus() == null ? null
        : Conditions.get(collector.getStatus().getConditions(), Conditions.READY);
  }

  @Test
  void aDeploymentModeCollectorGetsItsObjectsAndStatus() {
    TelemetryCollector created = client.resource(OperatorHarness.collector(NS, "gateway", CollectorMode.DEPLOYMENT, OperatorHarness.DEBUG_CONFIG)).create();

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
    assertThat(status.getStatus().getImage()).isEqualTo(InjectorSettings.DEFAULT_COLLECTOR_IMAGE);
    assertThat(status.getStatus().getConfigHash()).hasSize(64);

    // the Deployment controller reports its pods ready
    client.apps().deployments().inNamespace(NS).withName("gateway-collector").editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder()
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
    client.resource(OperatorHarness.collector(NS, "quiet", CollectorMode.DEPLOYMENT, OperatorHarness.DEBUG_CONFIG)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(collector("quiet")) != null);
    List<String> startup = OperatorHarness.drainRequests(server);
    assertThat(startup.stream().filter(r -> r.contains("/telemetrycollectors/quiet/status")).count())
        .as("status writes while converging: %s", startup).isEqualTo(1);

    // idle: no writes of any kind, no reads beyond the watches
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(OperatorHarness.drainRequests(server)).as("requests while idle").isEmpty();

    client.apps().deployments().inNamespace(NS).withName("quiet-collector").editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(1).build());
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
    client.resource(OperatorHarness.collector(NS, "strict", CollectorMode.DEPLOYMENT, OperatorHarness.DEBUG_CONFIG)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(collector("strict")) != null);
    ConfigMap good = client.configMaps().inNamespace(NS).withName("strict-collector").get();
    String goodHash = collector("strict").getStatus().getConfigHash();

    // a merge patch of the spec, as kubectl patch sends: no resourceVersion to be stale after a status write
    String invalid = SERIALIZATION.asJson(SERIALIZATION.unmarshal(
        OperatorHarness.DEBUG_CONFIG.replace("exporters: [debug]", "exporters: [otlp/tempo]"), JsonNode.class));
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
    TelemetryCollector created = client.resource(OperatorHarness.collector(NS, "temporary", CollectorMode.STATEFULSET, OperatorHarness.DEBUG_CONFIG)).create();
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

}
