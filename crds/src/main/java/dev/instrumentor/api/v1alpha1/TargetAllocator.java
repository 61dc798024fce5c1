package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A target allocator for the collector's prometheus receiver: it discovers scrape targets and spreads them over
 * the collector's pods. Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocator {

  /** Run a target allocator for this collector. */
  private Boolean enabled;

  /** Replicas of the allocator. */
  @Min(0)
  private Integer replicas;

  /** Node selector of the allocator's pods. */
  private Map<String, String> nodeSelector;

  /** Resources of the allocator's container. */
  private ResourceRequirements resources;

  /** How targets are spread: consistent-hashing (default), least-weighted or per-node. */
  private AllocationStrategy allocationStrategy;

  /** relabel-config (default): targets dropped by the scrape configs' relabeling are not assigned. */
  private FilterStrategy filterStrategy;

  /** Service account of the allocator's pods. Empty: one is created. */
  private String serviceAccount;

  /** Image of the allocator. */
  private String image;

  /** Affinity of the allocator's pods. */
  private Affinity affinity;

  /** Discovery of ServiceMonitors, PodMonitors, ScrapeConfigs and Probes. */
  private PrometheusCr prometheusCR;

  /** Security context of the allocator's container. */
  private SecurityContext securityContext;

  /** Security context of the allocator's pods. */
  private PodSecurityContext podSecurityContext;

  /** Topology spread constraints of the allocator's pods. */
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  /** Tolerations of the allocator's pods. */
  private List<Toleration> tolerations;

  /** Environment of the allocator's container. */
  private List<EnvVar> env;

  /** How the allocator itself is observed. */
  private Observability observability;

  /** A PodDisruptionBudget for the allocator's pods. */
  private DisruptionBudget podDisruptionBudget;

  /** Let monitors send credentials over plain HTTP. */
  private Boolean allowInsecureAuthSecrets;

  /** How long a collector pod that is not Ready keeps its targets, a duration such as 30s. */
  private String collectorNotReadyGracePeriod;

  /** How often the collector asks the allocator for its targets, a duration such as 30s. */
  private String collectorTargetReloadInterval;

  /** mTLS between the allocator and the collector. */
  private TargetAllocatorMtls mtls;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public AllocationStrategy getAllocationStrategy() {
    return allocationStrategy;
  }

  public void setAllocationStrategy(AllocationStrategy allocationStrategy) {
    this.allocationStrategy = allocationStrategy;
  }

  public FilterStrategy getFilterStrategy() {
    return filterStrategy;
  }

  public void setFilterStrategy(FilterStrategy filterStrategy) {
    this.filterStrategy = filterStrategy;
  }

  public String getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(String serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public PrometheusCr getPrometheusCR() {
    return prometheusCR;
  }

  public void setPrometheusCR(PrometheusCr prometheusCR) {
    this.prometheusCR = prometheusCR;
  }

  public SecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(SecurityContext securityContext) {
    this.securityContext = securityContext;
  }

  public PodSecurityContext getPodSecurityContext() {
    return podSecurityContext;
  }

  public void setPodSecurityContext(PodSecurityContext podSecurityContext) {
    this.podSecurityContext = podSecurityContext;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public Observability getObservability() {
    return observability;
  }

  public void setObservability(Observability observability) {
    this.observability = observability;
  }

  public DisruptionBudget getPodDisruptionBudget() {
    return podDisruptionBudget;
  }

  public void setPodDisruptionBudget(DisruptionBudget podDisruptionBudget) {
    this.podDisruptionBudget = podDisruptionBudget;
  }

  public Boolean getAllowInsecureAuthSecrets() {
    return allowInsecureAuthSecrets;
  }

  public void setAllowInsecureAuthSecrets(Boolean allowInsecureAuthSecrets) {
    this.allowInsecureAuthSecrets = allowInsecureAuthSecrets;
  }

  public String getCollectorNotReadyGracePeriod() {
    return collectorNotReadyGracePeriod;
  }

  public void setCollectorNotReadyGracePeriod(String collectorNotReadyGracePeriod) {
    this.collectorNotReadyGracePeriod = collectorNotReadyGracePeriod;
  }

  public String getCollectorTargetReloadInterval() {
    return collectorTargetReloadInterval;
  }

  public void setCollectorTargetReloadInterval(String collectorTargetReloadInterval) {
    this.collectorTargetReloadInterval = collectorTargetReloadInterval;
  }

  public TargetAllocatorMtls getMtls() {
    return mtls;
  }

  public void setMtls(TargetAllocatorMtls mtls) {
    this.mtls = mtls;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetAllocator other && Objects.equals(enabled, other.enabled)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(nodeSelector, other.nodeSelector)
        && Objects.equals(resources, other.resources)
        && Objects.equals(allocationStrategy, other.allocationStrategy)
        && Objects.equals(filterStrategy, other.filterStrategy)
        && Objects.equals(serviceAccount, other.serviceAccount)
        && Objects.equals(image, other.image)
        && Objects.equals(affinity, other.affinity)
        && Objects.equals(prometheusCR, other.prometheusCR)
        && Objects.equals(securityContext, other.securityContext)
        && Objects.equals(podSecurityContext, other.podSecurityContext)
        && Objects.equals(topologySpreadConstraints, other.topologySpreadConstraints)
        && Objects.equals(tolerations, other.tolerations)
        && Objects.equals(env, other.env)
        && Objects.equals(observability, other.observability)
        && Objects.equals(podDisruptionBudget, other.podDisruptionBudget)
        && Objects.equals(allowInsecureAuthSecrets, other.allowInsecureAuthSecrets)
        && Objects.equals(collectorNotReadyGracePeriod, other.collectorNotReadyGracePeriod)
        && Objects.equals(collectorTargetReloadInterval, other.collectorTargetReloadInterval)
        && Objects.equals(mtls, other.mtls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, replicas, nodeSelector, resources, allocationStrategy, filterStrategy, serviceAccount, image, affinity, prometheusCR, securityContext, podSecurityContext, topologySpreadConstraints, tolerations, env, observability, podDisruptionBudget, allowInsecureAuthSecrets, collectorNotReadyGracePeriod, collectorTargetReloadInterval, mtls);
  }

  @Override
  public String toString() {
    return "TargetAllocator{" + "enabled=" + enabled + ", " + "replicas=" + replicas + ", " + "nodeSelector=" + nodeSelector + ", " + "resources=" + resources + ", " + "allocationStrategy=" + allocationStrategy + ", " + "filterStrategy=" + filterStrategy + ", " + "serviceAccount=" + serviceAccount + ", " + "image=" + image + ", " + "affinity=" + affinity + ", " + "prometheusCR=" + prometheusCR + ", " + "securityContext=" + securityContext + ", " + "podSecurityContext=" + podSecurityContext + ", " + "topologySpreadConstraints=" + topologySpreadConstraints + ", " + "tolerations=" + tolerations + ", " + "env=" + env + ", " + "observability=" + observability + ", " + "podDisruptionBudget=" + podDisruptionBudget + ", " + "allowInsecureAuthSecrets=" + allowInsecureAuthSecrets + ", " + "collectorNotReadyGracePeriod=" + collectorNotReadyGracePeriod + ", " + "collectorTargetReloadInterval=" + collectorTargetReloadInterval + ", " + "mtls=" + mtls + "}";
  }
}
