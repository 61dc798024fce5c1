package dev.instrumentor.operator.collector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.IngressType;
import dev.instrumentor.api.v1alpha1.PrometheusCr;
import dev.instrumentor.api.v1alpha1.TargetAllocator;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.operator.targetallocator.TargetDiscovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure code: the fields of the OpenTelemetry Operator's {@code OpenTelemetryCollector} a TelemetryCollector
 * accepts (so that a migration is a change of apiVersion and kind) but Instrumentor does not act on, each with
 * why. The condition Supported lists them: a field is never dropped silently.
 */
final class CollectorCompatibility {

  private CollectorCompatibility() {
  }

  /** What the spec asks for that is not done, in words; empty when everything it sets is applied. */
  static List<String> notApplied(TelemetryCollectorSpec spec) {
    List<String> notApplied = new ArrayList<>();
    TargetAllocator allocator = spec.getTargetAllocator();
    if (allocator != null && Boolean.TRUE.equals(allocator.getEnabled())) {
      PrometheusCr cr = allocator.getPrometheusCR();
      if (cr != null && Boolean.TRUE.equals(cr.getEnabled())) {
        prometheusCr(cr, notApplied);
      }
      if (allocator.getMtls() != null && Boolean.TRUE.equals(allocator.getMtls().getEnabled())) {
        notApplied.add("spec.targetAllocator.mtls: the allocator serves plain HTTP inside the cluster");
      }
      JsonNode receivers = spec.getConfig() == null ? null : spec.getConfig().path("receivers");
      if (receivers != null) {
        receivers.fieldNames().forEachRemaining(id -> {
          if (id.startsWith("prometheus/")) {
            notApplied.add("receivers." + id + ": only the receiver named prometheus asks the target allocator (as"
                + " upstream); this one keeps its scrape_configs, so every collector pod scrapes all of its targets");
          }
        });
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        receivers.path("prometheus").path("config").path("scrape_configs")
            .forEach(job -> jobs.put(job.path("job_name").asText(), job));
        try (TargetDiscovery discovery = new TargetDiscovery(jobs)) {
          discovery.problems().forEach(problem -> notApplied.add("spec.targetAllocator: " + problem));
        }
      }
      if (allocator.getObservability() != null) {
        notApplied.add("spec.targetAllocator.observability: no ServiceMonitor is made for the allocator");
      }
    }
    if (spec.getIngress() != null && spec.getIngress().getType() == IngressType.ROUTE) {
      notApplied.add("spec.ingress.type route: routes are OpenShift's, none is created (type ingress creates an Ingress)");
    }
    if (spec.getHttpRoute() != null && Boolean.TRUE.equals(spec.getHttpRoute().getEnabled())) {
      notApplied.add("spec.httpRoute: Instrumentor creates no Gateway API HTTPRoute yet (spec.ingress creates an Ingress)");
    }
    if (spec.getConfigVersions() != null) {
      notApplied.add("spec.configVersions: Instrumentor keeps one ConfigMap per collector and rolls the pods when it"
          + " changes, so older configs are not kept");
    }
    return notApplied;
  }

  /** ServiceMonitors and PodMonitors are discovered; what else prometheusCR may ask for is not. */
  private static void prometheusCr(PrometheusCr cr, List<String> notApplied) {
    if (cr.getScrapeConfigSelector() != null || cr.getProbeSelector() != null) {
      notApplied.add("spec.targetAllocator.prometheusCR: ScrapeConfigs and Probes are not discovered (ServiceMonitors"
          + " and PodMonitors are)");
    }
    if (cr.getScrapeClasses() != null || cr.getScrapeProtocols() != null || cr.getEvaluationInterval() != null) {
      notApplied.add("spec.targetAllocator.prometheusCR: scrapeClasses, scrapeProtocols and evaluationInterval are not"
          + " applied to the monitors' scrape configs");
    }
    if (cr.getSecretNamespaces() != null) {
      notApplied.add("spec.targetAllocator.prometheusCR.secretNamespaces: the allocator reads no Secrets; monitor"
          + " endpoints with basicAuth, authorization, oauth2 or TLS from Secrets are left out (its log names them)");
    }
    if (cr.getServiceMonitorSelector() == null && cr.getPodMonitorSelector() == null) {
      notApplied.add("spec.targetAllocator.prometheusCR: neither serviceMonitorSelector nor podMonitorSelector is set,"
          + " so no monitor is selected (an empty selector, {}, selects all)");
    }
  }
}
