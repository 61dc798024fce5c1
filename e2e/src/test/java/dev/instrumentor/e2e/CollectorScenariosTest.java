package dev.instrumentor.e2e;

import static dev.instrumentor.e2e.harness.Scenario.CONFIG;
import static dev.instrumentor.e2e.harness.Scenario.ENRICHING;
import static dev.instrumentor.e2e.harness.Scenario.app;
import static dev.instrumentor.e2e.harness.Scenario.createCollector;
import static dev.instrumentor.e2e.harness.Scenario.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.instrumentor.api.v1alpha1.Autoscaler;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.Observability;
import dev.instrumentor.api.v1alpha1.ObservabilityMetrics;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.UpstreamOperator;
import dev.instrumentor.operator.cli.Main;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user of TelemetryCollectors goes through: each mode (Deployment, a scaling gateway, DaemonSet,
 * sidecar), an invalid config kept out, permissions for k8sattributes, a ServiceMonitor once the Prometheus
 * Operator's API exists, {@code render} matching what the reconciler creates, a rotated Secret rolling the
 * pods, owned objects repaired and garbage collected; against a real cluster when one is configured, else the
 * embedded emulation (see {@link E2eCluster}).
 */
class CollectorScenariosTest {

  private static E2eCluster cluster;
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
  }

  @Test
  void aDeploymentModeCollectorAndAnInvalidConfigThatIsKeptOut() {
    String ns = cluster.namespace("telemetry", Map.of());
    createCollector(ns, "gateway", CollectorMode.DEPLOYMENT, CONFIG);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(cluster.client().apps().deployments().inNamespace(ns).withName("gateway-collector").get()).isNotNull();
      assertThat(cluster.client().configMaps().inNamespace(ns).withName("gateway-collector").get()).isNotNull();
      Service service = cluster.client().services().inNamespace(ns).withName("gateway-collector").get();
      assertThat(service).isNotNull();
      assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).contains(4317, 4318);
    });
    String good = cluster.client().configMaps().inNamespace(ns).withName("gateway-collector").get().getData()
        .get("collector.yaml");

    // a merge patch of the spec alone, as kubectl patch sends: no resourceVersion, so no conflict with the
    // status the operator may have just written
    String invalid = YAML.asJson(YAML.unmarshal(CONFIG.replace("exporters: [debug]", "exporters: [kafka]"), JsonNode.class));
    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"config\":" + invalid + "}}");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      TelemetryCollector found = cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway").get();
      assertThat(found.getStatus()).isNotNull();
      Condition ready = Conditions.get(found.getStatus().getConditions(), "Ready");
      assertThat(ready).isNotNull();
      assertThat(ready.getReason()).isEqualTo("InvalidConfig");
      assertThat(ready.getMessage()).contains("exporter \"kafka\" is not defined");
    });
    assertThat(cluster.client().configMaps().inNamespace(ns).withName("gateway-collector").get().getData()
        .get("collector.yaml")).isEqualTo(good);

    // invalid from its first version: nothing rolled out, and kubectl get tc still says what and how many
    createCollector(ns, "never", CollectorMode.DEPLOYMENT, CONFIG.replace("exporters: [debug]", "exporters: [kafka]"));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      TelemetryCollector found = cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("never").get();
      assertThat(found.getStatus()).isNotNull();
      assertThat(Conditions.get(found.getStatus().getConditions(), "Ready")).isNotNull()
          .satisfies(ready -> assertThat(ready.getReason()).isEqualTo("InvalidConfig"));
      assertThat(found.getStatus().getImage()).as("the IMAGE column").isNotBlank();
      assertThat(found.getStatus().getScale()).as("the READY column").isNotNull()
          .satisfies(scale -> assertThat(scale.getStatusReplicas()).isEqualTo("0/0"));
    });
    assertThat(cluster.client().apps().deployments().inNamespace(ns).withName("never-collector").get()).isNull();
  }

  /**
   * A collector that scales, on the real API server and its controller-manager: the HorizontalPodAutoscaler
   * the operator renders is accepted and the HPA controller reaches the TelemetryCollector's scale
   * subresource (AbleToScale); the PodDisruptionBudget is accepted; tail sampling across replicas is
   * flagged; and the listeners the config left to localhost are bound to all interfaces in the ConfigMap.
   */
  @Test
  void aScalingGatewayGetsAnHpaOnItsScaleSubresourceAPdbAndATraceRoutingWarning() {
    assumeTrue(cluster.real(), "needs a real API server and its HPA controller");
    String ns = cluster.namespace("scaling", Map.of());
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName("gateway");
    collector.getMetadata().setNamespace(ns);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(CollectorMode.DEPLOYMENT);
    spec.setReplicas(2);
    Autoscaler autoscaler = new Autoscaler();
    autoscaler.setMinReplicas(2);
    autoscaler.setMaxReplicas(5);
    spec.setAutoscaler(autoscaler);
    spec.setConfig(YAML.unmarshal("""
        receivers: {otlp: {protocols: {grpc: {}}}}
        processors:
          tail_sampling:
            policies:
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
              - {name: ten-percent, type: probabilistic, probabilistic: {sampling_percentage: 10}}
        exporters: {debug: {}}
        extensions: {health_check: {}}
        service:
          extensions: [health_check]
          pipelines: {traces: {receivers: [otlp], processors: [tail_sampling], exporters: [debug]}}
        """, JsonNode.class));
    collector.setSpec(spec);
    cluster.client().resource(collector).create();

    await().atMost(Duration.ofSeconds(90)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      HorizontalPodAutoscaler hpa = cluster.client().autoscaling().v2()
          .horizontalPodAutoscalers().inNamespace(ns).withName("gateway-collector").get();
      assertThat(hpa).as("the HPA").isNotNull();
      assertThat(hpa.getStatus() == null || hpa.getStatus().getConditions() == null ? List.<String>of()
          : hpa.getStatus().getConditions().stream().filter(c -> c.getType().equals("AbleToScale"))
              .map(c -> c.getStatus()).toList()).as("the HPA controller reads the collector's scale").contains("True");
      assertThat(cluster.client().policy().v1().podDisruptionBudget().inNamespace(ns).withName("gateway-collector").get())
          .as("the PDB").isNotNull();
      TelemetryCollector found = cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway")
          .get();
      assertThat(found.getStatus()).isNotNull();
      Condition routing = Conditions.get(found.getStatus().getConditions(), "TraceRouting");
      assertThat(routing).isNotNull();
      assertThat(routing.getStatus()).isEqualTo("False");
      assertThat(routing.getMessage()).contains("loadbalancing");
      Condition listeners = Conditions.get(found.getStatus().getConditions(), "Listeners");
      assertThat(listeners).isNotNull();
      assertThat(listeners.getMessage()).contains("receivers.otlp.protocols.grpc.endpoint", "extensions.health_check.endpoint");
    });
    String rendered = cluster.client().configMaps().inNamespace(ns).withName("gateway-collector").get().getData()
        .get("collector.yaml");
    assertThat(rendered).contains("endpoint: \"0.0.0.0:4317\"", "endpoint: \"0.0.0.0:13133\"", "host: \"0.0.0.0\"");

    // the autoscaler removed: its HPA goes
    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"autoscaler\":null}}");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(cluster.client().autoscaling().v2()
        .horizontalPodAutoscalers().inNamespace(ns).withName("gateway-collector").get()).isNull());
  }


  /**
   * A config that reads the Kubernetes API: the collector's ServiceAccount gets its token and a
   * ClusterRoleBinding, which goes when the config stops needing it and when the collector is deleted
   * (a finalizer: a cluster-scoped binding cannot be garbage collected with a namespaced owner).
   */
  @Test
  void k8sattributesGetsABindingThatLeavesWithTheNeedAndWithTheCollector() {
    assumeTrue(cluster.real(), "needs a real API server: finalizers and garbage collection");
    String ns = cluster.namespace("enrich", Map.of());
    String binding = "instrumentor-collector-k8sattributes:" + ns + ":enricher";
    createCollector(ns, "enricher", CollectorMode.DEPLOYMENT, ENRICHING);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      ClusterRoleBinding found = cluster.client().rbac().clusterRoleBindings()
          .withName(binding).get();
      assertThat(found).as("the binding").isNotNull();
      assertThat(found.getSubjects().get(0).getName()).isEqualTo("enricher-collector");
      ServiceAccount account = cluster.client().serviceAccounts().inNamespace(ns)
          .withName("enricher-collector").get();
      assertThat(account).as("the collector's ServiceAccount").isNotNull();
      assertThat(account.getAutomountServiceAccountToken()).isTrue();
      TelemetryCollector collector = cluster.client().resources(TelemetryCollector.class).inNamespace(ns)
          .withName("enricher").get();
      assertThat(collector.getMetadata().getFinalizers()).contains("instrumentor.dev/cluster-role-bindings");
      assertThat(collector.getStatus()).as("status").isNotNull();
      Condition permissions = Conditions.get(collector.getStatus().getConditions(), "Permissions");
      assertThat(permissions).as("Permissions condition").isNotNull();
      assertThat(permissions.getReason()).isEqualTo("Granted");
    });

    // the config no longer enriches: binding, token and finalizer go
    String plain = YAML.asJson(YAML.unmarshal(CONFIG, JsonNode.class));
    // (a JSON patch: a merge patch would merge the maps and keep the processor)
    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("enricher")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/config\",\"value\":" + plain + "}]");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      assertThat(cluster.client().rbac().clusterRoleBindings().withName(binding).get()).isNull();
      ServiceAccount account = cluster.client().serviceAccounts().inNamespace(ns)
          .withName("enricher-collector").get();
      assertThat(account).as("the collector's ServiceAccount").isNotNull();
      assertThat(account.getAutomountServiceAccountToken()).isFalse();
      assertThat(cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("enricher").get()
          .getMetadata().getFinalizers()).doesNotContain("instrumentor.dev/cluster-role-bindings");
    });

    // enriching again, then deleted: the binding goes with it
    String enriching = YAML.asJson(YAML.unmarshal(ENRICHING, JsonNode.class));
    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("enricher")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/config\",\"value\":" + enriching + "}]");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(cluster.client().rbac().clusterRoleBindings().withName(binding).get()).isNotNull());
    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("enricher").delete();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      assertThat(cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("enricher").get()).isNull();
      assertThat(cluster.client().rbac().clusterRoleBindings().withName(binding).get()).isNull();
    });
  }

  /**
   * spec.observability.metrics.enableMetrics: without the Prometheus Operator's API the condition says
   * so; once its CRD is installed, the next reconcile creates a ServiceMonitor the API server accepts,
   * selecting the monitoring Service only; turned off, it goes.
   */
  @Test
  void aServiceMonitorOnceThePrometheusOperatorApiExists() throws Exception {
    assumeTrue(cluster.real(), "needs a real API server to install a CRD and judge the ServiceMonitor");
    String ns = cluster.namespace("monitored", Map.of());
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName("gateway");
    collector.getMetadata().setNamespace(ns);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(CollectorMode.DEPLOYMENT);
    spec.setConfig(YAML.unmarshal(CONFIG, JsonNode.class));
    Observability observability = new Observability();
    observability.setMetrics(new ObservabilityMetrics());
    observability.getMetrics().setEnableMetrics(true);
    spec.setObservability(observability);
    collector.setSpec(spec);
    // looked up once its CRD exists (the client resolves the kind through discovery)
    Supplier<MixedOperation<
        GenericKubernetesResource, GenericKubernetesResourceList,
        Resource<GenericKubernetesResource>>> smons =
        () -> cluster.client().genericKubernetesResources(new ResourceDefinitionContext
            .Builder().withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
            .withPlural("servicemonitors").withNamespaced(true).build());
    boolean installed = cluster.client().apiextensions().v1().customResourceDefinitions()
        .withName("servicemonitors.monitoring.coreos.com").get() != null;
    boolean crdInstalledHere = false;
    try {
    cluster.client().resource(collector).create();
    if (!installed) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .untilAsserted(() -> assertThat(condition(ns, "gateway", "Observability")).isEqualTo("PrometheusOperatorMissing"));
      crdInstalledHere = !UpstreamOperator.installPrometheusOperatorCrds(cluster.client(), "servicemonitors").isEmpty();
      // any change reconciles it again (else the retry a minute later would)
      cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"podAnnotations\":{\"team\":\"platform\"}}}");
    }
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      GenericKubernetesResource monitor = smons.get().inNamespace(ns).withName("gateway-collector")
          .get();
      assertThat(monitor).as("the ServiceMonitor").isNotNull();
      JsonNode stored = YAML.convertValue(monitor, JsonNode.class);
      assertThat(stored.at("/spec/endpoints/0/port").asText()).isEqualTo("monitoring");
      assertThat(stored.at("/spec/selector/matchLabels/instrumentor.dev~1monitoring").asText()).isEqualTo("true");
      assertThat(condition(ns, "gateway", "Observability")).isEqualTo("ServiceMonitor");
    });
    // its selector picks the monitoring Service alone
    assertThat(cluster.client().services().inNamespace(ns).withLabel("instrumentor.dev/monitoring", "true").list()
        .getItems()).extracting(service -> service.getMetadata().getName()).containsExactly("gateway-collector-monitoring");

    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"observability\":null}}");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(smons.get().inNamespace(ns).withName("gateway-collector").get()).isNull());
    } finally {
      if (crdInstalledHere) {
        // the next run on this control plane sees the API absent again
        UpstreamOperator.uninstallCrds(cluster.client(), List.of("servicemonitors.monitoring.coreos.com"));
      }
    }
  }

  /** The reason of a collector's condition, or null. */
  private static String condition(String ns, String name, String type) {
    TelemetryCollector found = cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName(name).get();
    Condition condition = found == null || found.getStatus() == null ? null
        : Conditions.get(found.getStatus().getConditions(), type);
    return condition == null ? null : condition.getReason();
  }

  /** A node-local agent, as the real API server stores it: host ports and a Service that stays on the node. */
  /**
   * A collector written with the OpenTelemetry Operator's fields: its Ingress, NetworkPolicy and
   * PodDisruptionBudget are created and accepted by the API server, the condition Supported names what is only
   * accepted, and while it is unmanaged a spec change leaves its objects alone; managed again, they follow.
   */
  @Test
  void aCollectorWithTheOpenTelemetryOperatorsFieldsGetsItsObjectsAndUnmanagedLeavesThemAlone() {
    String ns = cluster.namespace("upstream-fields", Map.of());
    TelemetryCollector collector = YAML.unmarshal("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: edge}
        spec:
          mode: deployment
          replicas: 2
          configVersions: 3
          podDisruptionBudget: {minAvailable: 1}
          ingress:
            type: ingress
            hostname: otel.example.com
            annotations: {nginx.ingress.kubernetes.io/backend-protocol: GRPC}
          networkPolicy: {enabled: true}
          hostAliases: [{ip: 10.0.0.10, hostnames: [backend.internal]}]
          deploymentUpdateStrategy: {type: Recreate}
        """, TelemetryCollector.class);
    collector.getMetadata().setNamespace(ns);
    collector.getSpec().setConfig(YAML.unmarshal(CONFIG, JsonNode.class));
    cluster.client().resource(collector).create();

    var collectors = cluster.client().resources(TelemetryCollector.class).inNamespace(ns);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      var ingress = cluster.client().network().v1().ingresses().inNamespace(ns).withName("edge-ingress").get();
      assertThat(ingress).as("the Ingress").isNotNull();
      assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getHttp().getPaths())
          .extracting(path -> path.getPath()).containsExactly("/otlp-grpc", "/otlp-http"));
      assertThat(cluster.client().network().v1().networkPolicies().inNamespace(ns).withName("edge-collector-networkpolicy")
          .get()).as("the NetworkPolicy").isNotNull();
      var budget = cluster.client().policy().v1().podDisruptionBudget().inNamespace(ns).withName("edge-collector").get();
      assertThat(budget).as("the PodDisruptionBudget").isNotNull();
      assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
      Deployment deployment = cluster.client().apps().deployments().inNamespace(ns).withName("edge-collector").get();
      assertThat(deployment).as("the Deployment").isNotNull();
      assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
      assertThat(deployment.getSpec().getTemplate().getSpec().getHostAliases()).hasSize(1);
      assertThat(supported(collectors.withName("edge").get())).startsWith("False accepted but not applied: spec.configVersions");
    });

    collectors.withName("edge").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"managementState\":\"unmanaged\",\"networkPolicy\":null}}");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(condition(collectors.withName("edge").get(), "Ready")).startsWith("Unknown Unmanaged"));
    assertThat(cluster.client().network().v1().networkPolicies().inNamespace(ns).withName("edge-collector-networkpolicy")
        .get()).as("unmanaged: left as it was").isNotNull();

    collectors.withName("edge").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"managementState\":\"managed\"}}");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(cluster.client().network().v1().networkPolicies().inNamespace(ns)
            .withName("edge-collector-networkpolicy").get()).as("managed again: no longer wanted, deleted").isNull());
  }

  /** "status reason message" of a condition, or "none": nothing here throws but an AssertionError. */
  private static String condition(TelemetryCollector collector, String type) {
    Condition found = collector == null || collector.getStatus() == null ? null
        : Conditions.get(collector.getStatus().getConditions(), type);
    return found == null ? "none" : found.getStatus() + " " + found.getReason() + " " + found.getMessage();
  }

  private static String supported(TelemetryCollector collector) {
    String condition = condition(collector, "Supported");
    return condition.equals("none") ? condition : condition.replaceFirst(" NotApplied ", " ");
  }

  @Test
  void aDaemonSetAgentServesItsNode() {
    assumeTrue(cluster.real(), "needs a real API server to judge hostPort and internalTrafficPolicy");
    String ns = cluster.namespace("agents", Map.of());
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName("agent");
    collector.getMetadata().setNamespace(ns);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(CollectorMode.DAEMONSET);
    spec.setHostPorts(true);
    spec.setConfig(YAML.unmarshal(CONFIG, JsonNode.class));
    collector.setSpec(spec);
    cluster.client().resource(collector).create();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      DaemonSet daemonSet = cluster.client().apps().daemonSets().inNamespace(ns)
          .withName("agent-collector").get();
      assertThat(daemonSet).isNotNull();
      assertThat(daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
          .anySatisfy(port -> assertThat(port.getHostPort()).isEqualTo(4317));
      Service service = cluster.client().services().inNamespace(ns).withName("agent-collector").get();
      assertThat(service).isNotNull();
      assertThat(service.getSpec().getInternalTrafficPolicy()).isEqualTo("Local");
    });
    // its pod, placed on the e2e node, holds port 4317 of the host: the node's portmap sends this host's own
    // connections to 127.0.0.1:4317 to it (RealAgentTest's gRPC receiver lost every span to it once)
    cluster.client().resource(collector).delete();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(cluster.client().pods().inNamespace(ns).list().getItems()).isEmpty());
  }

  /**
   * {@code instrumentor render} prints what the reconciler creates: every object it renders for the
   * example collector is on the real API server with those very fields and values (the server adds its
   * own: uid, defaults, status, the owner's uid).
   */
  @Test
  void renderPrintsWhatTheReconcilerCreates() throws Exception {
    assumeTrue(cluster.real(), "needs a real API server: it stores what the reconciler applied");
    String ns = cluster.namespace("render", Map.of());
    String example = Files.readString(ControlPlane.projectRoot()
        .resolve("examples/collector.yaml")).replace("namespace: observability", "namespace: " + ns);
    List<JsonNode> rendered = render(example);
    assertThat(rendered).hasSizeGreaterThan(4);
    cluster.client().resource(YAML.unmarshal(example, TelemetryCollector.class)).create();
    assertStoredAsRendered(ns, rendered);
  }

  /**
   * The Grafana Cloud example: the collector reads its credentials from a Secret, whose content hash is
   * in the pod template — the same from {@code render} (the Secret beside it in the file) and from the
   * operator (its cache of the Secret on the API server). Rotating the Secret changes the template, and
   * the Deployment controller rolls a new ReplicaSet; the operator never stores the Secret's data.
   */
  @Test
  void aRotatedSecretRollsTheCollectorAndRenderKnowsItsHash() throws Exception {
    assumeTrue(cluster.real(), "needs a real API server and its Deployment controller");
    String ns = cluster.namespace("rotation", Map.of());
    String example = Files.readString(ControlPlane.projectRoot()
        .resolve("examples/grafana-cloud.yaml")).replace("namespace: observability", "namespace: " + ns)
        .replace("namespace: shop", "namespace: " + ns);
    List<JsonNode> rendered = render(example, "--collector-secret-namespaces=*");
    for (HasMetadata object : cluster.client().load(new ByteArrayInputStream(
        example.getBytes(StandardCharsets.UTF_8))).items()) {
      cluster.client().resource(object).create();
    }
    // the stored template carries the hash render computed from the Secret beside the collector in the file
    assertStoredAsRendered(ns, rendered);
    String first = inputsHash(ns);
    assertThat(first).isNotBlank();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(cluster.client().apps().replicaSets().inNamespace(ns).list().getItems())
            .as("the Deployment controller's ReplicaSet").isNotEmpty());
    int replicaSets = cluster.client().apps().replicaSets().inNamespace(ns).list().getItems().size();

    // a rotated key, as kubectl create secret ... --dry-run=client -o yaml | kubectl apply would write it
    cluster.client().secrets().inNamespace(ns).withName("grafana-cloud").edit(secret -> {
      secret.setStringData(Map.of("GRAFANA_CLOUD_API_KEY", "glc_rotated"));
      return secret;
    });
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      assertThat(inputsHash(ns)).isNotEqualTo(first);
      assertThat(cluster.client().apps().replicaSets().inNamespace(ns).list().getItems()).as("a new ReplicaSet")
          .hasSize(replicaSets + 1);
    });
    String rotated = inputsHash(ns);
    TelemetryCollector found = cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("grafana").get();
    Condition inputs = Conditions.get(found.getStatus().getConditions(), "Inputs");
    assertThat(inputs.getStatus()).isEqualTo("True");
    assertThat(inputs.getMessage()).contains("Secret grafana-cloud (envFrom)");

    // the Secret deleted: the condition says what the pods wait for, and the running pods are kept (a roll
    // would replace them with pods that cannot start)
    cluster.client().secrets().inNamespace(ns).withName("grafana-cloud").delete();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      TelemetryCollector now = cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("grafana").get();
      Condition missing = Conditions.get(now.getStatus().getConditions(), "Inputs");
      assertThat(missing).as("Inputs condition").isNotNull();
      assertThat(missing.getStatus()).isEqualTo("False");
      assertThat(missing.getMessage()).contains("Secret grafana-cloud (envFrom)");
    });
    assertThat(inputsHash(ns)).isEqualTo(rotated);
    assertThat(cluster.client().apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(replicaSets + 1);
  }

  private static String inputsHash(String ns) {
    return cluster.client().apps().deployments().inNamespace(ns).withName("grafana-collector").get()
        .getSpec().getTemplate().getMetadata().getAnnotations().get("instrumentor.dev/inputs-hash");
  }

  /** What {@code instrumentor render} prints for a file's text. */
  private static List<JsonNode> render(String text, String... flags) throws Exception {
    Path file = Files.createTempFile("collector", ".yaml");
    Files.writeString(file, text);
    StringWriter out = new StringWriter();
    picocli.CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    List<String> args = new ArrayList<>(List.of("render", "-f", file.toString()));
    args.addAll(List.of(flags));
    assertThat(cli.execute(args.toArray(String[]::new))).isZero();
    List<JsonNode> rendered = new ArrayList<>();
    MappingIterator<JsonNode> documents = new ObjectMapper(
        new YAMLFactory()).readerFor(JsonNode.class).readValues(out.toString());
    documents.forEachRemaining(rendered::add);
    return rendered;
  }

  /** Every object the render made (not those passed through) is on the API server with those fields and values. */
  private static void assertStoredAsRendered(String ns, List<JsonNode> rendered) {
    List<JsonNode> made = rendered.stream()
        .filter(o -> "instrumentor".equals(o.at("/metadata/labels/app.kubernetes.io~1managed-by").asText())).toList();
    assertThat(made).hasSizeGreaterThan(3);
    for (JsonNode object : made) {
      String what = object.path("kind").asText() + "/" + object.at("/metadata/name").asText();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
        var resources = cluster.client()
            .genericKubernetesResources(object.path("apiVersion").asText(), object.path("kind").asText());
        GenericKubernetesResource stored = object.at("/metadata/namespace").isMissingNode()
            ? resources.withName(object.at("/metadata/name").asText()).get()
            : resources.inNamespace(ns).withName(object.at("/metadata/name").asText()).get();
        assertThat(stored).as(what + " on the API server").isNotNull();
        JsonNode server = YAML.convertValue(stored, JsonNode.class);
        assertThat(differences("", object, server)).as(what + ": rendered fields the server has otherwise").isEmpty();
      });
    }
  }

  /** Where {@code rendered}'s fields are missing from or differ in {@code server} (which may have more). */
  private static List<String> differences(String path, JsonNode rendered, JsonNode server) {
    List<String> found = new ArrayList<>();
    if (rendered.isObject()) {
      rendered.properties().forEach(field -> found.addAll(
          differences(path + "." + field.getKey(), field.getValue(), server.path(field.getKey()))));
    } else if (rendered.isArray()) {
      if (!server.isArray() || server.size() != rendered.size()) {
        found.add(path + ": " + rendered + " vs " + server);
      } else {
        for (int i = 0; i < rendered.size(); i++) {
          found.addAll(differences(path + "[" + i + "]", rendered.get(i), server.get(i)));
        }
      }
    } else if (!rendered.asText().equals(server.asText()) || server.isMissingNode()) {
      found.add(path + ": " + rendered + " vs " + server);
    }
    return found;
  }

  /**
   * Garbage collection and server-side apply ownership, which only a real API server (with its
   * controller-manager) judges: a user's change to a field the operator applies is reverted, a field
   * it does not own is kept, and deleting the collector deletes what it owns.
   */
  @Test
  void ownedObjectsAreRepairedAndGarbageCollected() {
    assumeTrue(cluster.real(), "needs a real API server: the mock has neither server-side apply nor garbage collection");
    String ns = cluster.namespace("owned", Map.of());
    createCollector(ns, "gateway", CollectorMode.DEPLOYMENT, CONFIG);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Deployment deployment = cluster.client().apps().deployments().inNamespace(ns).withName("gateway-collector").get();
      assertThat(deployment).isNotNull();
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).isNotEmpty();
    });
    Deployment applied = cluster.client().apps().deployments().inNamespace(ns).withName("gateway-collector").get();
    String image = applied.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();

    // as kubectl edit would: the image (owned by the operator) and a label of the user's own
    cluster.client().apps().deployments().inNamespace(ns).withName("gateway-collector").patch(PatchContext.of(
        PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"evil/collector:1\"},"
        + "{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"payments\"}]");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Deployment repaired = cluster.client().apps().deployments().inNamespace(ns).withName("gateway-collector").get();
      assertThat(repaired.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(image);
      assertThat(repaired.getMetadata().getLabels()).containsEntry("team", "payments");
    });

    // the ReplicaSet the Deployment controller made proves the controllers run; all of it goes with the collector
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(cluster.client().apps().replicaSets().inNamespace(ns).list().getItems()).isNotEmpty());
    cluster.client().resources(TelemetryCollector.class).inNamespace(ns).withName("gateway").delete();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(cluster.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(cluster.client().apps().replicaSets().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(cluster.client().configMaps().inNamespace(ns).withName("gateway-collector").get()).isNull();
      assertThat(cluster.client().services().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(cluster.client().serviceAccounts().inNamespace(ns).withName("gateway-collector").get()).isNull();
    });
  }

  /** A native sidecar from Kubernetes 1.29 on (an init container that keeps running), a regular container before. */
  @Test
  void sidecarInjection() {
    String ns = cluster.namespace("edge", Map.of());
    createCollector(ns, "agent", CollectorMode.SIDECAR, CONFIG);
    boolean nativeSidecars = cluster.serverMinorVersion() >= 29;
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Pod pod = cluster.deploy(deployment(ns, "edge-" + System.nanoTime() % 100000,
          Map.of("instrumentor.dev/inject-sidecar", "true"), app("app"))).get(0).pod();
      if (nativeSidecars) {
        assertThat(pod.getSpec().getInitContainers()).anySatisfy(c -> {
          assertThat(c.getName()).isEqualTo("otc-container");
          assertThat(c.getRestartPolicy()).isEqualTo("Always");
        });
        assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("app");
      } else {
        assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("app", "otc-container");
        assertThat(pod.getSpec().getInitContainers()).noneSatisfy(c -> assertThat(c.getName()).isEqualTo("otc-container"));
      }
    });
  }
}
