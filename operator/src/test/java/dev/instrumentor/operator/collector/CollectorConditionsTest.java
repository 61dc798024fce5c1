package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each condition of a TelemetryCollector says, from what a reconcile step found. */
class CollectorConditionsTest {

  private final TelemetryCollectorStatus status = new TelemetryCollectorStatus();
  private final CollectorConditions conditions = new CollectorConditions(status, collector(),
      Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));

  private static TelemetryCollector collector() {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName("gateway");
    collector.getMetadata().setNamespace("observability");
    collector.getMetadata().setGeneration(4L);
    collector.setSpec(new TelemetryCollectorSpec());
    return collector;
  }

  private String said(String type) {
    Condition condition = conditions.get(type);
    return condition.getStatus() + " " + condition.getReason() + ": " + condition.getMessage();
  }

  @Test
  void eachConditionSaysWhatWasFoundForTheGenerationItSaw() {
    conditions.components(Optional.empty(), "example/otelcol:1");
    assertThat(said("Components")).startsWith("False NotChecked: component types not checked: example/otelcol:1")
        .contains("Validated");
    conditions.available(new int[] {1, 2});
    assertThat(said("Ready")).isEqualTo("False Deploying: 1/2 collector pods ready");
    conditions.available(new int[] {2, 2});
    assertThat(said("Ready")).isEqualTo("True Available: 2/2 collector pods ready");
    conditions.validating("example/otelcol:1", "gateway-collector-validate-abc");
    assertThat(said("Validated")).startsWith("Unknown Validating: example/otelcol:1 validate is checking");
    conditions.refused("'debugexporter.Config' has invalid keys: verbosty");
    assertThat(said("Validated")).isEqualTo("False Refused: 'debugexporter.Config' has invalid keys: verbosty");
    assertThat(status.getConditions()).extracting(Condition::getObservedGeneration).containsOnly(4L);
    assertThat(status.getConditions()).extracting(Condition::getType).doesNotHaveDuplicates();
  }

  @Test
  void permissionsNameTheBindingsOrWhatTheUsersAccountNeeds() {
    List<CollectorPermissions.Need> needs = List.of(CollectorPermissions.Need.K8SATTRIBUTES);
    List<HasMetadata> bound = List.of(new ClusterRoleBindingBuilder().withNewMetadata().withName("b").endMetadata()
        .withNewRoleRef().withName("instrumentor-collector-k8sattributes").endRoleRef().build());
    conditions.permissions(needs, bound, "instrumentor-collector-");
    assertThat(said("Permissions")).isEqualTo("True Granted: bound to instrumentor-collector-k8sattributes for processor k8sattributes");
    conditions.permissions(needs, List.of(), "instrumentor-collector-");
    assertThat(said("Permissions")).startsWith("False UserServiceAccount: spec.serviceAccount null is yours")
        .endsWith("(the chart's ClusterRoles instrumentor-collector-k8sattributes)");
    conditions.permissions(List.of(), List.of(), "instrumentor-collector-");
    assertThat(said("Permissions")).startsWith("True NotNeeded");
  }

  @Test
  void observabilityAndRoutingAndListeners() {
    conditions.observability("PrometheusOperatorMissing");
    assertThat(said("Observability")).startsWith("False PrometheusOperatorMissing")
        .contains("gateway-collector-monitoring can be scraped directly");
    conditions.traceRouting(true);
    assertThat(said("TraceRouting")).startsWith("False TailSamplingAcrossReplicas").contains("loadbalancing exporter");
    conditions.listeners(List.of("receivers.otlp.protocols.http.endpoint"));
    assertThat(said("Listeners")).startsWith("True BoundToAllInterfaces")
        .endsWith("receivers.otlp.protocols.http.endpoint");
  }
}
