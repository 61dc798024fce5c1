package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectorPermissionsTest {

  static final String ENRICHING = """
      receivers:
        otlp: {protocols: {grpc: {}}}
        kubeletstats: {auth_type: serviceAccount, endpoint: "https://${env:K8S_NODE_NAME}:10250"}
        k8s_cluster: {}
      processors:
        k8sattributes: {}
        k8sattributes/unused: {}
      exporters: {debug: {}}
      service:
        pipelines:
          traces: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}
          metrics: {receivers: [kubeletstats], exporters: [debug]}
      """;

  private final CollectorManifests manifests = new CollectorManifests("otel/opentelemetry-collector-contrib:0.139.0",
      "platform-instrumentor-collector-");

  private List<HasMetadata> desired(TelemetryCollector collector) {
    return manifests.desired(collector, CollectorConfig.of(collector.getSpec().getConfig()));
  }

  @Test
  void whatThePipelinesUseIsBoundAndTheTokenMounted() {
    TelemetryCollector collector = CollectorManifestsTest.collector(CollectorMode.DEPLOYMENT, ENRICHING);
    List<HasMetadata> objects = desired(collector);
    List<ClusterRoleBinding> bindings = objects.stream().filter(o -> o instanceof ClusterRoleBinding)
        .map(ClusterRoleBinding.class::cast).toList();
    // k8s_cluster is defined but in no pipeline: not bound
    assertThat(bindings).extracting(b -> b.getMetadata().getName()).containsExactly(
        "platform-instrumentor-collector-k8sattributes:observability:gateway",
        "platform-instrumentor-collector-kubeletstats:observability:gateway");
    ClusterRoleBinding binding = bindings.get(0);
    assertThat(binding.getRoleRef().getName()).isEqualTo("platform-instrumentor-collector-k8sattributes");
    assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
      assertThat(subject.getKind()).isEqualTo("ServiceAccount");
      assertThat(subject.getName()).isEqualTo("gateway-collector");
      assertThat(subject.getNamespace()).isEqualTo("observability");
    });
    assertThat(binding.getMetadata().getNamespace()).as("cluster-scoped").isNull();
    assertThat(binding.getMetadata().getOwnerReferences()).as("a namespaced owner cannot own it").isNullOrEmpty();
    assertThat(binding.getMetadata().getLabels()).containsEntry("instrumentor.dev/collector-namespace", "observability")
        .containsEntry("instrumentor.dev/collector-name", "gateway")
        .containsEntry("app.kubernetes.io/managed-by", "instrumentor");
    assertThat(serviceAccount(objects).getAutomountServiceAccountToken()).isTrue();
  }

  @Test
  void noApiReadNoTokenAndNoBinding() {
    List<HasMetadata> objects = desired(CollectorManifestsTest.collector(CollectorMode.DEPLOYMENT,
        CollectorManifestsTest.CONFIG));
    assertThat(objects).noneMatch(o -> o instanceof ClusterRoleBinding);
    assertThat(serviceAccount(objects).getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void aServiceAccountOfTheUsersIsNotBoundAndASidecarNeedsNothing() {
    TelemetryCollector own = CollectorManifestsTest.collector(CollectorMode.DEPLOYMENT, ENRICHING);
    own.getSpec().setServiceAccount("enricher");
    assertThat(desired(own)).noneMatch(o -> o instanceof ClusterRoleBinding || o instanceof ServiceAccount);
    assertThat(CollectorPermissions.needs(own, CollectorConfig.of(own.getSpec().getConfig())))
        .containsExactly(CollectorPermissions.Need.K8SATTRIBUTES, CollectorPermissions.Need.KUBELETSTATS);

    TelemetryCollector sidecar = CollectorManifestsTest.collector(CollectorMode.SIDECAR, ENRICHING);
    assertThat(CollectorPermissions.needs(sidecar, CollectorConfig.of(sidecar.getSpec().getConfig()))).isEmpty();
    assertThat(desired(sidecar)).noneMatch(o -> o instanceof ClusterRoleBinding);
  }

  private static ServiceAccount serviceAccount(List<HasMetadata> objects) {
    return objects.stream().filter(o -> o instanceof ServiceAccount).map(ServiceAccount.class::cast).findFirst().orElseThrow();
  }
}
