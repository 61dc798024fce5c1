package dev.instrumentor.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Status conditions that keep their lastTransitionTime while their status does not change. */
public final class Conditions {

  public static final String READY = "Ready";
  /** Whether Instrumentor injects every block of an Instrumentation (some of the OpenTelemetry Operator's it does not). */
  public static final String SUPPORTED = "Supported";

  private Conditions() {
  }

  /**
   * {@code existing} with condition {@code type} set; the transition time moves only when the
   * status changes.
   */
  public static List<Condition> set(List<Condition> existing, String type, boolean status, String reason,
      String message, Long generation, Clock clock) {
    return set(existing, type, status ? "True" : "False", reason, message, generation, clock);
  }

  /** As {@link #set(List, String, boolean, String, String, Long, Clock)}, with {@code True}, {@code False} or {@code Unknown}. */
  public static List<Condition> set(List<Condition> existing, String type, String statusText, String reason,
      String message, Long generation, Clock clock) {
    List<Condition> result = new ArrayList<>();
    Condition previous = null;
    if (existing != null) {
      for (Condition condition : existing) {
        if (type.equals(condition.getType())) {
          previous = condition;
        } else {
          result.add(condition);
        }
      }
    }
    String transition = previous != null && statusText.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
        ? previous.getLastTransitionTime()
        : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    result.add(new ConditionBuilder().withType(type).withStatus(statusText).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(transition).build());
    return result;
  }

  /** The condition of {@code type}, or null. */
  public static Condition get(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Whether two conditions say the same, ignoring when. */
  public static boolean sameState(Condition a, Condition b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.getStatus(), b.getStatus()) && Objects.equals(a.getReason(), b.getReason())
        && Objects.equals(a.getMessage(), b.getMessage()) && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
  }
}
