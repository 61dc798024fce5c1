package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Objects;

/**
 * Discovery of the Prometheus Operator's resources (ServiceMonitor, PodMonitor, ScrapeConfig, Probe) by a
 * target allocator. Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusCr {

  /** Discover the Prometheus Operator's resources. */
  private Boolean enabled;

  /** Namespaces to discover in. Empty: all. */
  private List<String> allowNamespaces;

  /** Namespaces not to discover in. */
  private List<String> denyNamespaces;

  /** Namespaces whose Secrets the monitors may reference. */
  private List<String> secretNamespaces;

  /** Refuse monitors that read files of the allocator's filesystem. */
  private Boolean denyFSAccessThroughSMs;

  /** Default scrape interval of discovered monitors, a duration such as 30s. */
  private String scrapeInterval;

  /** Interval of rule evaluation, a duration such as 30s. */
  private String evaluationInterval;

  /** Protocols offered to targets, in order of preference. */
  private List<String> scrapeProtocols;

  /** Scrape classes, as the Prometheus Operator defines them. */
  @PreserveUnknownFields
  private List<JsonNode> scrapeClasses;

  /** PodMonitors to discover. Empty: none; {}: all. */
  private LabelSelector podMonitorSelector;

  /** Namespaces of the PodMonitors to discover. */
  private LabelSelector podMonitorNamespaceSelector;

  /** ServiceMonitors to discover. Empty: none; {}: all. */
  private LabelSelector serviceMonitorSelector;

  /** Namespaces of the ServiceMonitors to discover. */
  private LabelSelector serviceMonitorNamespaceSelector;

  /** ScrapeConfigs to discover. */
  private LabelSelector scrapeConfigSelector;

  /** Namespaces of the ScrapeConfigs to discover. */
  private LabelSelector scrapeConfigNamespaceSelector;

  /** Probes to discover. */
  private LabelSelector probeSelector;

  /** Namespaces of the Probes to discover. */
  private LabelSelector probeNamespaceSelector;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getAllowNamespaces() {
    return allowNamespaces;
  }

  public void setAllowNamespaces(List<String> allowNamespaces) {
    this.allowNamespaces = allowNamespaces;
  }

  public List<String> getDenyNamespaces() {
    return denyNamespaces;
  }

  public void setDenyNamespaces(List<String> denyNamespaces) {
    this.denyNamespaces = denyNamespaces;
  }

  public List<String> getSecretNamespaces() {
    return secretNamespaces;
  }

  public void setSecretNamespaces(List<String> secretNamespaces) {
    this.secretNamespaces = secretNamespaces;
  }

  public Boolean getDenyFSAccessThroughSMs() {
    return denyFSAccessThroughSMs;
  }

  public void setDenyFSAccessThroughSMs(Boolean denyFSAccessThroughSMs) {
    this.denyFSAccessThroughSMs = denyFSAccessThroughSMs;
  }

  public String getScrapeInterval() {
    return scrapeInterval;
  }

  public void setScrapeInterval(String scrapeInterval) {
    this.scrapeInterval = scrapeInterval;
  }

  public String getEvaluationInterval() {
    return evaluationInterval;
  }

  public void setEvaluationInterval(String evaluationInterval) {
    this.evaluationInterval = evaluationInterval;
  }

  public List<String> getScrapeProtocols() {
    return scrapeProtocols;
  }

  public void setScrapeProtocols(List<String> scrapeProtocols) {
    this.scrapeProtocols = scrapeProtocols;
  }

  public List<JsonNode> getScrapeClasses() {
    return scrapeClasses;
  }

  public void setScrapeClasses(List<JsonNode> scrapeClasses) {
    this.scrapeClasses = scrapeClasses;
  }

  public LabelSelector getPodMonitorSelector() {
    return podMonitorSelector;
  }

  public void setPodMonitorSelector(LabelSelector podMonitorSelector) {
    this.podMonitorSelector = podMonitorSelector;
  }

  public LabelSelector getPodMonitorNamespaceSelector() {
    return podMonitorNamespaceSelector;
  }

  public void setPodMonitorNamespaceSelector(LabelSelector podMonitorNamespaceSelector) {
    this.podMonitorNamespaceSelector = podMonitorNamespaceSelector;
  }

  public LabelSelector getServiceMonitorSelector() {
    return serviceMonitorSelector;
  }

  public void setServiceMonitorSelector(LabelSelector serviceMonitorSelector) {
    this.serviceMonitorSelector = serviceMonitorSelector;
  }

  public LabelSelector getServiceMonitorNamespaceSelector() {
    return serviceMonitorNamespaceSelector;
  }

  public void setServiceMonitorNamespaceSelector(LabelSelector serviceMonitorNamespaceSelector) {
    this.serviceMonitorNamespaceSelector = serviceMonitorNamespaceSelector;
  }

  public LabelSelector getScrapeConfigSelector() {
    return scrapeConfigSelector;
  }

  public void setScrapeConfigSelector(LabelSelector scrapeConfigSelector) {
    this.scrapeConfigSelector = scrapeConfigSelector;
  }

  public LabelSelector getScrapeConfigNamespaceSelector() {
    return scrapeConfigNamespaceSelector;
  }

  public void setScrapeConfigNamespaceSelector(LabelSelector scrapeConfigNamespaceSelector) {
    this.scrapeConfigNamespaceSelector = scrapeConfigNamespaceSelector;
  }

  public LabelSelector getProbeSelector() {
    return probeSelector;
  }

  public void setProbeSelector(LabelSelector probeSelector) {
    this.probeSelector = probeSelector;
  }

  public LabelSelector getProbeNamespaceSelector() {
    return probeNamespaceSelector;
  }

  public void setProbeNamespaceSelector(LabelSelector probeNamespaceSelector) {
    this.probeNamespaceSelector = probeNamespaceSelector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrometheusCr other && Objects.equals(enabled, other.enabled)
        && Objects.equals(allowNamespaces, other.allowNamespaces)
        && Objects.equals(denyNamespaces, other.denyNamespaces)
        && Objects.equals(secretNamespaces, other.secretNamespaces)
        && Objects.equals(denyFSAccessThroughSMs, other.denyFSAccessThroughSMs)
        && Objects.equals(scrapeInterval, other.scrapeInterval)
        && Objects.equals(evaluationInterval, other.evaluationInterval)
        && Objects.equals(scrapeProtocols, other.scrapeProtocols)
        && Objects.equals(scrapeClasses, other.scrapeClasses)
        && Objects.equals(podMonitorSelector, other.podMonitorSelector)
        && Objects.equals(podMonitorNamespaceSelector, other.podMonitorNamespaceSelector)
        && Objects.equals(serviceMonitorSelector, other.serviceMonitorSelector)
        && Objects.equals(serviceMonitorNamespaceSelector, other.serviceMonitorNamespaceSelector)
        && Objects.equals(scrapeConfigSelector, other.scrapeConfigSelector)
        && Objects.equals(scrapeConfigNamespaceSelector, other.scrapeConfigNamespaceSelector)
        && Objects.equals(probeSelector, other.probeSelector)
        && Objects.equals(probeNamespaceSelector, other.probeNamespaceSelector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, allowNamespaces, denyNamespaces, secretNamespaces, denyFSAccessThroughSMs, scrapeInterval, evaluationInterval, scrapeProtocols, scrapeClasses, podMonitorSelector, podMonitorNamespaceSelector, serviceMonitorSelector, serviceMonitorNamespaceSelector, scrapeConfigSelector, scrapeConfigNamespaceSelector, probeSelector, probeNamespaceSelector);
  }

  @Override
  public String toString() {
    return "PrometheusCr{" + "enabled=" + enabled + ", " + "allowNamespaces=" + allowNamespaces + ", " + "denyNamespaces=" + denyNamespaces + ", " + "secretNamespaces=" + secretNamespaces + ", " + "denyFSAccessThroughSMs=" + denyFSAccessThroughSMs + ", " + "scrapeInterval=" + scrapeInterval + ", " + "evaluationInterval=" + evaluationInterval + ", " + "scrapeProtocols=" + scrapeProtocols + ", " + "scrapeClasses=" + scrapeClasses + ", " + "podMonitorSelector=" + podMonitorSelector + ", " + "podMonitorNamespaceSelector=" + podMonitorNamespaceSelector + ", " + "serviceMonitorSelector=" + serviceMonitorSelector + ", " + "serviceMonitorNamespaceSelector=" + serviceMonitorNamespaceSelector + ", " + "scrapeConfigSelector=" + scrapeConfigSelector + ", " + "scrapeConfigNamespaceSelector=" + scrapeConfigNamespaceSelector + ", " + "probeSelector=" + probeSelector + ", " + "probeNamespaceSelector=" + probeNamespaceSelector + "}";
  }
}
