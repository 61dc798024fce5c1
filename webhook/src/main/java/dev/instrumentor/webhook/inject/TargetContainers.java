package dev.instrumentor.webhook.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which containers an injection changes: those named by the language's own annotation (e.g.
 * {@code instrumentor.dev/java-container-names}), else by {@code instrumentor.dev/container-names},
 * on the pod or else its Namespace; by default the first container. Init containers may be named.
 *
 * @param containers the targets, in the order named
 * @param problem    why there are none (unknown names, no containers), or null
 */
record TargetContainers(List<Container> containers, String problem) {

  static TargetContainers select(PodSpec spec, String languageAnnotation, String commonAnnotation,
      Map<String, String> podAnnotations, Map<String, String> namespaceAnnotations) {
    List<Container> regular = spec.getContainers() == null ? List.of() : spec.getContainers();
    List<Container> init = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    String names = Stream.of(
            get(podAnnotations, languageAnnotation), get(podAnnotations, commonAnnotation),
            get(namespaceAnnotations, languageAnnotation), get(namespaceAnnotations, commonAnnotation))
        .filter(v -> v != null && !v.isBlank())
        .findFirst().orElse(null);
    if (names == null) {
      return regular.isEmpty()
          ? new TargetContainers(List.of(), "the pod has no containers")
          : new TargetContainers(List.of(regular.get(0)), null);
    }
    List<Container> targets = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String name : Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).distinct().toList()) {
      Container found = Stream.concat(regular.stream(), init.stream())
          .filter(c -> name.equals(c.getName())).findFirst().orElse(null);
      if (found == null) {
        unknown.add(name);
      } else {
        targets.add(found);
      }
    }
    if (!unknown.isEmpty()) {
      List<String> known = Stream.concat(regular.stream(), init.stream()).map(Container::getName).toList();
      return new TargetContainers(List.of(),
          "container(s) " + String.join(",", unknown) + " named by the container-names annotation not in the pod (it has "
              + String.join(",", known) + ")");
    }
    if (targets.isEmpty()) {
      return new TargetContainers(List.of(), "the container-names annotation names no container");
    }
    return new TargetContainers(targets, null);
  }

  private static String get(Map<String, String> annotations, String key) {
    return annotations == null ? null : annotations.get(key);
  }

  List<String> names() {
    return containers.stream().map(Container::getName).toList();
  }
}
