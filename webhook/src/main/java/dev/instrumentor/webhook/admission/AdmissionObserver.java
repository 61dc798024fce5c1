package dev.instrumentor.webhook.admission;

import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;

/**
 * Told about every admission, for metrics and Events. Called on the admission thread: an
 * implementation must only record or enqueue, never block or call the API server.
 */
public interface AdmissionObserver {

  /**
   * A pod was evaluated.
   *
   * @param pod    the pod, mutated (its name may be empty: generateName)
   * @param result what the mutator did
   * @param dryRun whether the API server will not persist the pod (no Events then)
   */
  default void podAdmitted(String namespace, PodJson pod, PodMutator.Result result, boolean dryRun) {
  }

  /** A request ended with {@code outcome} (mutated, unchanged, skipped-kind, malformed, error) after {@code nanos}. */
  default void requestCompleted(String outcome, long nanos) {
  }

  AdmissionObserver NONE = new AdmissionObserver() {
  };
}
