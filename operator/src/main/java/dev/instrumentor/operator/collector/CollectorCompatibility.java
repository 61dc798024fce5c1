package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.IngressType;
import dev.instrumentor.api.v1alpha1.TargetAllocator;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import java.util.ArrayList;
import java.util.List;

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
      if (allocator.getPrometheusCR() != null && Boolean.TRUE.equals(allocator.getPrometheusCR().getEnabled())) {
        notApplied.add("spec.targetAllocator.prometheusCR: ServiceMonitors, PodMonitors, ScrapeConfigs and Probes are"
            + " not discovered yet; the allocator assigns the targets of the prometheus receivers' scrape_configs");
      }
      if (allocator.getMtls() != null && Boolean.TRUE.equals(allocator.getMtls().getEnabled())) {
        notApplied.add("spec.targetAllocator.mtls: the allocator serves plain HTTP inside the cluster");
      }
      if (allocator.getPodDisruptionBudget() != null || allocator.getObservability() != null) {
        notApplied.add("spec.targetAllocator.podDisruptionBudget and observability: no PodDisruptionBudget or"
            + " ServiceMonitor is made for the allocator");
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
}
