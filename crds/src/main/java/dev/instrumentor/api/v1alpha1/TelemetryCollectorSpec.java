package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Desired state of an OpenTelemetry Collector.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.volumeClaimTemplates) || size(self.volumeClaimTemplates) == 0 || self.mode == 'statefulset'",
    message = "spec.volumeClaimTemplates is only allowed with mode statefulset", fieldPath = ".volumeClaimTemplates")
@ValidationRule(value = "!has(self.hostPorts) || !self.hostPorts || self.mode == 'daemonset'",
    message = "spec.hostPorts: only a daemonset collector runs on every node", fieldPath = ".hostPorts")
@ValidationRule(value = "!has(self.autoscaler) || self.mode in ['deployment', 'statefulset']",
    message = "spec.autoscaler: only deployment and statefulset collectors scale", fieldPath = ".autoscaler")
@ValidationRule(value = "!has(self.replicas) || self.mode in ['deployment', 'statefulset'] || self.replicas == 1",
    message = "spec.replicas is only meaningful with mode deployment or statefulset", fieldPath = ".replicas")
@ValidationRule(value = "!has(self.persistentVolumeClaimRetentionPolicy) || self.mode == 'statefulset'",
    message = "spec.persistentVolumeClaimRetentionPolicy is only allowed with mode statefulset",
    fieldPath = ".persistentVolumeClaimRetentionPolicy")
@ValidationRule(value = "!has(self.daemonSetUpdateStrategy) || !has(self.daemonSetUpdateStrategy.type) || self.mode == 'daemonset'",
    message = "spec.daemonSetUpdateStrategy is only allowed with mode daemonset", fieldPath = ".daemonSetUpdateStrategy")
@ValidationRule(value = "!has(self.deploymentUpdateStrategy) || !has(self.deploymentUpdateStrategy.type) || self.mode == 'deployment'",
    message = "spec.deploymentUpdateStrategy is only allowed with mode deployment", fieldPath = ".deploymentUpdateStrategy")
@ValidationRule(value = "self.mode != 'sidecar' || !has(self.tolerations) || size(self.tolerations) == 0",
    message = "spec.tolerations do not apply to a sidecar: it runs in the application's pod", fieldPath = ".tolerations")
@ValidationRule(value = "self.mode != 'sidecar' || !has(self.affinity)",
    message = "spec.affinity does not apply to a sidecar: it runs in the application's pod", fieldPath = ".affinity")
@ValidationRule(value = "self.mode != 'sidecar' || !has(self.priorityClassName) || self.priorityClassName == ''",
    message = "spec.priorityClassName does not apply to a sidecar: it runs in the application's pod",
    fieldPath = ".priorityClassName")
@ValidationRule(value = "self.mode != 'sidecar' || !has(self.additionalContainers) || size(self.additionalContainers) == 0",
    message = "spec.additionalContainers do not apply to a sidecar: it runs in the application's pod",
    fieldPath = ".additionalContainers")
@ValidationRule(value = "!has(self.ingress) || !has(self.ingress.type) || self.ingress.type != 'ingress' || self.mode != 'sidecar'",
    message = "spec.ingress: a sidecar has no Service to expose", fieldPath = ".ingress")
@ValidationRule(value = "!has(self.ingress) || !has(self.ingress.ruleType) || self.ingress.ruleType != 'subdomain' || (has(self.ingress.hostname) && self.ingress.hostname != '' && self.ingress.hostname != '*')",
    message = "spec.ingress.hostname: the subdomain rule type needs a hostname", fieldPath = ".ingress.hostname")
@ValidationRule(value = "!has(self.targetAllocator) || !has(self.targetAllocator.enabled) || !self.targetAllocator.enabled || self.mode in ['statefulset', 'daemonset']",
    message = "spec.targetAllocator: a target allocator serves a statefulset or daemonset collector", fieldPath = ".targetAllocator")
@ValidationRule(value = "!has(self.targetAllocator) || !has(self.targetAllocator.enabled) || !self.targetAllocator.enabled || ((self.mode == 'daemonset') == (has(self.targetAllocator.allocationStrategy) && self.targetAllocator.allocationStrategy == 'per-node'))",
    message = "spec.targetAllocator.allocationStrategy: per-node goes with mode daemonset, and a daemonset collector needs per-node",
    fieldPath = ".targetAllocator.allocationStrategy")
public class TelemetryCollectorSpec {

  /**
   * How the collector runs: deployment, daemonset, statefulset, or sidecar (injected into
   * annotated pods). Immutable.
   */
  @Default("deployment")
  @ValidationRule(value = "self == oldSelf", message = "spec.mode is immutable: delete and re-create the TelemetryCollector to change it")
  private CollectorMode mode;

  /** Collector image. Empty: the operator's default collector image. */
  private String image;

  /** Number of collector pods (deployment and statefulset modes). */
  @Default("1")
  @Min(0)
  @SpecReplicas
  private Integer replicas;

  /**
   * Scale the collector with a HorizontalPodAutoscaler (deployment and statefulset modes). It sets
   * spec.replicas through the scale subresource; the pods need resource requests for the targets.
   */
  private Autoscaler autoscaler;

  /**
   * Daemonset mode: expose the receiver ports on each node's address too (hostPort), so that
   * applications reach the collector of their own node at $(OTEL_NODE_IP) without a Service.
   */
  private Boolean hostPorts;

  /**
   * The collector configuration (receivers, processors, exporters, connectors, extensions,
   * service) as structured YAML, kept as written.
   */
  @Required
  @PreserveUnknownFields
  private JsonNode config;

  /** Environment variables of the collector container. */
  private List<EnvVar> env;

  /** Environment sources of the collector container. */
  private List<EnvFromSource> envFrom;

  /** Extra volumes of the collector pod. */
  private List<Volume> volumes;

  /** Extra volume mounts of the collector container. */
  private List<VolumeMount> volumeMounts;

  /**
   * Extra ports to expose, added to those derived from the receivers in the config. A port here
   * wins over a derived one of the same name or number. Named when there are several; no nodePort
   * (the collector's Service is ClusterIP).
   */
  @Size(max = 64)
  @ValidationRule(value = "size(self) <= 1 || self.all(p, has(p.name) && p.name != '')", message = "spec.ports: with several ports, each needs a name")
  @ValidationRule(value = "self.all(p, !has(p.nodePort) || p.nodePort == 0)", message = "spec.ports: nodePort is not allowed, the collector's Service is of type ClusterIP")
  private List<PortSpec> ports;

  /** Resources of the collector container. */
  private ResourceRequirements resources;

  /** Node selector of the collector pods. */
  private Map<String, String> nodeSelector;

  /** Tolerations of the collector pods. */
  private List<Toleration> tolerations;

  /** Affinity of the collector pods. */
  private Affinity affinity;

  /** Pod security context. Empty: runAsNonRoot with RuntimeDefault seccomp. */
  private PodSecurityContext podSecurityContext;

  /**
   * Container security context. Empty: no privilege escalation, all capabilities dropped,
   * read-only root filesystem.
   */
  private SecurityContext securityContext;

  /** Annotations added to the collector pods. */
  private Map<String, String> podAnnotations;

  /** Service account of the collector pods. Empty: one is created for the collector. */
  private String serviceAccount;

  /** Extra command-line arguments of the collector, as --key=value. */
  private Map<String, String> args;

  /** Volume claim templates (statefulset mode only). */
  private List<PersistentVolumeClaim> volumeClaimTemplates;

  /** How the collector itself is observed: a ServiceMonitor for its own metrics. */
  private Observability observability;

  /**
   * managed (default): the operator keeps the collector's objects as the spec says; unmanaged: it leaves them
   * as they are (the condition Ready says so) until managed again.
   */
  private ManagementState managementState;

  /** Pull policy of the collector image. */
  private PullPolicy imagePullPolicy;

  /**
   * The collector's PodDisruptionBudget. Empty: maxUnavailable 1 when it runs more than one replica
   * (deployment, statefulset), none otherwise.
   */
  private DisruptionBudget podDisruptionBudget;

  /** Lifecycle hooks of the collector container. */
  private Lifecycle lifecycle;

  /** Grace period of the collector pods, seconds. */
  @Min(0)
  private Long terminationGracePeriodSeconds;

  /** Topology spread constraints of the collector pods. */
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  /**
   * Run the collector pods in the node's network namespace; their DNS policy becomes ClusterFirstWithHostNet
   * unless dnsPolicy says otherwise.
   */
  private Boolean hostNetwork;

  /** DNS policy of the collector pods. */
  private String dnsPolicy;

  /** Run the collector pods in the node's PID namespace. */
  private Boolean hostPID;

  /** false: run the collector pods in their own user namespace. */
  private Boolean hostUsers;

  /** Extra /etc/hosts entries of the collector pods. */
  private List<HostAlias> hostAliases;

  /** Share one PID namespace among the containers of a collector pod. */
  private Boolean shareProcessNamespace;

  /** PriorityClass of the collector pods. */
  private String priorityClassName;

  /** Init containers of the collector pods. */
  private List<Container> initContainers;

  /** Containers run beside the collector in its pods (not in sidecar mode). */
  private List<Container> additionalContainers;

  /** DNS settings of the collector pods. */
  private PodDNSConfig podDnsConfig;

  /** IP families of the collector's Services. */
  private List<String> ipFamilies;

  /** IP family policy of the collector's Services (SingleStack, PreferDualStack, RequireDualStack). */
  private String ipFamilyPolicy;

  /** Traffic distribution of the collector's Service (e.g. PreferClose). */
  private String trafficDistribution;

  /** What happens to the volume claims when the StatefulSet is deleted or scaled down (statefulset mode). */
  private StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy;

  /**
   * The StatefulSet's governing Service (statefulset mode; ignored in others, as upstream). Empty:
   * <name>-collector-headless, which the operator creates.
   */
  private String serviceName;

  /**
   * How the StatefulSet starts and stops its pods (statefulset mode; ignored in others): Parallel (default here)
   * or OrderedReady.
   */
  @Pattern("^(OrderedReady|Parallel)$")
  private String podManagementPolicy;

  /** A target allocator for the collector's prometheus receiver. */
  private TargetAllocator targetAllocator;

  /**
   * automatic or none. Instrumentor never rewrites a collector's config when it is upgraded, so both mean the
   * same here.
   */
  private UpgradeStrategy upgradeStrategy;

  /**
   * How many versions of the collector's ConfigMap to keep for rollbacks. Accepted; Instrumentor keeps one
   * ConfigMap and rolls the pods on a change (the condition Validated says when this is set).
   */
  @Min(1)
  private Integer configVersions;

  /** An Ingress for the collector's receiver ports. */
  private CollectorIngress ingress;

  /** Gateway API HTTPRoutes for the collector's receiver ports. */
  private HttpRoute httpRoute;

  /** A NetworkPolicy admitting traffic to the collector's ports only. */
  private CollectorNetworkPolicy networkPolicy;

  /** Timing of the liveness probe (the health_check extension). */
  private ProbeSettings livenessProbe;

  /** Timing of the readiness probe (the health_check extension). */
  private ProbeSettings readinessProbe;

  /** A startup probe of the health_check extension, with this timing. */
  private ProbeSettings startupProbe;

  /** ConfigMaps mounted into the collector container. */
  private List<ConfigMapMount> configmaps;

  /** Update strategy of the DaemonSet (daemonset mode). */
  private DaemonSetUpdateStrategy daemonSetUpdateStrategy;

  /** Update strategy of the Deployment (deployment mode). */
  private DeploymentStrategy deploymentUpdateStrategy;

  /** The collector container's command. Empty: the image's entrypoint. */
  private List<String> command;

  public CollectorMode getMode() {
    return mode;
  }

  public void setMode(CollectorMode mode) {
    this.mode = mode;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Autoscaler getAutoscaler() {
    return autoscaler;
  }

  public void setAutoscaler(Autoscaler autoscaler) {
    this.autoscaler = autoscaler;
  }

  public Boolean getHostPorts() {
    return hostPorts;
  }

  public void setHostPorts(Boolean hostPorts) {
    this.hostPorts = hostPorts;
  }

  public JsonNode getConfig() {
    return config;
  }

  public void setConfig(JsonNode config) {
    this.config = config;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public List<EnvFromSource> getEnvFrom() {
    return envFrom;
  }

  public void setEnvFrom(List<EnvFromSource> envFrom) {
    this.envFrom = envFrom;
  }

  public List<Volume> getVolumes() {
    return volumes;
  }

  public void setVolumes(List<Volume> volumes) {
    this.volumes = volumes;
  }

  public List<VolumeMount> getVolumeMounts() {
    return volumeMounts;
  }

  public void setVolumeMounts(List<VolumeMount> volumeMounts) {
    this.volumeMounts = volumeMounts;
  }

  public List<PortSpec> getPorts() {
    return ports;
  }

  public void setPorts(List<PortSpec> ports) {
    this.ports = ports;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public PodSecurityContext getPodSecurityContext() {
    return podSecurityContext;
  }

  public void setPodSecurityContext(PodSecurityContext podSecurityContext) {
    this.podSecurityContext = podSecurityContext;
  }

  public SecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(SecurityContext securityContext) {
    this.securityContext = securityContext;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public String getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(String serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  public Map<String, String> getArgs() {
    return args;
  }

  public void setArgs(Map<String, String> args) {
    this.args = args;
  }

  public List<PersistentVolumeClaim> getVolumeClaimTemplates() {
    return volumeClaimTemplates;
  }

  public void setVolumeClaimTemplates(List<PersistentVolumeClaim> volumeClaimTemplates) {
    this.volumeClaimTemplates = volumeClaimTemplates;
  }

  public Observability getObservability() {
    return observability;
  }

  public void setObservability(Observability observability) {
    this.observability = observability;
  }

  public ManagementState getManagementState() {
    return managementState;
  }

  public void setManagementState(ManagementState managementState) {
    this.managementState = managementState;
  }

  public PullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(PullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public DisruptionBudget getPodDisruptionBudget() {
    return podDisruptionBudget;
  }

  public void setPodDisruptionBudget(DisruptionBudget podDisruptionBudget) {
    this.podDisruptionBudget = podDisruptionBudget;
  }

  public Lifecycle getLifecycle() {
    return lifecycle;
  }

  public void setLifecycle(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  public Long getTerminationGracePeriodSeconds() {
    return terminationGracePeriodSeconds;
  }

  public void setTerminationGracePeriodSeconds(Long terminationGracePeriodSeconds) {
    this.terminationGracePeriodSeconds = terminationGracePeriodSeconds;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public Boolean getHostNetwork() {
    return hostNetwork;
  }

  public void setHostNetwork(Boolean hostNetwork) {
    this.hostNetwork = hostNetwork;
  }

  public String getDnsPolicy() {
    return dnsPolicy;
  }

  public void setDnsPolicy(String dnsPolicy) {
    this.dnsPolicy = dnsPolicy;
  }

  public Boolean getHostPID() {
    return hostPID;
  }

  public void setHostPID(Boolean hostPID) {
    this.hostPID = hostPID;
  }

  public Boolean getHostUsers() {
    return hostUsers;
  }

  public void setHostUsers(Boolean hostUsers) {
    this.hostUsers = hostUsers;
  }

  public List<HostAlias> getHostAliases() {
    return hostAliases;
  }

  public void setHostAliases(List<HostAlias> hostAliases) {
    this.hostAliases = hostAliases;
  }

  public Boolean getShareProcessNamespace() {
    return shareProcessNamespace;
  }

  public void setShareProcessNamespace(Boolean shareProcessNamespace) {
    this.shareProcessNamespace = shareProcessNamespace;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public List<Container> getInitContainers() {
    return initContainers;
  }

  public void setInitContainers(List<Container> initContainers) {
    this.initContainers = initContainers;
  }

  public List<Container> getAdditionalContainers() {
    return additionalContainers;
  }

  public void setAdditionalContainers(List<Container> additionalContainers) {
    this.additionalContainers = additionalContainers;
  }

  public PodDNSConfig getPodDnsConfig() {
    return podDnsConfig;
  }

  public void setPodDnsConfig(PodDNSConfig podDnsConfig) {
    this.podDnsConfig = podDnsConfig;
  }

  public List<String> getIpFamilies() {
    return ipFamilies;
  }

  public void setIpFamilies(List<String> ipFamilies) {
    this.ipFamilies = ipFamilies;
  }

  public String getIpFamilyPolicy() {
    return ipFamilyPolicy;
  }

  public void setIpFamilyPolicy(String ipFamilyPolicy) {
    this.ipFamilyPolicy = ipFamilyPolicy;
  }

  public String getTrafficDistribution() {
    return trafficDistribution;
  }

  public void setTrafficDistribution(String trafficDistribution) {
    this.trafficDistribution = trafficDistribution;
  }

  public StatefulSetPersistentVolumeClaimRetentionPolicy getPersistentVolumeClaimRetentionPolicy() {
    return persistentVolumeClaimRetentionPolicy;
  }

  public void setPersistentVolumeClaimRetentionPolicy(StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy) {
    this.persistentVolumeClaimRetentionPolicy = persistentVolumeClaimRetentionPolicy;
  }

  public String getServiceName() {
    return serviceName;
  }

  public void setServiceName(String serviceName) {
    this.serviceName = serviceName;
  }

  public String getPodManagementPolicy() {
    return podManagementPolicy;
  }

  public void setPodManagementPolicy(String podManagementPolicy) {
    this.podManagementPolicy = podManagementPolicy;
  }

  public TargetAllocator getTargetAllocator() {
    return targetAllocator;
  }

  public void setTargetAllocator(TargetAllocator targetAllocator) {
    this.targetAllocator = targetAllocator;
  }

  public UpgradeStrategy getUpgradeStrategy() {
    return upgradeStrategy;
  }

  public void setUpgradeStrategy(UpgradeStrategy upgradeStrategy) {
    this.upgradeStrategy = upgradeStrategy;
  }

  public Integer getConfigVersions() {
    return configVersions;
  }

  public void setConfigVersions(Integer configVersions) {
    this.configVersions = configVersions;
  }

  public CollectorIngress getIngress() {
    return ingress;
  }

  public void setIngress(CollectorIngress ingress) {
    this.ingress = ingress;
  }

  public HttpRoute getHttpRoute() {
    return httpRoute;
  }

  public void setHttpRoute(HttpRoute httpRoute) {
    this.httpRoute = httpRoute;
  }

  public CollectorNetworkPolicy getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(CollectorNetworkPolicy networkPolicy) {
    this.networkPolicy = networkPolicy;
  }

  public ProbeSettings getLivenessProbe() {
    return livenessProbe;
  }

  public void setLivenessProbe(ProbeSettings livenessProbe) {
    this.livenessProbe = livenessProbe;
  }

  public ProbeSettings getReadinessProbe() {
    return readinessProbe;
  }

  public void setReadinessProbe(ProbeSettings readinessProbe) {
    this.readinessProbe = readinessProbe;
  }

  public ProbeSettings getStartupProbe() {
    return startupProbe;
  }

  public void setStartupProbe(ProbeSettings startupProbe) {
    this.startupProbe = startupProbe;
  }

  public List<ConfigMapMount> getConfigmaps() {
    return configmaps;
  }

  public void setConfigmaps(List<ConfigMapMount> configmaps) {
    this.configmaps = configmaps;
  }

  public DaemonSetUpdateStrategy getDaemonSetUpdateStrategy() {
    return daemonSetUpdateStrategy;
  }

  public void setDaemonSetUpdateStrategy(DaemonSetUpdateStrategy daemonSetUpdateStrategy) {
    this.daemonSetUpdateStrategy = daemonSetUpdateStrategy;
  }

  public DeploymentStrategy getDeploymentUpdateStrategy() {
    return deploymentUpdateStrategy;
  }

  public void setDeploymentUpdateStrategy(DeploymentStrategy deploymentUpdateStrategy) {
    this.deploymentUpdateStrategy = deploymentUpdateStrategy;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TelemetryCollectorSpec other && Objects.equals(mode, other.mode)
        && Objects.equals(image, other.image)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(autoscaler, other.autoscaler)
        && Objects.equals(hostPorts, other.hostPorts)
        && Objects.equals(config, other.config)
        && Objects.equals(env, other.env)
        && Objects.equals(envFrom, other.envFrom)
        && Objects.equals(volumes, other.volumes)
        && Objects.equals(volumeMounts, other.volumeMounts)
        && Objects.equals(ports, other.ports)
        && Objects.equals(resources, other.resources)
        && Objects.equals(nodeSelector, other.nodeSelector)
        && Objects.equals(tolerations, other.tolerations)
        && Objects.equals(affinity, other.affinity)
        && Objects.equals(podSecurityContext, other.podSecurityContext)
        && Objects.equals(securityContext, other.securityContext)
        && Objects.equals(podAnnotations, other.podAnnotations)
        && Objects.equals(serviceAccount, other.serviceAccount)
        && Objects.equals(args, other.args)
        && Objects.equals(volumeClaimTemplates, other.volumeClaimTemplates)
        && Objects.equals(observability, other.observability)
        && Objects.equals(managementState, other.managementState)
        && Objects.equals(imagePullPolicy, other.imagePullPolicy)
        && Objects.equals(podDisruptionBudget, other.podDisruptionBudget)
        && Objects.equals(lifecycle, other.lifecycle)
        && Objects.equals(terminationGracePeriodSeconds, other.terminationGracePeriodSeconds)
        && Objects.equals(topologySpreadConstraints, other.topologySpreadConstraints)
        && Objects.equals(hostNetwork, other.hostNetwork)
        && Objects.equals(dnsPolicy, other.dnsPolicy)
        && Objects.equals(hostPID, other.hostPID)
        && Objects.equals(hostUsers, other.hostUsers)
        && Objects.equals(hostAliases, other.hostAliases)
        && Objects.equals(shareProcessNamespace, other.shareProcessNamespace)
        && Objects.equals(priorityClassName, other.priorityClassName)
        && Objects.equals(initContainers, other.initContainers)
        && Objects.equals(additionalContainers, other.additionalContainers)
        && Objects.equals(podDnsConfig, other.podDnsConfig)
        && Objects.equals(ipFamilies, other.ipFamilies)
        && Objects.equals(ipFamilyPolicy, other.ipFamilyPolicy)
        && Objects.equals(trafficDistribution, other.trafficDistribution)
        && Objects.equals(persistentVolumeClaimRetentionPolicy, other.persistentVolumeClaimRetentionPolicy)
        && Objects.equals(serviceName, other.serviceName)
        && Objects.equals(podManagementPolicy, other.podManagementPolicy)
        && Objects.equals(targetAllocator, other.targetAllocator)
        && Objects.equals(upgradeStrategy, other.upgradeStrategy)
        && Objects.equals(configVersions, other.configVersions)
        && Objects.equals(ingress, other.ingress)
        && Objects.equals(httpRoute, other.httpRoute)
        && Objects.equals(networkPolicy, other.networkPolicy)
        && Objects.equals(livenessProbe, other.livenessProbe)
        && Objects.equals(readinessProbe, other.readinessProbe)
        && Objects.equals(startupProbe, other.startupProbe)
        && Objects.equals(configmaps, other.configmaps)
        && Objects.equals(daemonSetUpdateStrategy, other.daemonSetUpdateStrategy)
        && Objects.equals(deploymentUpdateStrategy, other.deploymentUpdateStrategy)
        && Objects.equals(command, other.command);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, image, replicas, autoscaler, hostPorts, config, env, envFrom, volumes, volumeMounts, ports, resources, nodeSelector, tolerations, affinity, podSecurityContext, securityContext, podAnnotations, serviceAccount, args, volumeClaimTemplates, observability, managementState, imagePullPolicy, podDisruptionBudget, lifecycle, terminationGracePeriodSeconds, topologySpreadConstraints, hostNetwork, dnsPolicy, hostPID, hostUsers, hostAliases, shareProcessNamespace, priorityClassName, initContainers, additionalContainers, podDnsConfig, ipFamilies, ipFamilyPolicy, trafficDistribution, persistentVolumeClaimRetentionPolicy, serviceName, podManagementPolicy, targetAllocator, upgradeStrategy, configVersions, ingress, httpRoute, networkPolicy, livenessProbe, readinessProbe, startupProbe, configmaps, daemonSetUpdateStrategy, deploymentUpdateStrategy, command);
  }

  @Override
  public String toString() {
    return "TelemetryCollectorSpec{" + "mode=" + mode + ", " + "image=" + image + ", " + "replicas=" + replicas + ", " + "autoscaler=" + autoscaler + ", " + "hostPorts=" + hostPorts + ", " + "config=" + config + ", " + "env=" + env + ", " + "envFrom=" + envFrom + ", " + "volumes=" + volumes + ", " + "volumeMounts=" + volumeMounts + ", " + "ports=" + ports + ", " + "resources=" + resources + ", " + "nodeSelector=" + nodeSelector + ", " + "tolerations=" + tolerations + ", " + "affinity=" + affinity + ", " + "podSecurityContext=" + podSecurityContext + ", " + "securityContext=" + securityContext + ", " + "podAnnotations=" + podAnnotations + ", " + "serviceAccount=" + serviceAccount + ", " + "args=" + args + ", " + "volumeClaimTemplates=" + volumeClaimTemplates + ", " + "observability=" + observability + ", " + "managementState=" + managementState + ", " + "imagePullPolicy=" + imagePullPolicy + ", " + "podDisruptionBudget=" + podDisruptionBudget + ", " + "lifecycle=" + lifecycle + ", " + "terminationGracePeriodSeconds=" + terminationGracePeriodSeconds + ", " + "topologySpreadConstraints=" + topologySpreadConstraints + ", " + "hostNetwork=" + hostNetwork + ", " + "dnsPolicy=" + dnsPolicy + ", " + "hostPID=" + hostPID + ", " + "hostUsers=" + hostUsers + ", " + "hostAliases=" + hostAliases + ", " + "shareProcessNamespace=" + shareProcessNamespace + ", " + "priorityClassName=" + priorityClassName + ", " + "initContainers=" + initContainers + ", " + "additionalContainers=" + additionalContainers + ", " + "podDnsConfig=" + podDnsConfig + ", " + "ipFamilies=" + ipFamilies + ", " + "ipFamilyPolicy=" + ipFamilyPolicy + ", " + "trafficDistribution=" + trafficDistribution + ", " + "persistentVolumeClaimRetentionPolicy=" + persistentVolumeClaimRetentionPolicy + ", " + "serviceName=" + serviceName + ", " + "podManagementPolicy=" + podManagementPolicy + ", " + "targetAllocator=" + targetAllocator + ", " + "upgradeStrategy=" + upgradeStrategy + ", " + "configVersions=" + configVersions + ", " + "ingress=" + ingress + ", " + "httpRoute=" + httpRoute + ", " + "networkPolicy=" + networkPolicy + ", " + "livenessProbe=" + livenessProbe + ", " + "readinessProbe=" + readinessProbe + ", " + "startupProbe=" + startupProbe + ", " + "configmaps=" + configmaps + ", " + "daemonSetUpdateStrategy=" + daemonSetUpdateStrategy + ", " + "deploymentUpdateStrategy=" + deploymentUpdateStrategy + ", " + "command=" + command + "}";
  }
}
