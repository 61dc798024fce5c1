package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fields of the OpenTelemetry Operator's OpenTelemetryCollector (v1beta1) that a TelemetryCollector accepts,
 * written as a migrating user writes them, and what each does to the objects we create (its meaning read from
 * upstream's internal/manifests/collector).
 */
class UpstreamCollectorFieldsTest {

  private static final String CONFIG = """
        config:
          receivers:
            otlp:
              protocols: {grpc: {}, http: {}}
          extensions:
            health_check: {}
          exporters: {debug: {}}
          service:
            extensions: [health_check]
            pipelines:
              traces: {receivers: [otlp], exporters: [debug]}
      """;

  private final CollectorManifests manifests = new CollectorManifests("otel/opentelemetry-collector-contrib:0.139.0");

  private static TelemetryCollector collector(String spec) {
    TelemetryCollector collector = Serialization.unmarshal("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: gateway, namespace: observability, uid: uid-tc, generation: 1}
        spec:
        """ + spec.indent(2) + CONFIG, TelemetryCollector.class);
    return collector;
  }

  private List<HasMetadata> desired(TelemetryCollector collector) {
    return manifests.desired(collector, CollectorConfig.of(collector.getSpec().getConfig()));
  }

  private <T> T one(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow(
        () -> new AssertionError("no " + type.getSimpleName() + " among " + objects.stream().map(HasMetadata::getKind).toList()));
  }

  @Test
  void podFieldsReachThePodTemplate() {
    List<HasMetadata> objects = desired(collector("""
        mode: deployment
        imagePullPolicy: Always
        hostNetwork: true
        hostPID: true
        shareProcessNamespace: true
        hostUsers: false
        priorityClassName: observability
        terminationGracePeriodSeconds: 45
        hostAliases: [{ip: 10.0.0.10, hostnames: [backend.internal]}]
        podDnsConfig: {nameservers: [10.0.0.53], searches: [svc.cluster.local]}
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}
        initContainers: [{name: wait, image: busybox:1.37, command: [sh, -c, "true"]}]
        additionalContainers: [{name: proxy, image: nginx:1.29}]
        lifecycle: {preStop: {sleep: {seconds: 5}}}
        command: [/otelcol-contrib]
        configmaps: [{name: ca-bundle, mountpath: certs}]
        livenessProbe: {initialDelaySeconds: 5, periodSeconds: 20, failureThreshold: 4, terminationGracePeriodSeconds: 9}
        readinessProbe: {periodSeconds: 3, terminationGracePeriodSeconds: 9}
        startupProbe: {failureThreshold: 30, periodSeconds: 2}
        deploymentUpdateStrategy: {type: Recreate}
        """));
    Deployment deployment = one(objects, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).as("the cluster's DNS on the node's network").isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getHostPID()).isTrue();
    assertThat(pod.getShareProcessNamespace()).isTrue();
    assertThat(pod.getHostUsers()).isFalse();
    assertThat(pod.getPriorityClassName()).isEqualTo("observability");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
    assertThat(pod.getHostAliases()).singleElement().satisfies(a -> assertThat(a.getHostnames()).containsExactly("backend.internal"));
    assertThat(pod.getDnsConfig().getNameservers()).containsExactly("10.0.0.53");
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(t -> assertThat(t.getMaxSkew()).isEqualTo(1));
    assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("wait");
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("otc-container", "proxy");
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("configmap-ca-bundle");
      assertThat(v.getConfigMap().getName()).isEqualTo("ca-bundle");
    });
    Container collector = pod.getContainers().get(0);
    assertThat(collector.getImagePullPolicy()).isEqualTo("Always");
    assertThat(collector.getCommand()).containsExactly("/otelcol-contrib");
    assertThat(collector.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
    assertThat(collector.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("configmap-ca-bundle");
      assertThat(m.getMountPath()).as("where the OpenTelemetry Operator mounts it").isEqualTo("/var/conf/certs/configmap-ca-bundle");
    });
    assertThat(collector.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(13133);
    assertThat(collector.getLivenessProbe().getInitialDelaySeconds()).isEqualTo(5);
    assertThat(collector.getLivenessProbe().getPeriodSeconds()).isEqualTo(20);
    assertThat(collector.getLivenessProbe().getFailureThreshold()).isEqualTo(4);
    assertThat(collector.getLivenessProbe().getTerminationGracePeriodSeconds()).isEqualTo(9L);
    assertThat(collector.getReadinessProbe().getPeriodSeconds()).isEqualTo(3);
    assertThat(collector.getReadinessProbe().getTerminationGracePeriodSeconds())
        .as("the API server refuses a grace period on a readiness probe").isNull();
    assertThat(collector.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/");
    assertThat(collector.getStartupProbe().getFailureThreshold()).isEqualTo(30);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  @Test
  void withoutTheseFieldsThePodIsAsBefore() {
    PodSpec pod = one(desired(collector("mode: deployment")), Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getDnsPolicy()).isNull();
    assertThat(pod.getHostPID()).isNull();
    assertThat(pod.getShareProcessNamespace()).isNull();
    assertThat(pod.getInitContainers()).isNullOrEmpty();
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(pod.getContainers().get(0).getStartupProbe()).isNull();
    assertThat(pod.getContainers().get(0).getImagePullPolicy()).isNull();
  }

  @Test
  void statefulSetAndDaemonSetFields() {
    StatefulSet statefulSet = one(desired(collector("""
        mode: statefulset
        serviceName: gateway-peers
        podManagementPolicy: OrderedReady
        persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
        """)), StatefulSet.class);
    assertThat(statefulSet.getSpec().getServiceName()).isEqualTo("gateway-peers");
    assertThat(statefulSet.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
    assertThat(statefulSet.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Delete");
    StatefulSet defaults = one(desired(collector("mode: statefulset")), StatefulSet.class);
    assertThat(defaults.getSpec().getServiceName()).isEqualTo("gateway-collector-headless");
    assertThat(defaults.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");

    DaemonSet daemonSet = one(desired(collector("""
        mode: daemonset
        daemonSetUpdateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}
        """)), DaemonSet.class);
    assertThat(daemonSet.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(2);
  }

  @Test
  void serviceFieldsAndHostPorts() {
    List<HasMetadata> objects = desired(collector("""
        mode: daemonset
        ipFamilies: [IPv4]
        ipFamilyPolicy: SingleStack
        trafficDistribution: PreferClose
        ports:
          - {name: syslog, port: 5514, protocol: UDP, hostPort: 514}
        """));
    Service service = objects.stream().filter(o -> o.getMetadata().getName().equals("gateway-collector"))
        .filter(Service.class::isInstance).map(Service.class::cast).findFirst().orElseThrow();
    assertThat(service.getSpec().getIpFamilies()).containsExactly("IPv4");
    assertThat(service.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
    assertThat(service.getSpec().getTrafficDistribution()).isEqualTo("PreferClose");
    List<ContainerPort> ports = one(objects, DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0).getPorts();
    assertThat(ports).filteredOn(p -> "syslog".equals(p.getName())).singleElement().satisfies(p -> {
      assertThat(p.getContainerPort()).isEqualTo(5514);
      assertThat(p.getHostPort()).isEqualTo(514);
      assertThat(p.getProtocol()).isEqualTo("UDP");
    });
    assertThat(ports).filteredOn(p -> "otlp-grpc".equals(p.getName())).singleElement()
        .satisfies(p -> assertThat(p.getHostPort()).as("only the port that asks").isNull());
  }

  @Test
  void disruptionBudgetAndAutoscalerBehavior() {
    List<HasMetadata> objects = desired(collector("""
        mode: deployment
        replicas: 3
        podDisruptionBudget: {minAvailable: 2}
        autoscaler:
          minReplicas: 3
          maxReplicas: 9
          behavior: {scaleDown: {stabilizationWindowSeconds: 600}}
          metrics:
            - type: Pods
              pods:
                metric: {name: otelcol_exporter_queue_size}
                target: {type: AverageValue, averageValue: "100"}
        """));
    PodDisruptionBudget budget = one(objects, PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
    assertThat(budget.getSpec().getMaxUnavailable()).as("the spec's, not our default").isNull();
    HorizontalPodAutoscaler autoscaler = one(objects, HorizontalPodAutoscaler.class);
    assertThat(autoscaler.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isEqualTo(600);
    assertThat(autoscaler.getSpec().getMetrics()).as("a custom metric and no CPU default beside it")
        .singleElement().satisfies(m -> assertThat(m.getPods().getMetric().getName()).isEqualTo("otelcol_exporter_queue_size"));

    assertThat(desired(collector("""
        mode: deployment
        autoscaler: {targetCPUUtilization: 70}
        """))).as("no maxReplicas, no HorizontalPodAutoscaler, as upstream").noneMatch(HorizontalPodAutoscaler.class::isInstance);
  }

  @Test
  void ingressByPathOrSubdomain() {
    Ingress byPath = one(desired(collector("""
        mode: deployment
        ingress:
          type: ingress
          hostname: otel.example.com
          ingressClassName: nginx
          annotations: {nginx.ingress.kubernetes.io/backend-protocol: GRPC}
          tls: [{hosts: [otel.example.com], secretName: otel-tls}]
        """)), Ingress.class);
    assertThat(byPath.getMetadata().getName()).isEqualTo("gateway-ingress");
    assertThat(byPath.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/backend-protocol", "GRPC");
    assertThat(byPath.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(byPath.getSpec().getTls()).singleElement().satisfies(t -> assertThat(t.getSecretName()).isEqualTo("otel-tls"));
    assertThat(byPath.getSpec().getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getHost()).isEqualTo("otel.example.com");
      assertThat(rule.getHttp().getPaths()).extracting(p -> p.getPath() + " -> " + p.getBackend().getService().getName()
          + ":" + p.getBackend().getService().getPort().getName())
          .containsExactly("/otlp-grpc -> gateway-collector:otlp-grpc", "/otlp-http -> gateway-collector:otlp-http");
    });

    Ingress bySubdomain = one(desired(collector("""
        mode: deployment
        ingress: {type: ingress, ruleType: subdomain, hostname: otel.example.com}
        """)), Ingress.class);
    assertThat(bySubdomain.getSpec().getRules()).extracting(r -> r.getHost() + r.getHttp().getPaths().get(0).getPath())
        .containsExactly("otlp-grpc.otel.example.com/", "otlp-http.otel.example.com/");

    assertThat(desired(collector("""
        mode: deployment
        ingress: {type: route}
        """))).as("a route is OpenShift's").noneMatch(Ingress.class::isInstance);
  }

  @Test
  void networkPolicyAdmitsTheCollectorsPortsOnly() {
    NetworkPolicy policy = one(desired(collector("""
        mode: deployment
        networkPolicy: {enabled: true}
        """)), NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "gateway");
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> assertThat(rule.getPorts())
        .extracting(p -> p.getPort().getIntVal()).containsExactlyInAnyOrder(4317, 4318, 8888, 13133));
    assertThat(desired(collector("mode: deployment"))).noneMatch(NetworkPolicy.class::isInstance);
  }

  @Test
  void prometheusAnnotationsUnlessDisabledAndServiceMonitorLabels() {
    var annotations = one(desired(collector("mode: deployment")), Deployment.class).getSpec().getTemplate()
        .getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8888")
        .containsEntry("prometheus.io/path", "/metrics");

    List<HasMetadata> objects = desired(collector("""
        mode: deployment
        observability:
          metrics:
            enableMetrics: true
            disablePrometheusAnnotations: true
            extraLabels: {release: prometheus, app.kubernetes.io/instance: not-ours}
        """));
    assertThat(one(objects, Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKeys("prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path");
    GenericKubernetesResource monitor = one(objects, GenericKubernetesResource.class);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus")
        .as("our selector labels are not overridden").containsEntry("app.kubernetes.io/instance", "gateway");
  }

  @Test
  void probesAskTheHealthCheckExtensionOnItsOwnPath() {
    TelemetryCollector collector = Serialization.unmarshal("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: gateway, namespace: observability, uid: uid-tc, generation: 1}
        spec:
          mode: deployment
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            extensions: {health_check: {endpoint: "0.0.0.0:13134", path: /health/status}}
            exporters: {debug: {}}
            service:
              extensions: [health_check]
              pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
        """, TelemetryCollector.class);
    Container container = one(desired(collector), Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/status");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(13134);
  }

  @Test
  void namedPrometheusReceiversAndDiscoveryTheAllocatorCannotDoAreNamed() {
    TelemetryCollector collector = Serialization.unmarshal("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: m, namespace: o}
        spec:
          mode: statefulset
          targetAllocator: {enabled: true}
          config:
            receivers:
              prometheus:
                config:
                  scrape_configs: [{job_name: nodes, kubernetes_sd_configs: [{role: node}]}]
              prometheus/self:
                config:
                  scrape_configs: [{job_name: self, static_configs: [{targets: [localhost:8888]}]}]
            exporters: {debug: {}}
            service:
              pipelines: {metrics: {receivers: [prometheus, prometheus/self], exporters: [debug]}}
        """, TelemetryCollector.class);
    assertThat(CollectorCompatibility.notApplied(collector.getSpec())).anySatisfy(s -> assertThat(s)
        .startsWith("receivers.prometheus/self: only the receiver named prometheus asks the target allocator"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.targetAllocator: job nodes: kubernetes_sd_configs role 'node'"));
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    assertThat(TargetAllocatorManifests.allocated(config)).containsExactly("prometheus");
  }

  @Test
  void fieldsAcceptedButNotAppliedAreNamed() {
    assertThat(CollectorCompatibility.notApplied(collector("mode: deployment").getSpec())).isEmpty();
    assertThat(CollectorCompatibility.notApplied(collector("""
        mode: statefulset
        targetAllocator: {enabled: true, prometheusCR: {enabled: true}}
        ingress: {type: route}
        httpRoute: {enabled: true, gateway: public}
        configVersions: 3
        upgradeStrategy: automatic
        """).getSpec())).extracting(s -> s.substring(0, s.indexOf(':')))
        .containsExactly("spec.targetAllocator.prometheusCR", "spec.ingress.type route", "spec.httpRoute",
            "spec.configVersions");
  }
}
