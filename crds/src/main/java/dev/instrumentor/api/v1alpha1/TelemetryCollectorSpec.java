package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
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
  private List<ServicePort> ports;

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

  public Observability getObservability() {
    return observability;
  }

  public void setObservability(Observability observability) {
    this.observability = observability;
  }

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

  public Boolean getHostPorts() {
    return hostPorts;
  }

  public void setHostPorts(Boolean hostPorts) {
    this.hostPorts = hostPorts;
  }

  public Autoscaler getAutoscaler() {
    return autoscaler;
  }

  public void setAutoscaler(Autoscaler autoscaler) {
    this.autoscaler = autoscaler;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
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

  public List<ServicePort> getPorts() {
    return ports;
  }

  public void setPorts(List<ServicePort> ports) {
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

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TelemetryCollectorSpec other)) {
      return false;
    }
    return Objects.equals(mode, other.mode)
        && Objects.equals(image, other.image)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(config, other.config)
        && Objects.equals(env, other.env)
        && Objects.equals(envFrom, other.envFrom)
        && Objects.equals(volumes, other.volumes)
        && Objects.equals(volumeMounts, other.volumeMounts)
        && Objects.equals(ports, other.ports)
        && Objects.equals(autoscaler, other.autoscaler)
        && Objects.equals(hostPorts, other.hostPorts)
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
        && Objects.equals(observability, other.observability);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, image, replicas, autoscaler, hostPorts, config, env, envFrom, volumes, volumeMounts, ports, resources, nodeSelector, tolerations, affinity, podSecurityContext, securityContext, podAnnotations, serviceAccount, args, volumeClaimTemplates, observability);
  }

  @Override
  public String toString() {
    return "TelemetryCollectorSpec{" + "mode=" + mode + ", image=" + image + ", replicas=" + replicas + ", autoscaler=" + autoscaler + ", hostPorts=" + hostPorts + ", config=" + config + ", env=" + env + ", envFrom=" + envFrom + ", volumes=" + volumes + ", volumeMounts=" + volumeMounts + ", ports=" + ports + ", resources=" + resources + ", nodeSelector=" + nodeSelector + ", tolerations=" + tolerations + ", affinity=" + affinity + ", podSecurityContext=" + podSecurityContext + ", securityContext=" + securityContext + ", podAnnotations=" + podAnnotations + ", serviceAccount=" + serviceAccount + ", args=" + args + ", volumeClaimTemplates=" + volumeClaimTemplates + ", observability=" + observability + "}";
  }
}
