package dev.instrumentor.webhook.mutation;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * What injection needs to know about a pod besides its spec.
 *
 * @param namespace            the pod's namespace (from the admission request, or the manifest)
 * @param namespaceAnnotations the Namespace's annotations (may ask for injection too)
 * @param owners               the workloads owning the pod
 * @param namespaceLabels      the Namespace's labels (an Instrumentation's namespaceSelector reads them)
 */
public record PodContext(String namespace, Map<String, String> namespaceAnnotations, Owners owners,
    Map<String, String> namespaceLabels) {

  public PodContext {
    namespaceAnnotations = namespaceAnnotations == null ? Map.of() : Map.copyOf(namespaceAnnotations);
    namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
  }

  public PodContext(String namespace, Map<String, String> namespaceAnnotations, Owners owners) {
    this(namespace, namespaceAnnotations, owners, Map.of());
  }

  /** For a pod as the API server sends it: owners come from its controller reference. */
  public static PodContext forPod(PodJson pod, String namespace, Map<String, String> namespaceAnnotations,
      Map<String, String> namespaceLabels) {
    return new PodContext(namespace, namespaceAnnotations, Owners.fromPod(pod.metadata()), namespaceLabels);
  }

  /** For a pod as the API server sends it, in a Namespace whose labels are not known. */
  public static PodContext forPod(PodJson pod, String namespace, Map<String, String> namespaceAnnotations) {
    return forPod(pod, namespace, namespaceAnnotations, Map.of());
  }

  /** The same for a fabric8 Pod. */
  public static PodContext forPod(Pod pod, String namespace, Map<String, String> namespaceAnnotations) {
    return new PodContext(namespace, namespaceAnnotations,
        pod.getMetadata() == null ? Owners.none() : Owners.fromPod(pod.getMetadata()));
  }
}
