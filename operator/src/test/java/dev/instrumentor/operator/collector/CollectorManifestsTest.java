package dev.instrumentor.operator.collector;

import static dev.instrumentor.operator.collector.CollectorConfigTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.Autoscaler;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.PortSpec;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class CollectorManifestsTest {

  static final String CONFIG = """
      receivers:
        otlp:
          protocols: {grpc: {}, http: {}}
      exporters: {debug: {}}
      service:
        pipelines:
          traces: {receivers: [otlp], exporters: [debug]}
      """;

  private final CollectorManifests manifests = new CollectorManifests("otel/opentelemetry-collector-contrib:0.139.0");

  static TelemetryCollector collector(CollectorMode mode, String config) {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName("gateway");
    collector.getMetadata().setNamespace("observability");
    collector.getMetadata().setUid("uid-tc");
    collector.getMetadata().setGeneration(1L);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(mode);
    spec.setConfig(yaml(config));
    collector.setSpec(spec);
    return collector;
  }

  private List<HasMetadata> desired(TelemetryCollector collector) {
    return manifests.desired(collector, CollectorConfig.of(collector.getSpec().getConfig()));
  }

  private static List<String> kindsAndNames(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  @Test
  void deploymentMode() {
    List<HasMetadata> objects = desired(collector(CollectorMode.DEPLOYMENT, CONFIG));

    assertThat(kindsAndNames(objects)).containsExactly("ConfigMap/gateway-collector", "ServiceAccount/gateway-collector",
        "Deployment/gateway-collector", "Service/gateway-collector", "Service/gateway-collector-headless",
        "Service/gateway-collector-monitoring");
    objects.forEach(o -> {
      assertThat(o.getMetadata().getNamespace()).isEqualTo("observability");
      assertThat(o.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getKind()).isEqualTo("TelemetryCollector");
        assertThat(owner.getUid()).isEqualTo("uid-tc");
        assertThat(owner.getController()).isTrue();
      });
      assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "instrumentor");
    });
    ConfigMap configMap = (ConfigMap) objects.get(0);
    // keys sorted, as the API server hands a custom resource's maps back: the same bytes from a file or the cluster
    assertThat(configMap.getData().get("collector.yaml")).startsWith("exporters:\n  debug: {}\nreceivers:\n  otlp:\n");
    Deployment deployment = (Deployment) objects.get(2);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app.kubernetes.io/managed-by", "instrumentor", "app.kubernetes.io/instance", "gateway",
        "app.kubernetes.io/component", "opentelemetry-collector"));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("instrumentor.dev/config-hash", CollectorManifests.hash(configMap.getData().get("collector.yaml")));
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("otel/opentelemetry-collector-contrib:0.139.0");
    assertThat(container.getArgs()).containsExactly("--config=/conf/collector.yaml");
    assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("otlp-grpc:4317", "otlp-http:4318", "monitoring:8888");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("gateway-collector");
    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    Service service = (Service) objects.get(3);
    assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
        .containsExactly(Tuple.tuple("otlp-grpc", 4317, "grpc"),
            Tuple.tuple("otlp-http", 4318, "http"));
    Service headless = (Service) objects.get(4);
    assertThat(headless.getSpec().getClusterIP()).as("headless, in every mode").isEqualTo("None");
    assertThat(headless.getSpec().getPorts()).isEqualTo(service.getSpec().getPorts());
    assertThat(((Service) objects.get(5)).getSpec().getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8888));
  }

  @Test
  void jaegerQueryIsServedByAnExtensionServiceAsUpstream() throws Exception {
    List<HasMetadata> objects = desired(collector(CollectorMode.DEPLOYMENT, CONFIG + """
          extensions: [jaeger_query]
        extensions:
          jaeger_query: {storage: {traces: memstore}, grpc: {endpoint: ":16685"}}
        """));
    Service extension = objects.stream().filter(o -> o.getMetadata().getName().equals("gateway-collector-extension"))
        .map(Service.class::cast).findFirst().orElseThrow();
    assertThat(extension.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(Tuple.tuple("jaeger-query", 16686), Tuple.tuple("jaeger-query-2", 16685));
    Deployment deployment = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
        .findFirst().orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .extracting(p -> p.getContainerPort()).contains(16686, 16685);
    JsonNode rendered = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml
        .YAMLFactory()).readTree(((ConfigMap) objects.get(0)).getData().get("collector.yaml"));
    assertThat(rendered.at("/extensions/jaeger_query/http/endpoint").asText()).as("reachable from the Service")
        .isEqualTo("0.0.0.0:16686");
  }

  @Test
  void aNodeLocalAgentServesItsNodeOnHostPortsAndALocalTrafficPolicy() {
    TelemetryCollector collector = collector(CollectorMode.DAEMONSET, CONFIG);
    collector.getSpec().setHostPorts(true);
    List<HasMetadata> objects = desired(collector);

    DaemonSet daemonSet = (DaemonSet) objects.get(2);
    assertThat(daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .filteredOn(port -> !port.getName().equals("monitoring"))
        .allSatisfy(port -> assertThat(port.getHostPort()).isEqualTo(port.getContainerPort()))
        .extracting(port -> port.getContainerPort()).containsExactlyInAnyOrder(4317, 4318);
    assertThat(daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .filteredOn(port -> port.getName().equals("monitoring")).singleElement()
        .satisfies(port -> assertThat(port.getHostPort()).as("the collector's own metrics stay off the node").isNull());
    Service service = (Service) objects.stream().filter(o -> o.getMetadata().getName().equals("gateway-collector")
        && o instanceof Service).findFirst().orElseThrow();
    assertThat(service.getSpec().getInternalTrafficPolicy()).isEqualTo("Local");

    collector.getSpec().setHostPorts(null);
    assertThat(((DaemonSet) desired(collector).get(2)).getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .as("opt-in").allSatisfy(port -> assertThat(port.getHostPort()).isNull());
  }

  @Test
  void daemonSetMode() {
    List<HasMetadata> objects = desired(collector(CollectorMode.DAEMONSET, CONFIG));
    assertThat(kindsAndNames(objects)).contains("DaemonSet/gateway-collector").doesNotContain("Deployment/gateway-collector");
    assertThat(((DaemonSet) objects.get(2)).getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
  }

  @Test
  void anAutoscalerScalesTheCollectorThroughItsScaleSubresourceAndAPdbKeepsAllButOne() {
    TelemetryCollector collector = collector(CollectorMode.DEPLOYMENT, CONFIG);
    Autoscaler autoscaler = new Autoscaler();
    autoscaler.setMinReplicas(2);
    autoscaler.setMaxReplicas(8);
    autoscaler.setTargetMemoryUtilization(75);
    collector.getSpec().setAutoscaler(autoscaler);

    List<HasMetadata> objects = desired(collector);

    var hpa = objects.stream().filter(HorizontalPodAutoscaler.class::isInstance)
        .map(HorizontalPodAutoscaler.class::cast).findFirst().orElseThrow();
    assertThat(hpa.getMetadata().getName()).isEqualTo("gateway-collector");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("TelemetryCollector");
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("instrumentor.dev/v1alpha1");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("gateway");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
    assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
      assertThat(metric.getResource().getName()).isEqualTo("memory");
      assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(75);
    });
    var pdb = objects.stream().filter(PodDisruptionBudget.class::isInstance)
        .map(PodDisruptionBudget.class::cast).findFirst().orElseThrow();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(
        ((Deployment) objects.get(2)).getSpec().getSelector().getMatchLabels());

    autoscaler.setTargetMemoryUtilization(null);
    autoscaler.setMinReplicas(null);
    var cpuOnly = desired(collector).stream()
        .filter(HorizontalPodAutoscaler.class::isInstance)
        .map(HorizontalPodAutoscaler.class::cast).findFirst().orElseThrow();
    assertThat(cpuOnly.getSpec().getMinReplicas()).as("spec.replicas").isEqualTo(1);
    assertThat(cpuOnly.getSpec().getMetrics()).singleElement().satisfies(metric -> {
      assertThat(metric.getResource().getName()).isEqualTo("cpu");
      assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(90);
    });

    collector.getSpec().setAutoscaler(null);
    assertThat(kindsAndNames(desired(collector))).as("one replica: no HPA, no PDB")
        .noneMatch(kind -> kind.startsWith("HorizontalPodAutoscaler") || kind.startsWith("PodDisruptionBudget"));
  }

  @Test
  void statefulSetModeWithClaimsAndAHeadlessService() {
    TelemetryCollector collector = collector(CollectorMode.STATEFULSET, CONFIG);
    collector.getSpec().setReplicas(3);
    collector.getSpec().setVolumeClaimTemplates(List.of(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("queue").endMetadata().build()));

    List<HasMetadata> objects = desired(collector);

    assertThat(kindsAndNames(objects)).containsExactly("ConfigMap/gateway-collector", "ServiceAccount/gateway-collector",
        "StatefulSet/gateway-collector", "Service/gateway-collector", "Service/gateway-collector-headless",
        "Service/gateway-collector-monitoring", "PodDisruptionBudget/gateway-collector");
    StatefulSet statefulSet = (StatefulSet) objects.get(2);
    assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);
    assertThat(statefulSet.getSpec().getServiceName()).isEqualTo("gateway-collector-headless");
    assertThat(statefulSet.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName()).containsExactly("queue");
    assertThat(((Service) objects.get(4)).getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void sidecarModeHasOnlyItsConfigMap() {
    assertThat(kindsAndNames(desired(collector(CollectorMode.SIDECAR, CONFIG)))).containsExactly("ConfigMap/gateway-collector");
  }

  @Test
  void aConfigChangeChangesTheHashAndSoRollsThePods() {
    String before = podHash(desired(collector(CollectorMode.DEPLOYMENT, CONFIG)));
    String after = podHash(desired(collector(CollectorMode.DEPLOYMENT, CONFIG.replace("debug: {}", "debug: {verbosity: detailed}"))));
    String same = podHash(desired(collector(CollectorMode.DEPLOYMENT, CONFIG)));
    assertThat(after).isNotEqualTo(before);
    assertThat(same).isEqualTo(before);
  }

  private static String podHash(List<HasMetadata> objects) {
    return ((Deployment) objects.get(2)).getSpec().getTemplate().getMetadata().getAnnotations().get("instrumentor.dev/config-hash");
  }

  @Test
  void specPortsAreAddedAndWinOverDerivedOnes() {
    TelemetryCollector collector = collector(CollectorMode.DEPLOYMENT, CONFIG);
    PortSpec custom = new PortSpec();
    custom.setName("grpc-custom");
    custom.setPort(4317);
    custom.setTargetPort(new IntOrString(4317));
    PortSpec extra = new PortSpec();
    extra.setName("extra");
    extra.setPort(9999);
    collector.getSpec().setPorts(List.of(custom, extra));

    Service service = (Service) desired(collector).get(3);

    assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(Tuple.tuple("grpc-custom", 4317),
            Tuple.tuple("otlp-http", 4318),
            Tuple.tuple("extra", 9999));
  }

  @Test
  void userSettingsReachThePod() {
    TelemetryCollector collector = collector(CollectorMode.DEPLOYMENT, CONFIG);
    collector.getSpec().setImage("registry.example.com/otelcol:1.0");
    collector.getSpec().setServiceAccount("custom-sa");
    collector.getSpec().setArgs(Map.of("feature-gates", "+foo", "--log-level", "debug"));
    collector.getSpec().setPodAnnotations(Map.of("prometheus.io/scrape", "true"));
    collector.getSpec().setNodeSelector(Map.of("kubernetes.io/os", "linux"));

    List<HasMetadata> objects = desired(collector);

    assertThat(kindsAndNames(objects)).doesNotContain("ServiceAccount/gateway-collector");
    Deployment deployment = (Deployment) objects.get(1);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.com/otelcol:1.0");
    assertThat(container.getArgs()).containsExactly("--config=/conf/collector.yaml", "--feature-gates=+foo", "--log-level=debug");
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("custom-sa");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true");
    assertThat(deployment.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
  }

  @Test
  void healthCheckExtensionGivesProbes() {
    String config = CONFIG.replace("service:", "extensions: {health_check: {}}\nservice:\n  extensions: [health_check]");
    Container container = ((Deployment) desired(collector(CollectorMode.DEPLOYMENT, config)).get(2))
        .getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(13133);
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(13133);
  }
}
