package dev.instrumentor.webhook.mutation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The resource an {@code inject-*} annotation points at, or why there is none.
 *
 * @param resource the resource, or null
 * @param problem  why none was found, or null
 */
public record Resolved<T extends HasMetadata>(T resource, String problem) {

  /**
   * Resolves {@code request} for a pod in {@code namespace}: {@code "true"} needs exactly one
   * resource of the kind in the namespace; a name must exist.
   */
  public static <T extends HasMetadata> Resolved<T> resolve(InjectionRequestValue request, String namespace, String kind,
      Function<String, List<T>> list, BiFunction<String, String, Optional<T>> get) {
    if (request instanceof InjectionRequestValue.Named named) {
      return get.apply(named.namespace(), named.name())
          .map(found -> new Resolved<>(found, null))
          .orElseGet(() -> new Resolved<>(null, kind + " " + named.reference() + " not found"));
    }
    if (request instanceof InjectionRequestValue.Selected selected) {
      return get.apply(selected.namespace(), selected.name())
          .map(found -> new Resolved<>(found, null))
          .orElseGet(() -> new Resolved<>(null, kind + " " + selected.reference() + " that chose the pod is gone"));
    }
    List<T> candidates = list.apply(namespace);
    if (candidates.size() == 1) {
      return new Resolved<>(candidates.get(0), null);
    }
    if (candidates.isEmpty()) {
      return new Resolved<>(null, "no " + kind + " in namespace " + namespace
          + ": create one, or name one in the annotation as <namespace>/<name>");
    }
    return new Resolved<>(null, candidates.size() + " " + kind + "s in namespace " + namespace + " ("
        + String.join(", ", candidates.stream().map(c -> c.getMetadata().getName()).toList())
        + "): name one in the annotation instead of \"true\"");
  }

  /** {@code namespace/name@generation}. */
  public static String reference(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName()
        + (resource.getMetadata().getGeneration() == null ? "" : "@" + resource.getMetadata().getGeneration());
  }
}
