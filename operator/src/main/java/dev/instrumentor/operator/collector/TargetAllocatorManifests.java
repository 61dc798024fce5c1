package dev.instrumentor.operator.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.instrumentor.api.InstrumentorLabels;
import dev.instrumentor.api.v1alpha1.DisruptionBudget;
import dev.instrumentor.api.v1alpha1.PrometheusCr;
import dev.instrumentor.api.v1alpha1.TargetAllocator;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.yaml.YamlDocuments;
import dev.instrumentor.webhook.sidecar.CollectorContainer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Pure code: a collector's target allocator ({@code spec.targetAllocator.enabled}), as the OpenTelemetry Operator
 * makes it — {@code <name>-targetallocator} ConfigMap (the allocator's config: the collector's pods, the scrape
 * configs of its prometheus receivers), ServiceAccount, Deployment (the operator's image, command
 * {@code target-allocator}) and Service (port 80) — and the collector's config rewritten to ask it: each
 * prometheus receiver gets {@code target_allocator} (endpoint, 30 s interval, {@code collector_id: ${POD_NAME}})
 * and loses its {@code scrape_configs}.
 */
public final class TargetAllocatorManifests {

  public static final String CONFIG_KEY = "targetallocator.yaml";
  /** The operator's image: allocators run its {@code target-allocator} command (the tag is the operator's version). */
  public static final String IMAGE_REPOSITORY = "ghcr.io/instrumentor-dev/instrumentor";
  public static final int PORT = 8080;
  /** The ClusterRole suffix of the chart's role for allocators: pods, services, endpointslices. */
  public static final String ROLE = "target-allocator";

  private TargetAllocatorManifests() {
  }

  public static boolean enabled(TelemetryCollector collector) {
    TargetAllocator allocator = collector.getSpec().getTargetAllocator();
    return allocator != null && Boolean.TRUE.equals(allocator.getEnabled());
  }

  /** {@code <name>-targetallocator}, as upstream. */
  public static String name(TelemetryCollector collector) {
    return collector.getMetadata().getName() + "-targetallocator";
  }

  /** The collector's rendered config, its prometheus receivers pointed at the allocator. */
  static JsonNode rewrite(TelemetryCollector collector, CollectorConfig config, JsonNode rendered) {
    ObjectNode copy = rendered.deepCopy();
    for (String id : allocated(config)) {
      JsonNode receiver = copy.path("receivers").path(id);
      if (!receiver.isObject()) {
        continue;
      }
      ObjectNode allocator = ((ObjectNode) receiver).with("target_allocator");
      allocator.put("endpoint", "http://" + name(collector) + ":80");
      allocator.put("interval", CollectorManifests.blank(collector.getSpec().getTargetAllocator().getCollectorTargetReloadInterval())
          ? "30s" : collector.getSpec().getTargetAllocator().getCollectorTargetReloadInterval());
      allocator.put("collector_id", "${POD_NAME}");
      if (receiver.path("config").isObject()) {
        ((ObjectNode) receiver.path("config")).remove("scrape_configs");
      } else {
        ((ObjectNode) receiver).putObject("config");
      }
    }
    return copy;
  }

  /**
   * The receiver that asks the allocator: the one named {@code prometheus}, when a pipeline uses it, as upstream
   * (each receiver would fetch all of the allocator's jobs: named ones, {@code prometheus/<name>}, keep their own
   * scrape configs, and the condition Supported says so).
   */
  static List<String> allocated(CollectorConfig config) {
    return config.receiversOfType("prometheus").stream().filter("prometheus"::equals).toList();
  }

  /** The scrape configs of the prometheus receivers, {@code $$} (the collector's escape of {@code $}) undone. */
  static ArrayNode scrapeConfigs(CollectorConfig config, JsonNode original) {
    ArrayNode jobs = JsonNodeFactory.instance.arrayNode();
    for (String id : allocated(config)) {
      for (JsonNode job : original.path("receivers").path(id).path("config").path("scrape_configs")) {
        jobs.add(unescape(job.deepCopy()));
      }
    }
    return jobs;
  }

  private static JsonNode unescape(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(node.asText().replace("$$", "$"));
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      names.forEach(name -> object.set(name, unescape(object.get(name))));
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, unescape(array.get(i)));
      }
    }
    return node;
  }

  /**
   * The allocator's objects, in apply order: ConfigMap, ServiceAccount (unless the spec names one) and its
   * ClusterRoleBinding to the chart's {@code <prefix>target-allocator}, Deployment, Service, and a
   * PodDisruptionBudget (the spec's, or maxUnavailable 1 with several replicas).
   */
  static List<HasMetadata> desired(TelemetryCollector collector, CollectorConfig config, JsonNode original,
      String image, String rolePrefix, BiFunction<TelemetryCollector, String, ObjectMeta> collectorMetadata) {
    TargetAllocator spec = collector.getSpec().getTargetAllocator();
    String name = name(collector);
    // the collector's labels and owner, named and marked as the allocator's
    BiFunction<TelemetryCollector, String, ObjectMeta> metadata = (owner, objectName) -> {
      ObjectMeta meta = collectorMetadata.apply(owner, objectName);
      meta.getLabels().put(InstrumentorLabels.NAME, objectName);
      meta.getLabels().put("app.kubernetes.io/component", "opentelemetry-targetallocator");
      return meta;
    };
    ObjectNode file = JsonNodeFactory.instance.objectNode();
    ObjectNode selector = file.putObject("collector_selector").putObject("matchLabels");
    CollectorContainer.selectorLabels(collector.getMetadata().getName()).forEach(selector::put);
    file.put("collector_namespace", collector.getMetadata().getNamespace());
    file.put("allocation_strategy", spec.getAllocationStrategy() == null ? "consistent-hashing"
        : spec.getAllocationStrategy().value());
    file.putObject("config").set("scrape_configs", scrapeConfigs(config, original));
    if (!CollectorManifests.blank(spec.getCollectorNotReadyGracePeriod())) {
      file.put("collector_not_ready_grace_period", spec.getCollectorNotReadyGracePeriod());
    }
    if (Boolean.TRUE.equals(spec.getAllowInsecureAuthSecrets())) {
      file.put("allow_insecure_auth_secrets", true);
    }
    file.put("filter_strategy", spec.getFilterStrategy() == null ? "relabel-config" : spec.getFilterStrategy().value());
    prometheusCr(file, spec.getPrometheusCR());
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new ConfigMapBuilder().withMetadata(metadata.apply(collector, name))
        .addToData(CONFIG_KEY, YamlDocuments.toYaml(file)).build());
    boolean ownAccount = !CollectorManifests.blank(spec.getServiceAccount());
    if (!ownAccount) {
      objects.add(new ServiceAccountBuilder().withMetadata(metadata.apply(collector, name)).build());
      objects.add(binding(collector, rolePrefix));
    }
    Map<String, String> labels = selectorLabels(collector);
    String configHash = CollectorManifests.hash(YamlDocuments.toYaml(file));
    objects.add(new DeploymentBuilder().withMetadata(metadata.apply(collector, name)).withNewSpec()
        .withReplicas(spec.getReplicas() == null ? 1 : spec.getReplicas())
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels)
            .withAnnotations(Map.of(CollectorManifests.CONFIG_HASH_ANNOTATION, configHash)).endMetadata()
          .withNewSpec()
            .withServiceAccountName(ownAccount ? spec.getServiceAccount() : name)
            .withSecurityContext(spec.getPodSecurityContext() != null ? spec.getPodSecurityContext()
                : CollectorContainer.restrictedPod())
            .withNodeSelector(spec.getNodeSelector()).withTolerations(spec.getTolerations())
            .withAffinity(spec.getAffinity()).withTopologySpreadConstraints(spec.getTopologySpreadConstraints())
            .addNewContainer().withName("ta-container")
              .withImage(CollectorManifests.blank(spec.getImage()) ? image : spec.getImage())
              .withArgs("target-allocator", "--config=/conf/" + CONFIG_KEY, "--listen=0.0.0.0:" + PORT)
              .withEnv(env(spec))
              .addNewPort().withName("http").withContainerPort(PORT).withProtocol("TCP").endPort()
              .withResources(spec.getResources())
              .withSecurityContext(spec.getSecurityContext() != null ? spec.getSecurityContext()
                  : CollectorContainer.restricted())
              .addNewVolumeMount().withName("ta-config").withMountPath("/conf").withReadOnly(true).endVolumeMount()
              .withNewLivenessProbe().withNewHttpGet().withPath("/livez").withNewPort(PORT).endHttpGet().endLivenessProbe()
              .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withNewPort(PORT).endHttpGet()
                  .endReadinessProbe()
            .endContainer()
            .addNewVolume().withName("ta-config").withNewConfigMap().withName(name).endConfigMap().endVolume()
          .endSpec()
        .endTemplate().endSpec().build());
    objects.add(new ServiceBuilder().withMetadata(metadata.apply(collector, name)).withNewSpec()
        .withSelector(labels)
        .addNewPort().withName("targetallocation").withPort(80).withTargetPort(new IntOrString("http")).withProtocol("TCP")
        .endPort().endSpec().build());
    int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
    if (spec.getPodDisruptionBudget() != null || replicas > 1) {
      // as the collector's: the spec's, else maxUnavailable 1 when several replicas run
      DisruptionBudget budget = spec.getPodDisruptionBudget();
      objects.add(new PodDisruptionBudgetBuilder().withMetadata(metadata.apply(collector, name)).withNewSpec()
          .withMinAvailable(budget == null ? null : budget.getMinAvailable())
          .withMaxUnavailable(budget == null ? new IntOrString(1) : budget.getMaxUnavailable())
          .withNewSelector().withMatchLabels(labels).endSelector().endSpec().build());
    }
    return objects;
  }

  /**
   * The JVM's options for a small service (serial GC, heap from the memory limit, a small code cache, C1 only),
   * unless the spec's env sets {@code JAVA_TOOL_OPTIONS}; then the spec's env.
   */
  static final String JVM_OPTIONS = "-XX:+UseSerialGC -XX:MaxRAMPercentage=55 -XX:+ExitOnOutOfMemoryError"
      + " -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -Xss512k";

  private static List<EnvVar> env(TargetAllocator spec) {
    List<EnvVar> env = new ArrayList<>();
    if (spec.getEnv() == null || spec.getEnv().stream().noneMatch(e -> "JAVA_TOOL_OPTIONS".equals(e.getName()))) {
      env.add(new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withValue(JVM_OPTIONS).build());
    }
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    return env;
  }

  /** The allocator's pods: the collector's instance, component opentelemetry-targetallocator (as upstream). */
  static Map<String, String> selectorLabels(TelemetryCollector collector) {
    Map<String, String> labels = new TreeMap<>(CollectorContainer.selectorLabels(collector.getMetadata().getName()));
    labels.put("app.kubernetes.io/component", "opentelemetry-targetallocator");
    return labels;
  }

  private static ClusterRoleBinding binding(TelemetryCollector collector, String rolePrefix) {
    String role = rolePrefix + ROLE;
    return new ClusterRoleBindingBuilder()
        .withNewMetadata().withName(CollectorPermissions.bindingName(collector, role))
            .withLabels(CollectorPermissions.labels(collector)).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name(collector))
            .withNamespace(collector.getMetadata().getNamespace()).endSubject()
        .build();
  }



  /** {@code prometheus_cr} as upstream writes it: selectors as given (absent: that kind is not discovered). */
  private static void prometheusCr(ObjectNode file, PrometheusCr cr) {
    if (cr == null || !Boolean.TRUE.equals(cr.getEnabled())) {
      return;
    }
    ObjectNode out = file.putObject("prometheus_cr").put("enabled", true);
    if (!CollectorManifests.blank(cr.getScrapeInterval())) {
      out.put("scrape_interval", cr.getScrapeInterval());
    }
    if (cr.getAllowNamespaces() != null) {
      cr.getAllowNamespaces().forEach(out.withArray("allow_namespaces")::add);
    }
    if (cr.getDenyNamespaces() != null) {
      cr.getDenyNamespaces().forEach(out.withArray("deny_namespaces")::add);
    }
    if (Boolean.TRUE.equals(cr.getDenyFSAccessThroughSMs())) {
      out.put("deny_fs_access_through_sms", true);
    }
    ObjectMapper json = new ObjectMapper();
    out.set("service_monitor_selector", json.valueToTree(cr.getServiceMonitorSelector()));
    out.set("service_monitor_namespace_selector", json.valueToTree(cr.getServiceMonitorNamespaceSelector()));
    out.set("pod_monitor_selector", json.valueToTree(cr.getPodMonitorSelector()));
    out.set("pod_monitor_namespace_selector", json.valueToTree(cr.getPodMonitorNamespaceSelector()));
  }
}
