package dev.instrumentor.operator.fleet;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out spec.rollback, one step per reconcile, from {@link Health}'s verdicts: a workload whose injected
 * pods fail is recorded in the Instrumentation's status (the webhook then skips its pods), and once the
 * webhook's cache has the record, restarted once without the agent. The records are the status's, carried
 * from one status to the next while the generation stays; a new generation drops them (the agent is tried
 * again). Nothing of the user's is edited but the pod template's restart annotations, as a rollout's.
 */
public final class Rollbacks {

  /** Records kept per Instrumentation (status.rollbacks' bound). */
  public static final int MAX_RECORDS = 100;
  /** How soon to look again while a record waits to reach the webhook's cache. */
  static final Duration SETTLE = Duration.ofSeconds(2);
  /** How soon to try a restart again that the API server failed (not refused). */
  static final Duration RETRY = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(Rollbacks.class);

  private final Workloads workloads;
  private final EventRecorder events;

  public Rollbacks(Workloads workloads, EventRecorder events) {
    this.workloads = workloads;
    this.events = events;
  }

  /**
   * The records after this step, and when to look again (null: not for this).
   *
   * @param added the workloads rolled back in this step
   */
  public record Step(List<RolledBackWorkload> records, List<RolledBackWorkload> added, Duration recheckIn) {
  }

  /**
   * @param previous     the records written before (any generation)
   * @param verdicts     the workloads with failing injected pods
   * @param seenByWebhook whether the webhook's cache has a record (it skips the workload's new pods)
   */
  public Step step(Instrumentation instrumentation, long generation, List<RolledBackWorkload> previous,
      List<Health.Verdict> verdicts, Predicate<RolledBackWorkload> seenByWebhook, Instant now) {
    String key = Fleet.key(instrumentation);
    List<RolledBackWorkload> records = new ArrayList<>();
    for (RolledBackWorkload record : previous == null ? List.<RolledBackWorkload>of() : previous) {
      if (Objects.equals(record.getGeneration(), generation)) {
        records.add(copy(record)); // the previous status may be the cache's: never changed in place
      } else {
        events.record(Workloads.reference(workload(record)), "Normal", "RollbackRetried", "Rollback",
            "generation " + generation + " of Instrumentation " + key + " tries the agent again (rolled back at generation "
                + record.getGeneration() + "); its new pods are injected");
      }
    }
    List<RolledBackWorkload> added = new ArrayList<>();
    for (Health.Verdict verdict : verdicts) {
      if (!verdict.rollBack() || records.stream().anyMatch(r -> same(r, verdict.workload()))) {
        continue;
      }
      if (records.size() >= MAX_RECORDS) {
        LOG.warn("{} has {} workloads rolled back: {} is not recorded", key, records.size(), verdict.workload());
        continue;
      }
      RolledBackWorkload record = record(verdict, generation, now);
      records.add(record);
      added.add(record);
      String message = "rolled back: its pods with " + (record.getAgents().isEmpty() ? "the agent"
          : String.join(", ", record.getAgents())) + " from Instrumentation " + key + "@" + generation + " failed ("
          + record.getReason() + ": " + record.getMessage() + "); its pods are not injected until the Instrumentation's"
          + " spec changes (spec.rollback.retry is there for that)";
      LOG.warn("{} {}", verdict.workload(), message);
      events.record(Workloads.reference(verdict.workload()), "Warning", "AgentRolledBack", "Rollback", message);
      events.record(instrumentation, "Warning", "AgentRolledBack", "Rollback", verdict.workload() + " " + message);
    }
    Duration recheck = null;
    for (RolledBackWorkload record : records) {
      if (record.getRestartedAt() != null || record.getNotRestarted() != null) {
        continue;
      }
      if (!seenByWebhook.test(record)) {
        recheck = SETTLE; // restarted only once the webhook skips the new pods
        continue;
      }
      if (!restart(record, key + "@" + generation, now)) {
        recheck = RETRY; // the API server did not answer: tried again
      }
    }
    return new Step(records, added, recheck);
  }

  private static RolledBackWorkload record(Health.Verdict verdict, long generation, Instant now) {
    RolledBackWorkload record = new RolledBackWorkload();
    record.setKind(verdict.workload().kind());
    record.setNamespace(verdict.workload().namespace());
    record.setName(verdict.workload().name());
    record.setLanguages(List.copyOf(verdict.languages()));
    record.setAgents(verdict.agents());
    record.setGeneration(generation);
    record.setReason(verdict.failure().reason());
    String message = verdict.failure().message() + (verdict.failing() > 1 ? "; " + verdict.failing() + " pods failing" : "");
    record.setMessage(message.length() > 256 ? message.substring(0, 253) + "..." : message);
    record.setAt(now.toString());
    return record;
  }

  /**
   * Restarts the workload once, without the agent (its new pods are skipped); says why not where it cannot.
   *
   * @return false when the API server failed to answer (tried again later)
   */
  private boolean restart(RolledBackWorkload record, String reference, Instant now) {
    Fleet.Workload workload = workload(record);
    String reason = "rollback " + reference;
    try {
      HasMetadata live = workloads.get(workload.kind(), workload.namespace(), workload.name());
      String why = live == null ? "it is gone" : Workloads.whyNotRestartable(live);
      if (why != null) {
        record.setNotRestarted(why);
        events.record(Workloads.reference(workload), "Warning", "RollbackNotRestarted", "Rollback", "not restarted"
            + " without the agent: " + why + "; delete its failing pods and the new ones start without it");
        return true;
      }
      String restartedAt = Workloads.restartedAt(live);
      if (reason.equals(Workloads.restartedFor(live)) && notBefore(restartedAt, record.getAt())) {
        // restarted before, and the status that said so was not written (a conflict, a lost leader): not again
        record.setRestartedAt(restartedAt);
        return true;
      }
      workloads.restart(workload, reason, now);
      record.setRestartedAt(now.toString());
    } catch (KubernetesClientException e) {
      LOG.warn("could not restart {} to roll it back: {}", workload, e.getMessage());
      if (worthRetrying(e.getCode())) {
        return false; // unreachable, throttled, a conflict, a server error: tried again
      }
      record.setNotRestarted("the API server refused the restart: " + e.getMessage());
      events.record(Workloads.reference(workload), "Warning", "RollbackNotRestarted", "Rollback",
          "could not restart it without the agent: " + e.getMessage() + "; delete its failing pods");
      return true;
    }
    LOG.info("restarted {} without the agent of {}", workload, reference);
    events.record(Workloads.reference(workload), "Normal", "RestartedWithoutAgent", "Rollback",
        "restarted so that its pods run without the agent of " + reference
            + (workload.kind().equals("StatefulSet") ? "; a StatefulSet does not replace a pod that is not Ready:"
            + " delete its failing pods" : ""));
    return true;
  }

  /** No answer (0), a timeout, a conflict, throttling or a server error: worth trying again; other codes refuse. */
  static boolean worthRetrying(int code) {
    return code == 0 || code == HttpURLConnection.HTTP_CLIENT_TIMEOUT || code == HttpURLConnection.HTTP_CONFLICT
        || code == 429 || code >= HttpURLConnection.HTTP_INTERNAL_ERROR;
  }

  /** Whether time {@code at} (RFC 3339, any offset) is not before {@code since}; false when either does not parse. */
  static boolean notBefore(String at, String since) {
    try {
      return at != null && since != null && !OffsetDateTime.parse(at).toInstant().isBefore(OffsetDateTime.parse(since)
          .toInstant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static RolledBackWorkload copy(RolledBackWorkload record) {
    RolledBackWorkload copy = new RolledBackWorkload();
    copy.setKind(record.getKind());
    copy.setNamespace(record.getNamespace());
    copy.setName(record.getName());
    copy.setLanguages(record.getLanguages());
    copy.setAgents(record.getAgents());
    copy.setGeneration(record.getGeneration());
    copy.setReason(record.getReason());
    copy.setMessage(record.getMessage());
    copy.setAt(record.getAt());
    copy.setRestartedAt(record.getRestartedAt());
    copy.setNotRestarted(record.getNotRestarted());
    return copy;
  }

  private static boolean same(RolledBackWorkload record, Fleet.Workload workload) {
    return record.is(workload.kind(), workload.namespace(), workload.name());
  }

  private static Fleet.Workload workload(RolledBackWorkload record) {
    return new Fleet.Workload(record.getKind(), record.getNamespace(), record.getName());
  }
}
