package dev.instrumentor.webhook.mutation;

import java.util.List;
import java.util.Map;

/**
 * Chooses what to inject into a pod that no annotation asks about: the Instrumentations' {@code spec.selector}
 * (by labels, with each container's language detected).
 */
@FunctionalInterface
public interface PodSelection {

  /** What chose nothing. */
  PodSelection NONE = (pod, context) -> Selection.NONE;

  /**
   * What selectors choose for {@code pod}: nothing when it or its Namespace carries an inject-* annotation of a
   * language, or it opts out. Reads the pod; never writes it.
   */
  Selection select(PodJson pod, PodContext context);

  /**
   * @param requests per injection ({@link Injector#name()}), the request a selector makes
   * @param outcomes what the selection itself reports (containers whose language was not told)
   */
  record Selection(Map<String, InjectionRequestValue.Selected> requests, List<InjectionOutcome> outcomes) {

    public static final Selection NONE = new Selection(Map.of(), List.of());

    public Selection {
      requests = Map.copyOf(requests);
      outcomes = List.copyOf(outcomes);
    }
  }
}
