package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.webhook.mutation.PodJson;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a pod asking for an Instrumentation is configured from. The operator validates each generation and
 * says so in status (Ready, with the reason); a generation it found invalid never configures a pod: the pod
 * gets the last generation it found valid ({@code status.lastValidGeneration} and {@code lastValidSpec}),
 * with a caveat naming both, or, when there was none, no instrumentation and the reason. A generation the
 * operator has not judged yet (status behind the spec) is used as it is: the API server's schema and CEL
 * rules have accepted it. No API call: status comes with the cached Instrumentation.
 *
 * @param instrumentation what to configure the pod from (the current object, or its last valid generation), or null
 * @param caveat          why it is not the current generation, or null
 * @param problem         why nothing can be used, or null
 */
public record UsableInstrumentation(Instrumentation instrumentation, String caveat, String problem) {

  private static final String READY = "Ready";

  /** The last valid generations built from status, per namespace/name, reused while the cached object is the same. */
  public static final class Cache {
    private final Map<String, Map.Entry<Instrumentation, UsableInstrumentation>> entries = new ConcurrentHashMap<>();

    public UsableInstrumentation of(Instrumentation current) {
      InstrumentationStatus status = current.getStatus();
      Condition ready = status == null || status.getConditions() == null ? null : status.getConditions().stream()
          .filter(condition -> READY.equals(condition.getType())).findFirst().orElse(null);
      Long generation = current.getMetadata().getGeneration();
      boolean judgedInvalid = ready != null && "False".equals(ready.getStatus()) && generation != null
          && generation.equals(status.getObservedGeneration());
      if (!judgedInvalid) {
        return new UsableInstrumentation(current, null, null);
      }
      String key = current.getMetadata().getNamespace() + "/" + current.getMetadata().getName();
      Map.Entry<Instrumentation, UsableInstrumentation> cached = entries.get(key);
      if (cached != null && cached.getKey() == current) {
        return cached.getValue();
      }
      UsableInstrumentation usable = lastValid(current, status, ready);
      entries.put(key, Map.entry(current, usable));
      return usable;
    }
  }

  private static UsableInstrumentation lastValid(Instrumentation current, InstrumentationStatus status, Condition ready) {
    String name = current.getMetadata().getNamespace() + "/" + current.getMetadata().getName();
    String why = "generation " + current.getMetadata().getGeneration() + " of Instrumentation " + name + " is not valid ("
        + ready.getReason() + ": " + ready.getMessage() + ")";
    if (status.getLastValidSpec() == null || status.getLastValidGeneration() == null) {
      return new UsableInstrumentation(null, null, why + " and none before it was: the pod is admitted uninstrumented;"
          + " fix the Instrumentation and restart the pod");
    }
    Instrumentation previous = new Instrumentation();
    previous.getMetadata().setNamespace(current.getMetadata().getNamespace());
    previous.getMetadata().setName(current.getMetadata().getName());
    previous.getMetadata().setUid(current.getMetadata().getUid());
    previous.getMetadata().setGeneration(status.getLastValidGeneration());
    previous.setSpec(PodJson.model(status.getLastValidSpec(), InstrumentationSpec.class));
    return new UsableInstrumentation(previous, "configured from generation " + status.getLastValidGeneration()
        + ", the last valid one: " + why, null);
  }
}
