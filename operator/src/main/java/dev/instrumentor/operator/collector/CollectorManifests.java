package dev.instrumentor.operator.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorLabels;
import dev.instrumentor.api.v1alpha1.Autoscaler;
import dev.instrumentor.api.v1alpha1.AutoscalerMetric;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.PortSpec;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.operator.yaml.YamlDocuments;
import dev.instrumentor.webhook.sidecar.CollectorContainer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Pure code: the Kubernetes objects a TelemetryCollector stands for — its ConfigMap, ServiceAccount,
 * workload and Services — each owned by the TelemetryCollector. Tested without any server.
 */
public final class CollectorManifests {

  public static final String CONFIG_HASH_ANNOTATION = "instrumentor.dev/config-hash";
  /** On the monitoring Service only, for a ServiceMonitor's selector. */
  public static final String MONITORING_LABEL = "instrumentor.dev/monitoring";
  public static final String SERVICE_MONITOR_API_VERSION = "monitoring.coreos.com/v1";

  private final String defaultImage;
  private final String clusterRolePrefix;
  private final String targetAllocatorImage;

  public CollectorManifests(String defaultImage) {
    this(defaultImage, CollectorPermissions.DEFAULT_ROLE_PREFIX);
  }

  /** {@code clusterRolePrefix}: of the chart's ClusterRoles for collectors ({@code <prefix>k8sattributes}, ...). */
  public CollectorManifests(String defaultImage, String clusterRolePrefix) {
    this(defaultImage, clusterRolePrefix, TargetAllocatorManifests.IMAGE_REPOSITORY);
  }

  /** {@code targetAllocatorImage}: what target allocators run (the operator's image). */
  public CollectorManifests(String defaultImage, String clusterRolePrefix, String targetAllocatorImage) {
    this.defaultImage = defaultImage;
    this.clusterRolePrefix = clusterRolePrefix;
    this.targetAllocatorImage = targetAllocatorImage;
  }

  /** The prefix of the chart's ClusterRoles for collectors. */
  public String clusterRolePrefix() {
    return clusterRolePrefix;
  }

  /** The image a collector runs when its spec names none. */
  public String defaultImage() {
    return defaultImage;
  }

  /** The desired objects of a collector that reads no Secret or ConfigMap; {@code config} must be valid. */
  public List<HasMetadata> desired(TelemetryCollector collector, CollectorConfig config) {
    return desired(collector, config, null);
  }

  /**
   * The desired objects, in apply order; {@code config} must be valid; {@code inputsHash} is the
   * content hash of the Secrets and ConfigMaps the pods read ({@link CollectorInputs}), or null.
   */
  public List<HasMetadata> desired(TelemetryCollector collector, CollectorConfig config, String inputsHash) {
    TelemetryCollectorSpec spec = collector.getSpec();
    CollectorMode mode = spec.getMode() == null ? CollectorMode.DEPLOYMENT : spec.getMode();
    List<HasMetadata> objects = new ArrayList<>();
    String configYaml = configYaml(collector, config);
    objects.add(new ConfigMapBuilder().withMetadata(metadata(collector, name(collector)))
        .addToData(CollectorContainer.CONFIG_KEY, configYaml).build());
    if (mode == CollectorMode.SIDECAR) {
      return objects; // the webhook injects the container into annotated pods
    }
    List<ClusterRoleBinding> bindings = CollectorPermissions.bindings(collector,
        CollectorPermissions.needs(collector, config), clusterRolePrefix);
    if (!CollectorPermissions.ownServiceAccount(collector)) {
      // a token only when the config reads the Kubernetes API (k8sattributes, kubeletstats, ...)
      objects.add(new ServiceAccountBuilder().withMetadata(metadata(collector, name(collector)))
          .withAutomountServiceAccountToken(!bindings.isEmpty()).build());
      objects.addAll(bindings);
    }
    PodTemplateSpec template = podTemplate(collector, config, hash(configYaml), inputsHash);
    Map<String, String> selector = CollectorContainer.selectorLabels(collector.getMetadata().getName());
    switch (mode) {
      case DAEMONSET -> objects.add(new DaemonSetBuilder().withMetadata(metadata(collector, name(collector)))
          .withNewSpec().withNewSelector().withMatchLabels(selector).endSelector().withTemplate(template)
          .withUpdateStrategy(spec.getDaemonSetUpdateStrategy()).endSpec().build());
      case STATEFULSET -> objects.add(new StatefulSetBuilder().withMetadata(metadata(collector, name(collector)))
          .withNewSpec().withReplicas(replicas(spec))
          .withServiceName(blank(spec.getServiceName()) ? name(collector) + "-headless" : spec.getServiceName())
          .withPodManagementPolicy(blank(spec.getPodManagementPolicy()) ? "Parallel" : spec.getPodManagementPolicy())
          .withNewSelector().withMatchLabels(selector).endSelector().withTemplate(template)
          .withVolumeClaimTemplates(spec.getVolumeClaimTemplates())
          .withPersistentVolumeClaimRetentionPolicy(spec.getPersistentVolumeClaimRetentionPolicy()).endSpec().build());
      default -> objects.add(new DeploymentBuilder().withMetadata(metadata(collector, name(collector)))
          .withNewSpec().withReplicas(replicas(spec)).withStrategy(spec.getDeploymentUpdateStrategy())
          .withNewSelector().withMatchLabels(selector).endSelector().withTemplate(template).endSpec().build());
    }
    services(collector, mode, config, objects);
    if (spec.getNetworkPolicy() != null && Boolean.TRUE.equals(spec.getNetworkPolicy().getEnabled())) {
      objects.add(CollectorExposure.networkPolicy(metadata(collector, name(collector) + "-networkpolicy"), selector,
          template.getSpec().getContainers().get(0).getPorts(), config.healthCheckPort()));
    }
    Service monitoring = service(collector, name(collector) + "-monitoring", List.of(new ServicePortBuilder()
        .withName("monitoring").withPort(config.monitoringPort()).withTargetPort(new IntOrString(config.monitoringPort()))
        .withProtocol("TCP").build()), false);
    monitoring.getMetadata().getLabels().put(MONITORING_LABEL, "true");
    objects.add(monitoring);
    if (enableMetrics(spec)) {
      objects.add(serviceMonitor(collector));
    }
    if (mode != CollectorMode.DAEMONSET && spec.getAutoscaler() != null && spec.getAutoscaler().getMaxReplicas() != null) {
      objects.add(autoscaler(collector));
    }
    PodDisruptionBudget budget = disruptionBudget(collector, mode, selector);
    if (budget != null) {
      objects.add(budget);
    }
    if (TargetAllocatorManifests.enabled(collector)) {
      objects.addAll(TargetAllocatorManifests.desired(collector, config,
          config.render(true).config(), targetAllocatorImage, clusterRolePrefix, CollectorManifests::metadata));
    }
    return objects;
  }

  /**
   * The collector's Services: {@code <name>-collector} with its receivers' ports (node-local for a daemonset), the
   * headless {@code <name>-collector-headless}, an Ingress when asked, and {@code <name>-collector-extension} for
   * extensions that serve clients.
   */
  private static void services(TelemetryCollector collector, CollectorMode mode, CollectorConfig config,
      List<HasMetadata> objects) {
    List<ServicePort> ports = servicePorts(collector.getSpec(), config);
    if (!ports.isEmpty()) {
      Service service = service(collector, name(collector), ports, false);
      if (mode == CollectorMode.DAEMONSET) {
        // each node's agent serves its own node's pods: no hop to another node
        service.getSpec().setInternalTrafficPolicy("Local");
      }
      objects.add(service);
      // in every mode, as upstream: a statefulset's serviceName, and the pods' own addresses in DNS for clients
      // that spread load themselves (the loadbalancing exporter's k8s or DNS resolver)
      objects.add(service(collector, name(collector) + "-headless", ports, true));
      // names as the OpenTelemetry Operator's: <name>-ingress, <name>-collector-networkpolicy
      HasMetadata ingress = CollectorExposure.ingress(collector, metadata(collector, collector.getMetadata().getName() + "-ingress"), ports);
      if (ingress != null) {
        objects.add(ingress);
      }
    }
    List<ServicePort> extensionPorts = config.extensionPorts().stream().map(port -> new ServicePortBuilder()
        .withName(port.name()).withPort(port.port()).withTargetPort(new IntOrString(port.port()))
        .withProtocol(port.protocol()).withAppProtocol(port.appProtocol()).build()).toList();
    if (!extensionPorts.isEmpty()) {
      objects.add(service(collector, name(collector) + "-extension", extensionPorts, false));
    }
  }

  /**
   * The spec's PodDisruptionBudget; without one, maxUnavailable 1 when several replicas run (a voluntary
   * disruption, a node drain, takes one at a time); else none.
   */
  private static PodDisruptionBudget disruptionBudget(TelemetryCollector collector, CollectorMode mode,
      Map<String, String> selector) {
    TelemetryCollectorSpec spec = collector.getSpec();
    if (spec.getPodDisruptionBudget() != null) {
      return new PodDisruptionBudgetBuilder()
          .withMetadata(metadata(collector, name(collector))).withNewSpec()
          .withMinAvailable(spec.getPodDisruptionBudget().getMinAvailable())
          .withMaxUnavailable(spec.getPodDisruptionBudget().getMaxUnavailable())
          .withNewSelector().withMatchLabels(selector).endSelector().endSpec().build();
    }
    if (mode != CollectorMode.DAEMONSET && Math.max(replicas(spec), minReplicas(spec)) > 1) {
      return new PodDisruptionBudgetBuilder()
          .withMetadata(metadata(collector, name(collector))).withNewSpec().withMaxUnavailable(new IntOrString(1))
          .withNewSelector().withMatchLabels(selector).endSelector().endSpec().build();
    }
    return null;
  }

  /** Whether the spec asks for a ServiceMonitor. */
  static boolean enableMetrics(TelemetryCollectorSpec spec) {
    return spec.getObservability() != null && spec.getObservability().getMetrics() != null
        && Boolean.TRUE.equals(spec.getObservability().getMetrics().getEnableMetrics());
  }

  /**
   * A Prometheus Operator ServiceMonitor of the collector's monitoring Service (the only one with
   * {@link #MONITORING_LABEL}), scraping its {@code monitoring} port.
   */
  static GenericKubernetesResource serviceMonitor(TelemetryCollector collector) {
    Map<String, String> selector = new TreeMap<>(CollectorContainer.selectorLabels(collector.getMetadata().getName()));
    selector.put(MONITORING_LABEL, "true");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", Map.of("matchLabels", selector));
    spec.put("namespaceSelector", Map.of("matchNames", List.of(collector.getMetadata().getNamespace())));
    spec.put("endpoints", List.of(Map.of("port", "monitoring")));
    GenericKubernetesResource monitor = new GenericKubernetesResource();
    monitor.setApiVersion(SERVICE_MONITOR_API_VERSION);
    monitor.setKind("ServiceMonitor");
    monitor.setMetadata(metadata(collector, name(collector)));
    Map<String, String> extra = collector.getSpec().getObservability().getMetrics().getExtraLabels();
    if (extra != null) {
      // a Prometheus picks monitors by label (e.g. release); ours are not overridden
      extra.forEach(monitor.getMetadata().getLabels()::putIfAbsent);
    }
    monitor.setAdditionalProperty("spec", spec);
    return monitor;
  }

  private static int minReplicas(TelemetryCollectorSpec spec) {
    return spec.getAutoscaler() == null || spec.getAutoscaler().getMaxReplicas() == null ? 0
        : spec.getAutoscaler().getMinReplicas() != null
        ? spec.getAutoscaler().getMinReplicas() : replicas(spec);
  }

  /** The most replicas the collector may run: spec.autoscaler.maxReplicas, else spec.replicas. */
  public static int maxReplicas(TelemetryCollectorSpec spec) {
    return spec.getAutoscaler() != null && spec.getAutoscaler().getMaxReplicas() != null
        ? spec.getAutoscaler().getMaxReplicas() : replicas(spec);
  }

  /**
   * An autoscaling/v2 HorizontalPodAutoscaler of the TelemetryCollector itself (its scale
   * subresource): it sets spec.replicas, which the workload follows. CPU at 90 % of the requests when
   * no target is given, as the OpenTelemetry Operator.
   */
  private static HasMetadata autoscaler(TelemetryCollector collector) {
    Autoscaler autoscaler = collector.getSpec().getAutoscaler();
    List<MetricSpec> metrics = new ArrayList<>();
    Integer cpu = autoscaler.getTargetCPUUtilization();
    boolean custom = autoscaler.getMetrics() != null && !autoscaler.getMetrics().isEmpty();
    if (cpu == null && autoscaler.getTargetMemoryUtilization() == null && !custom) {
      cpu = 90;
    }
    if (cpu != null) {
      metrics.add(resourceMetric("cpu", cpu));
    }
    if (autoscaler.getTargetMemoryUtilization() != null) {
      metrics.add(resourceMetric("memory", autoscaler.getTargetMemoryUtilization()));
    }
    if (custom) {
      for (AutoscalerMetric metric : autoscaler.getMetrics()) {
        metrics.add(new MetricSpecBuilder().withType(metric.getType()).withPods(metric.getPods()).build());
      }
    }
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(metadata(collector, name(collector))).withNewSpec()
        .withNewScaleTargetRef().withApiVersion(collector.getApiVersion()).withKind(collector.getKind())
        .withName(collector.getMetadata().getName()).endScaleTargetRef()
        .withMinReplicas(minReplicas(collector.getSpec())).withMaxReplicas(autoscaler.getMaxReplicas())
        .withMetrics(metrics).withBehavior(autoscaler.getBehavior()).endSpec().build();
  }

  private static MetricSpec resourceMetric(String resource, int percent) {
    return new MetricSpecBuilder().withType("Resource").withNewResource()
        .withName(resource).withNewTarget().withType("Utilization").withAverageUtilization(percent).endTarget()
        .endResource().build();
  }

  /** The workload and ConfigMap name: {@code <name>-collector}. */
  public static String name(TelemetryCollector collector) {
    return CollectorContainer.resourceName(collector.getMetadata().getName());
  }

  private static int replicas(TelemetryCollectorSpec spec) {
    return spec.getReplicas() == null ? 1 : spec.getReplicas();
  }

  /**
   * The config as the collector reads it: YAML, keys sorted (as the API server returns a custom
   * resource's maps, whatever order they were written in, so that the same config renders the same
   * bytes from a file and from the cluster), listeners defaulted to all interfaces unless the collector
   * is a sidecar ({@link CollectorConfig#render}).
   */
  public static String configYaml(TelemetryCollector collector, CollectorConfig config) {
    JsonNode rendered = config.render(collector.getSpec().getMode() != CollectorMode.SIDECAR).config();
    if (TargetAllocatorManifests.enabled(collector)) {
      rendered = TargetAllocatorManifests.rewrite(collector, config, rendered);
    }
    return YamlDocuments.toYaml(sorted(rendered));
  }

  private static JsonNode sorted(JsonNode node) {
    if (node != null && node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance
          .objectNode();
      new TreeMap<>(node.properties().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
          .forEach((key, value) -> copy.set(key, sorted(value)));
      return copy;
    }
    if (node != null && node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance
          .arrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }

  /** SHA-256 of the rendered config, hex. */
  public static String hash(String configYaml) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(configYaml.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The pods' annotations: podAnnotations, then (as upstream) the collector's own annotations but kubectl's record,
   * Prometheus' scrape hints unless disabled, and the hashes that roll the pods when their config or inputs change.
   */
  private static Map<String, String> podAnnotations(TelemetryCollector collector, CollectorConfig config,
      String configHash, String inputsHash) {
    TelemetryCollectorSpec spec = collector.getSpec();
    Map<String, String> annotations = new TreeMap<>();
    if (spec.getPodAnnotations() != null) {
      annotations.putAll(spec.getPodAnnotations());
    }
    // as upstream: the collector's own annotations reach its pods (podAnnotations win; kubectl's record stays)
    if (collector.getMetadata().getAnnotations() != null) {
      collector.getMetadata().getAnnotations().forEach((key, value) -> {
        if (!key.equals("kubectl.kubernetes.io/last-applied-configuration")) {
          annotations.putIfAbsent(key, value);
        }
      });
    }
    if (!prometheusAnnotationsOff(spec)) {
      // as the OpenTelemetry Operator: a Prometheus that scrapes annotated pods finds the collector's own metrics
      annotations.putIfAbsent("prometheus.io/scrape", "true");
      annotations.putIfAbsent("prometheus.io/port", String.valueOf(config.monitoringPort()));
      annotations.putIfAbsent("prometheus.io/path", "/metrics");
    }
    annotations.put(CONFIG_HASH_ANNOTATION, configHash);
    if (inputsHash != null) {
      // a rotated Secret or changed ConfigMap changes the template: the pods roll and read it anew
      annotations.put(CollectorInputs.INPUTS_HASH_ANNOTATION, inputsHash);
    }
    return annotations;
  }

  private PodTemplateSpec podTemplate(TelemetryCollector collector, CollectorConfig config, String configHash,
      String inputsHash) {
    TelemetryCollectorSpec spec = collector.getSpec();
    Map<String, String> annotations = podAnnotations(collector, config, configHash, inputsHash);
    List<ContainerPort> containerPorts = new ArrayList<>();
    boolean hostPorts = spec.getMode() == CollectorMode.DAEMONSET && Boolean.TRUE.equals(spec.getHostPorts());
    Map<String, Integer> specHostPorts = new TreeMap<>();
    if (spec.getPorts() != null) {
      spec.getPorts().stream().filter(p -> p.getHostPort() != null && p.getHostPort() > 0)
          .forEach(p -> specHostPorts.put(p.getName() == null ? "" : p.getName(), p.getHostPort()));
    }
    for (ServicePort port : servicePorts(spec, config)) {
      int number = port.getTargetPort() != null && port.getTargetPort().getIntVal() != null
          ? port.getTargetPort().getIntVal() : port.getPort();
      // a node-local agent: the receiver on the node's address too, for $(OTEL_NODE_IP) endpoints
      Integer hostPort = specHostPorts.getOrDefault(port.getName() == null ? "" : port.getName(), hostPorts ? number : null);
      containerPorts.add(new ContainerPortBuilder().withName(port.getName()).withContainerPort(number)
          .withHostPort(hostPort).withProtocol(port.getProtocol()).build());
    }
    for (CollectorPort port : config.extensionPorts()) {
      if (containerPorts.stream().noneMatch(p -> p.getContainerPort() == port.port())) {
        containerPorts.add(new ContainerPortBuilder().withName(port.name()).withContainerPort(port.port())
            .withProtocol(port.protocol()).build());
      }
    }
    containerPorts.add(new ContainerPortBuilder().withName("monitoring").withContainerPort(config.monitoringPort())
        .withProtocol("TCP").build());
    List<Volume> volumes = new ArrayList<>();
    volumes.add(CollectorContainer.configVolume(collector.getMetadata().getName()));
    if (spec.getVolumes() != null) {
      volumes.addAll(spec.getVolumes());
    }
    volumes.addAll(CollectorContainer.configMapVolumes(spec));
    List<Container> containers = new ArrayList<>();
    containers.add(CollectorContainer.container(spec, defaultImage(spec), containerPorts, config.healthCheckPort(),
        config.healthCheckPath()));
    if (spec.getAdditionalContainers() != null) {
      containers.addAll(spec.getAdditionalContainers());
    }
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    return new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(labels(collector)).withAnnotations(annotations).endMetadata()
        .withNewSpec()
          .withServiceAccountName(spec.getServiceAccount() == null || spec.getServiceAccount().isBlank()
              ? name(collector) : spec.getServiceAccount())
          .withSecurityContext(spec.getPodSecurityContext() != null ? spec.getPodSecurityContext()
              : CollectorContainer.restrictedPod())
          .withInitContainers(spec.getInitContainers())
          .withContainers(containers)
          .withVolumes(volumes)
          .withNodeSelector(spec.getNodeSelector())
          .withTolerations(spec.getTolerations())
          .withAffinity(spec.getAffinity())
          .withTopologySpreadConstraints(spec.getTopologySpreadConstraints())
          .withTerminationGracePeriodSeconds(spec.getTerminationGracePeriodSeconds())
          .withPriorityClassName(blank(spec.getPriorityClassName()) ? null : spec.getPriorityClassName())
          .withHostNetwork(hostNetwork ? Boolean.TRUE : null)
          // on the node's network the cluster's DNS is still wanted, as the OpenTelemetry Operator sets it
          .withDnsPolicy(!blank(spec.getDnsPolicy()) ? spec.getDnsPolicy() : hostNetwork ? "ClusterFirstWithHostNet" : null)
          .withDnsConfig(spec.getPodDnsConfig())
          .withHostPID(Boolean.TRUE.equals(spec.getHostPID()) ? Boolean.TRUE : null)
          .withHostUsers(spec.getHostUsers())
          .withHostAliases(spec.getHostAliases())
          .withShareProcessNamespace(Boolean.TRUE.equals(spec.getShareProcessNamespace()) ? Boolean.TRUE : null)
        .endSpec()
        .build();
  }

  /**
   * Ports from the config, then {@code spec.ports}: a spec port replaces a derived one of the same
   * name or number; sorted by port number.
   */
  static List<ServicePort> servicePorts(TelemetryCollectorSpec spec, CollectorConfig config) {
    Map<String, ServicePort> byName = new LinkedHashMap<>();
    for (CollectorPort port : config.ports()) {
      byName.put(port.name(), new ServicePortBuilder().withName(port.name()).withPort(port.port())
          .withTargetPort(new IntOrString(port.port())).withProtocol(port.protocol())
          .withAppProtocol(port.appProtocol()).build());
    }
    if (spec.getPorts() != null) {
      for (PortSpec extra : spec.getPorts()) {
        byName.values().removeIf(p -> p.getPort().equals(extra.getPort())
            && (p.getProtocol() == null ? "TCP" : p.getProtocol()).equals(extra.getProtocol() == null ? "TCP" : extra.getProtocol()));
        ServicePort copy = new ServicePortBuilder().withName(extra.getName()).withPort(extra.getPort())
            .withProtocol(extra.getProtocol() == null ? "TCP" : extra.getProtocol())
            .withAppProtocol(extra.getAppProtocol())
            .withTargetPort(extra.getTargetPort() == null ? new IntOrString(extra.getPort()) : extra.getTargetPort())
            .build();
        byName.put(extra.getName(), copy);
      }
    }
    return byName.values().stream()
        .sorted(Comparator.comparing(ServicePort::getPort).thenComparing(ServicePort::getName))
        .collect(Collectors.toList());
  }

  private static Service service(TelemetryCollector collector, String name, List<ServicePort> ports, boolean headless) {
    TelemetryCollectorSpec spec = collector.getSpec();
    return new ServiceBuilder().withMetadata(metadata(collector, name))
        .withNewSpec()
          .withSelector(CollectorContainer.selectorLabels(collector.getMetadata().getName()))
          .withPorts(ports)
          .withClusterIP(headless ? "None" : null)
          .withPublishNotReadyAddresses(headless ? Boolean.TRUE : null)
          .withIpFamilies(spec.getIpFamilies() == null || spec.getIpFamilies().isEmpty() ? null : spec.getIpFamilies())
          .withIpFamilyPolicy(blank(spec.getIpFamilyPolicy()) ? null : spec.getIpFamilyPolicy())
          .withTrafficDistribution(blank(spec.getTrafficDistribution()) ? null : spec.getTrafficDistribution())
        .endSpec().build();
  }

  /** Null or only whitespace: an unset string field of the spec. */
  static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private String defaultImage(TelemetryCollectorSpec spec) {
    return blank(spec.getImage()) ? defaultImage : spec.getImage();
  }

  private static boolean prometheusAnnotationsOff(TelemetryCollectorSpec spec) {
    return spec.getObservability() != null && spec.getObservability().getMetrics() != null
        && Boolean.TRUE.equals(spec.getObservability().getMetrics().getDisablePrometheusAnnotations());
  }

  private static Map<String, String> labels(TelemetryCollector collector) {
    Map<String, String> labels = new TreeMap<>(CollectorContainer.selectorLabels(collector.getMetadata().getName()));
    labels.put(InstrumentorLabels.NAME, name(collector));
    labels.put(InstrumentorLabels.PART_OF, "instrumentor");
    return labels;
  }

  static ObjectMeta metadata(TelemetryCollector collector, String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace(collector.getMetadata().getNamespace())
        .withLabels(labels(collector)).withOwnerReferences(owner(collector)).build();
  }

  static OwnerReference owner(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
  }
}
