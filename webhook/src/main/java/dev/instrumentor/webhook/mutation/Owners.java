package dev.instrumentor.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The workloads that own a pod, by kind, derived without API calls: a ReplicaSet owner named
 * {@code <deployment>-<pod-template-hash>} gives its Deployment; a Job named
 * {@code <cronjob>-<scheduled time in minutes since the epoch>}, whose pods carry the Job controller's
 * labels and whose time is a recent one, gives its CronJob.
 *
 * @param names    kind to name, e.g. {@code Deployment -> checkout}
 * @param ownerUid the UID of the direct controller, when known, keyed by its kind
 */
public record Owners(Map<String, String> names, Map<String, String> ownerUid) {

  public static final String DEPLOYMENT = "Deployment";
  public static final String REPLICA_SET = "ReplicaSet";
  public static final String STATEFUL_SET = "StatefulSet";
  public static final String DAEMON_SET = "DaemonSet";
  public static final String JOB = "Job";
  public static final String CRON_JOB = "CronJob";

  /** The order in which an owner names the service: the most stable name first. */
  private static final List<String> SERVICE_NAME_ORDER =
      List.of(DEPLOYMENT, STATEFUL_SET, DAEMON_SET, CRON_JOB, JOB, REPLICA_SET);

  private static final String POD_TEMPLATE_HASH = "pod-template-hash";

  /** The kinds with resource attributes, in their order, and those attributes' keys. */
  private static final List<String> ATTRIBUTE_KINDS = List.of(DEPLOYMENT, REPLICA_SET, STATEFUL_SET, DAEMON_SET, CRON_JOB, JOB);
  private static final List<String> NAME_ATTRIBUTES = ATTRIBUTE_KINDS.stream()
      .map(kind -> "k8s." + kind.toLowerCase(Locale.ROOT) + ".name").toList();
  private static final List<String> UID_ATTRIBUTES = ATTRIBUTE_KINDS.stream()
      .map(kind -> "k8s." + kind.toLowerCase(Locale.ROOT) + ".uid").toList();

  public Owners {
    names = Map.copyOf(names);
    ownerUid = Map.copyOf(ownerUid);
  }

  public static Owners none() {
    return new Owners(Map.of(), Map.of());
  }

  /** The pod template of workload {@code kind/name}, as in a manifest (no controller has run yet). */
  public static Owners ofWorkload(String kind, String name) {
    return new Owners(Map.of(kind, name), Map.of());
  }

  /** Owners read from a pod's controller reference and labels. */
  public static Owners fromPod(ObjectMeta metadata) {
    return metadata == null ? none() : fromPod(PodJson.tree(metadata));
  }

  /** Owners read from the {@code metadata} of a pod's JSON: its controller reference and labels. */
  public static Owners fromPod(JsonNode metadata) {
    return fromPod(metadata, Instant.now());
  }

  /** As {@link #fromPod(JsonNode)}, at {@code now} (a CronJob's Jobs are named after a recent time). */
  static Owners fromPod(JsonNode metadata, Instant now) {
    JsonNode controller = controllerOf(metadata);
    String kind = controller == null ? "" : PodJson.text(controller, "kind");
    String name = controller == null ? "" : PodJson.text(controller, "name");
    if (kind.isEmpty() || name.isEmpty()) {
      return none();
    }
    Map<String, String> names = new LinkedHashMap<>();
    names.put(kind, name);
    if (REPLICA_SET.equals(kind)) {
      String hash = PodJson.text(metadata.path("labels"), POD_TEMPLATE_HASH);
      if (!hash.isEmpty() && name.endsWith("-" + hash)) {
        names.put(DEPLOYMENT, name.substring(0, name.length() - hash.length() - 1));
      }
    } else if (JOB.equals(kind) && createdByJobController(metadata.path("labels"), name)) {
      cronJobOf(name, now).ifPresent(cronJob -> names.put(CRON_JOB, cronJob));
    }
    String uid = PodJson.text(controller, "uid");
    return new Owners(names, uid.isEmpty() ? Map.of() : Map.of(kind, uid));
  }

  /** The reference marked controller, else the first one. */
  private static JsonNode controllerOf(JsonNode metadata) {
    JsonNode first = null;
    for (JsonNode reference : metadata.path("ownerReferences")) {
      if (reference.path("controller").asBoolean(false)) {
        return reference;
      }
      if (first == null) {
        first = reference;
      }
    }
    return first;
  }

  /** The Job controller labels its pods with the Job's name ({@code batch.kubernetes.io/job-name}, or {@code job-name}). */
  private static boolean createdByJobController(JsonNode labels, String jobName) {
    return jobName.equals(PodJson.text(labels, "batch.kubernetes.io/job-name"))
        || jobName.equals(PodJson.text(labels, "job-name"));
  }

  /** How far back a CronJob's Job may have been scheduled when its pods are created (retries included). */
  static final Duration CRON_JOB_PAST = Duration.ofDays(90);

  /**
   * The CronJob controller names Jobs {@code <cronjob>-<scheduled time in minutes since the epoch>}.
   * Any Job may end in digits ({@code db-migrate-20250101}): only a time within the last 90 days (and
   * not after {@code now}) is taken as the CronJob's evidence.
   */
  static Optional<String> cronJobOf(String jobName, Instant now) {
    int dash = jobName.lastIndexOf('-');
    if (dash <= 0 || jobName.length() - dash - 1 < 8 || jobName.length() - dash - 1 > 12) {
      return Optional.empty();
    }
    for (int i = dash + 1; i < jobName.length(); i++) {
      if (!Character.isDigit(jobName.charAt(i))) {
        return Optional.empty();
      }
    }
    Instant scheduled = Instant.ofEpochSecond(Long.parseLong(jobName.substring(dash + 1)) * 60);
    if (scheduled.isAfter(now.plus(Duration.ofMinutes(1))) || scheduled.isBefore(now.minus(CRON_JOB_PAST))) {
      return Optional.empty();
    }
    return Optional.of(jobName.substring(0, dash));
  }

  /** The name of the most stable owning workload, for OTEL_SERVICE_NAME. */
  public Optional<String> serviceName() {
    return SERVICE_NAME_ORDER.stream().map(names::get).filter(n -> n != null).findFirst();
  }

  /** {@code k8s.deployment.name} and the like, in a stable order. */
  public Map<String, String> resourceAttributes(boolean withUids) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int k = 0; k < ATTRIBUTE_KINDS.size(); k++) {
      String kind = ATTRIBUTE_KINDS.get(k);
      String name = names.get(kind);
      if (name != null) {
        attributes.put(NAME_ATTRIBUTES.get(k), name);
        if (withUids && ownerUid.containsKey(kind)) {
          attributes.put(UID_ATTRIBUTES.get(k), ownerUid.get(kind));
        }
      }
    }
    return attributes;
  }
}
