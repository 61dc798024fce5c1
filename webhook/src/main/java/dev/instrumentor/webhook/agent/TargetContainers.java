package dev.instrumentor.webhook.agent;

import dev.instrumentor.webhook.mutation.PodJson;

import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which containers an injection changes: those named by the language's own annotation (e.g.
 * {@code instrumentor.dev/java-container-names}), else by {@code instrumentor.dev/container-names},
 * on the pod or else its Namespace, under our keys or else the OpenTelemetry Operator's
 * ({@code instrumentation.opentelemetry.io/...}); by default the first container. Init containers may
 * be named.
 *
 * @param containers the targets, in the order named
 * @param problem    why there are none (unknown names, no containers), or null
 */
record TargetContainers(List<PodContainer> containers, String problem) {

  /**
   * The most containers one pod may have instrumented per language: each costs a few KB of patch, and
   * a pod naming thousands must not cost the webhook its memory (a pod has rarely more than a dozen).
   */
  static final int MAX_PER_POD = 32;

  /** Why the selection is over {@link #MAX_PER_POD}, or null. */
  String overLimit() {
    return containers.size() <= MAX_PER_POD ? null : containers.size() + " containers asked to be instrumented; at most "
        + MAX_PER_POD + " per pod are, so none was: name fewer in the container-names annotation";
  }

  static TargetContainers select(PodJson pod, String languageAnnotation, String commonAnnotation,
      Map<String, String> namespaceAnnotations) {
    List<PodContainer> regular = pod.containers();
    // the pod's before the Namespace's, the language's before the common one, ours before upstream's
    AnnotationValue found = firstFound(AnnotationValue.on(languageAnnotation, pod.annotations(), "pod"),
        AnnotationValue.on(commonAnnotation, pod.annotations(), "pod"),
        AnnotationValue.on(languageAnnotation, namespaceAnnotations, "namespace"),
        AnnotationValue.on(commonAnnotation, namespaceAnnotations, "namespace"));
    String names = found == null ? null : found.value();
    if (names == null) {
      return regular.isEmpty()
          ? new TargetContainers(List.of(), "the pod has no containers")
          : new TargetContainers(List.of(regular.get(0)), null);
    }
    List<PodContainer> all = new ArrayList<>(regular);
    all.addAll(pod.initContainers());
    List<PodContainer> targets = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (String name : names.split(",")) {
      name = name.trim();
      if (name.isEmpty() || seen.contains(name)) {
        continue;
      }
      seen.add(name);
      PodContainer named = null;
      for (PodContainer container : all) {
        if (name.equals(container.name())) {
          named = container;
          break;
        }
      }
      if (named == null) {
        unknown.add(name);
      } else {
        targets.add(named);
      }
    }
    if (!unknown.isEmpty()) {
      List<String> known = all.stream().map(PodContainer::name).toList();
      return new TargetContainers(List.of(),
          "container(s) " + String.join(",", unknown) + " named by " + found.key() + " on the " + found.where() + " not found: the pod has "
              + String.join(",", known));
    }
    if (targets.isEmpty()) {
      return new TargetContainers(List.of(), found.key() + " on the " + found.where() + " names no container");
    }
    return new TargetContainers(targets, null);
  }

  /** The regular containers named {@code names} (a selector's detection chose them), in the pod's order. */
  static TargetContainers named(PodJson pod, List<String> names) {
    List<PodContainer> targets = pod.containers().stream().filter(container -> names.contains(container.name())).toList();
    return targets.isEmpty() ? new TargetContainers(List.of(), "none of the containers " + String.join(",", names)
        + " is in the pod") : new TargetContainers(targets, null);
  }

  private static AnnotationValue firstFound(AnnotationValue... values) {
    for (AnnotationValue value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  List<String> names() {
    return containers.stream().map(PodContainer::name).toList();
  }
}
