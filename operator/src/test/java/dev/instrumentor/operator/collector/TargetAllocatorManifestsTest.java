package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.targetallocator.TargetAllocatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A collector with a target allocator: the allocator's objects, and the collector's config asking it. */
class TargetAllocatorManifestsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final CollectorManifests manifests = new CollectorManifests("otel/opentelemetry-collector-contrib:0.158.0",
      "instrumentor-collector-", "registry.example.com/instrumentor:1.0");

  private static TelemetryCollector collector() {
    return Serialization.unmarshal("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: metrics, namespace: observability, uid: u, generation: 1}
        spec:
          mode: statefulset
          replicas: 3
          targetAllocator:
            enabled: true
            allocationStrategy: least-weighted
          config:
            receivers:
              prometheus:
                config:
                  scrape_configs:
                    - job_name: pods
                      kubernetes_sd_configs: [{role: pod}]
                      relabel_configs:
                        - source_labels: [__meta_kubernetes_pod_container_port_name]
                          regex: metrics
                          action: keep
                        - source_labels: [__meta_kubernetes_pod_name]
                          regex: (.*)
                          replacement: pod-$$1
                          target_label: instance
            exporters: {debug: {}}
            service:
              pipelines:
                metrics: {receivers: [prometheus], exporters: [debug]}
        """, TelemetryCollector.class);
  }

  private <T> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).filter(o -> o.getMetadata().getName().equals(name)).map(type::cast)
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  @Test
  void theCollectorAsksTheAllocatorInsteadOfScrapingEverything() throws Exception {
    TelemetryCollector collector = collector();
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    JsonNode rolledOut = YAML.readTree(CollectorManifests.configYaml(collector, config));
    JsonNode receiver = rolledOut.path("receivers").path("prometheus");
    assertThat(receiver.path("target_allocator").path("endpoint").asText()).isEqualTo("http://metrics-targetallocator:80");
    assertThat(receiver.path("target_allocator").path("collector_id").asText()).isEqualTo("${POD_NAME}");
    assertThat(receiver.path("target_allocator").path("interval").asText()).isEqualTo("30s");
    assertThat(receiver.path("config").has("scrape_configs")).as("the allocator hands them out").isFalse();
  }

  @Test
  void theAllocatorsObjectsAndAConfigItReads() throws Exception {
    TelemetryCollector collector = collector();
    List<HasMetadata> objects = manifests.desired(collector, CollectorConfig.of(collector.getSpec().getConfig()));

    String file = one(objects, ConfigMap.class, "metrics-targetallocator").getData().get("targetallocator.yaml");
    TargetAllocatorConfig read = TargetAllocatorConfig.parse(file);
    assertThat(read.collectorNamespace()).isEqualTo("observability");
    assertThat(read.collectorSelector()).containsEntry("app.kubernetes.io/instance", "metrics")
        .containsEntry("app.kubernetes.io/component", "opentelemetry-collector");
    assertThat(read.allocationStrategy()).isEqualTo("least-weighted");
    assertThat(read.jobs()).containsOnlyKeys("pods");
    assertThat(read.jobs().get("pods").path("relabel_configs").get(1).path("replacement").asText())
        .as("the collector's $$ escape undone: Prometheus reads $1").isEqualTo("pod-$1");
    assertThat(read.relabelFilter()).as("relabel-config, upstream's default").isTrue();
    assertThat(read.prometheusCr()).as("prometheusCR not enabled").isNull();

    collector.getSpec().getTargetAllocator().setPrometheusCR(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        "enabled: true\nscrapeInterval: 10s\nserviceMonitorSelector: {matchLabels: {team: a}}\npodMonitorSelector: {}\n",
        dev.instrumentor.api.v1alpha1.PrometheusCr.class));
    TargetAllocatorConfig withMonitors = TargetAllocatorConfig.parse(one(manifests.desired(collector,
        CollectorConfig.of(collector.getSpec().getConfig())), ConfigMap.class, "metrics-targetallocator").getData()
        .get("targetallocator.yaml"));
    assertThat(withMonitors.prometheusCr().scrapeInterval()).isEqualTo("10s");
    assertThat(withMonitors.prometheusCr().serviceMonitorSelector().path("matchLabels").path("team").asText()).isEqualTo("a");
    assertThat(withMonitors.prometheusCr().podMonitorSelector()).as("{}: all PodMonitors").isNotNull();

    Deployment deployment = one(objects, Deployment.class, "metrics-targetallocator");
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.com/instrumentor:1.0");
    assertThat(container.getArgs()).startsWith("target-allocator", "--config=/conf/targetallocator.yaml");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getEnv()).anySatisfy(env -> {
      assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
      assertThat(env.getValue()).contains("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=55");
    });
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("metrics-targetallocator");
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "opentelemetry-targetallocator");

    Service service = one(objects, Service.class, "metrics-targetallocator");
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(80);
      assertThat(port.getName()).isEqualTo("targetallocation");
      assertThat(port.getTargetPort().getStrVal()).as("the container's port, by name, as upstream").isEqualTo("http");
    });
    assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(objects).as("one allocator replica: no PodDisruptionBudget for it").noneMatch(o ->
        o.getKind().equals("PodDisruptionBudget") && o.getMetadata().getName().equals("metrics-targetallocator"));
    collector.getSpec().getTargetAllocator().setReplicas(2);
    var budget = one(manifests.desired(collector, CollectorConfig.of(collector.getSpec().getConfig())),
        io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class, "metrics-targetallocator");
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    collector.getSpec().getTargetAllocator().setReplicas(null);

    ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class,
        "instrumentor-collector-target-allocator:observability:metrics");
    assertThat(binding.getRoleRef().getName()).isEqualTo("instrumentor-collector-target-allocator");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("metrics-targetallocator"));
  }

  @Test
  void withoutTheAllocatorTheConfigIsAsWritten() throws Exception {
    TelemetryCollector collector = collector();
    collector.getSpec().getTargetAllocator().setEnabled(false);
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    assertThat(YAML.readTree(CollectorManifests.configYaml(collector, config)).path("receivers").path("prometheus")
        .path("config").path("scrape_configs")).hasSize(1);
    assertThat(manifests.desired(collector, config)).noneMatch(o -> o.getMetadata().getName().endsWith("targetallocator"));
  }
}
