package dev.instrumentor.webhook.admission;

import java.util.Map;

/** The annotations (and labels) of a Namespace, from a cache (the operator's informer) or a fixed map. */
@FunctionalInterface
public interface NamespaceAnnotations {

  /** The annotations of {@code namespace}; empty when unknown. Never calls the API server. */
  Map<String, String> of(String namespace);

  /** The labels of {@code namespace} (an Instrumentation's namespaceSelector reads them); empty when unknown. */
  default Map<String, String> labels(String namespace) {
    return Map.of();
  }

  static NamespaceAnnotations none() {
    return namespace -> Map.of();
  }
}
