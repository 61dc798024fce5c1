package dev.instrumentor.webhook.mutation;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * What injection needs to know about a pod besides its spec.
 *
 * @param namespace            the pod's namespace (from the admission request, or the manifest)
 * @param namespaceAnnotations the Namespace's annotations (may ask for injection too)
 * @param owners               the workloads owning the pod
 */
public record PodContext(String namespace, Map<String, String> namespaceAnnotations, Owners owners) {

  public PodContext {
    namespaceAnnotations = namespaceAnnotations == null ? Map.of() : Map.copyOf(namespaceAnnotations);
  }

  /** For a pod as the API server sends it: owners come from its controller reference. */
  public static PodContext forPod(PodJson pod, String namespace, Map<String, String> namespaceAnnotations) {
    return new PodContext(namespace, namespaceAnnotations, Owners.fromPod(pod.metadata()));
  }

  /** The same for a fabric8 Pod. */
  public static PodContext forPod(Pod pod, String namespace, Map<String, String> namespaceAnnotations) {
    return new PodContext(namespace, namespaceAnnotations,
        pod.getMetadata() == null ? Owners.none() : Owners.fromPod(pod.getMetadata()));
  }
}
