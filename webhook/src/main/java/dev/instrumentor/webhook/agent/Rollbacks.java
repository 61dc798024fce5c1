package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.webhook.mutation.Owners;
import java.util.List;
import java.util.Objects;

/**
 * The workloads an Instrumentation's operator rolled back (its {@code status.rollbacks}, read from the
 * webhook's cache like the rest of the Instrumentation, so every replica skips them, leader or not): a pod
 * of one of them is not injected while the Instrumentation's generation is the one recorded.
 */
public final class Rollbacks {

  private Rollbacks() {
  }

  /** The record that keeps the pod of {@code owners} in {@code namespace} from being injected, or null. */
  public static RolledBackWorkload of(Instrumentation instrumentation, String namespace, Owners owners) {
    List<RolledBackWorkload> records = instrumentation.getStatus() == null ? null
        : instrumentation.getStatus().getRollbacks();
    if (records == null || records.isEmpty() || owners.names().isEmpty()) {
      return null;
    }
    Long generation = instrumentation.getMetadata().getGeneration();
    for (RolledBackWorkload record : records) {
      if (Objects.equals(record.getGeneration(), generation) && namespace.equals(record.getNamespace())
          && record.getName() != null && record.getName().equals(owners.names().get(record.getKind()))) {
        return record;
      }
    }
    return null;
  }

  /** What the pod's outcome says: which agent broke what, when, and how to try again. */
  public static String why(RolledBackWorkload record, String instrumentation) {
    return "rolled back: with " + (record.getAgents() == null ? "the agent" : String.join(", ", record.getAgents()))
        + " from Instrumentation " + instrumentation + ", " + record.getKind() + " " + record.getNamespace() + "/"
        + record.getName() + " failed (" + record.getReason() + ": " + record.getMessage() + ") at " + record.getAt()
        + "; it is not injected until the Instrumentation's spec changes (spec.rollback.retry is there for that)";
  }
}
