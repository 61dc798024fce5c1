package dev.instrumentor.operator.fleet;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.WorkloadRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Restarts and watches the workloads a rollout touches, as {@code kubectl rollout restart} does: the pod
 * template's {@code kubectl.kubernetes.io/restartedAt}, plus {@code instrumentor.dev/restarted-for}
 * naming the Instrumentation and generation, so a workload is restarted once per generation.
 */
public final class Workloads {

  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  public static final String RESTARTED_FOR = InstrumentorAnnotations.RESTARTED_FOR;
  /** StatefulSets and DaemonSets have no progress deadline of their own: as a Deployment's default. */
  static final Duration DEADLINE = Duration.ofMinutes(10);

  private final KubernetesClient client;

  public Workloads(KubernetesClient client) {
    this.client = client;
  }

  /** The workload, or null when it is gone. */
  public HasMetadata get(String kind, String namespace, String name) {
    return switch (kind) {
      case "Deployment" -> client.apps().deployments().inNamespace(namespace).withName(name).get();
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(namespace).withName(name).get();
      case "DaemonSet" -> client.apps().daemonSets().inNamespace(namespace).withName(name).get();
      default -> null;
    };
  }

  /**
   * Why a restart would not roll it, or null: a paused Deployment, a StatefulSet or DaemonSet that
   * updates pods only when they are deleted, or a partitioned StatefulSet. Those are reported only.
   */
  public static String whyNotRestartable(HasMetadata workload) {
    if (workload instanceof Deployment d && Boolean.TRUE.equals(d.getSpec().getPaused())) {
      return "the Deployment is paused";
    }
    if (workload instanceof StatefulSet s && s.getSpec().getUpdateStrategy() != null) {
      var strategy = s.getSpec().getUpdateStrategy();
      if ("OnDelete".equals(strategy.getType())) {
        return "its updateStrategy is OnDelete";
      }
      if (strategy.getRollingUpdate() != null && strategy.getRollingUpdate().getPartition() != null
          && strategy.getRollingUpdate().getPartition() > 0) {
        return "its rolling update is partitioned";
      }
    }
    if (workload instanceof DaemonSet d && d.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(d.getSpec().getUpdateStrategy().getType())) {
      return "its updateStrategy is OnDelete";
    }
    return null;
  }

  /** When its pod template says it was last restarted, or null. */
  public static String restartedAt(HasMetadata workload) {
    return templateAnnotation(workload, RESTARTED_AT);
  }

  /** What its pod template says it was last restarted for, or null. */
  public static String restartedFor(HasMetadata workload) {
    return templateAnnotation(workload, RESTARTED_FOR);
  }

  private static String templateAnnotation(HasMetadata workload, String key) {
    PodTemplateSpec template = template(workload);
    Map<String, String> annotations = template == null || template.getMetadata() == null ? null
        : template.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** Restarts it (a merge patch of two pod-template annotations). */
  public void restart(Fleet.Workload workload, String reason, Instant now) {
    String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RESTARTED_AT + "\":\"" + now
        + "\",\"" + RESTARTED_FOR + "\":\"" + reason + "\"}}}}}";
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    switch (workload.kind()) {
      case "Deployment" -> client.apps().deployments().inNamespace(workload.namespace()).withName(workload.name())
          .patch(merge, patch);
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(workload.namespace()).withName(workload.name())
          .patch(merge, patch);
      case "DaemonSet" -> client.apps().daemonSets().inNamespace(workload.namespace()).withName(workload.name())
          .patch(merge, patch);
      default -> throw new IllegalArgumentException("not restartable: " + workload);
    }
  }

  /** How a restarted workload is doing. */
  public RolloutPlanner.Observed observe(WorkloadRef ref, Instant now) {
    return progress(get(ref.getKind(), ref.getNamespace(), ref.getName()), Instant.parse(ref.getRestartedAt()), now);
  }

  /** Pure: available once every replica runs the new template; failed past its progress deadline. */
  static RolloutPlanner.Observed progress(HasMetadata workload, Instant restartedAt, Instant now) {
    if (workload == null) {
      return new RolloutPlanner.Observed(RolloutPlanner.Progress.GONE, null);
    }
    long generation = workload.getMetadata().getGeneration() == null ? 0 : workload.getMetadata().getGeneration();
    boolean late = now.isAfter(restartedAt.plus(DEADLINE));
    if (workload instanceof Deployment d) {
      var status = d.getStatus();
      // only a verdict on the restarted template counts (the condition may still be the old one's)
      if (status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= generation
          && status.getConditions() != null && status.getConditions().stream().anyMatch(c ->
          "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
              && "ProgressDeadlineExceeded".equals(c.getReason()))) {
        return new RolloutPlanner.Observed(RolloutPlanner.Progress.FAILED, "its progress deadline was exceeded");
      }
      int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      boolean done = status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= generation
          && nz(status.getUpdatedReplicas()) == replicas && nz(status.getAvailableReplicas()) == replicas
          && nz(status.getReplicas()) == replicas;
      return new RolloutPlanner.Observed(done ? RolloutPlanner.Progress.AVAILABLE : RolloutPlanner.Progress.PROGRESSING,
          null);
    }
    boolean done = false;
    if (workload instanceof StatefulSet s && s.getStatus() != null) {
      int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
      var status = s.getStatus();
      done = status.getObservedGeneration() != null && status.getObservedGeneration() >= generation
          && Objects.equals(status.getCurrentRevision(), status.getUpdateRevision())
          && nz(status.getReadyReplicas()) == replicas && nz(status.getUpdatedReplicas()) == replicas;
    } else if (workload instanceof DaemonSet d && d.getStatus() != null) {
      var status = d.getStatus();
      done = status.getObservedGeneration() != null && status.getObservedGeneration() >= generation
          && nz(status.getUpdatedNumberScheduled()) == nz(status.getDesiredNumberScheduled())
          && nz(status.getNumberAvailable()) == nz(status.getDesiredNumberScheduled());
    }
    if (done) {
      return new RolloutPlanner.Observed(RolloutPlanner.Progress.AVAILABLE, null);
    }
    return late ? new RolloutPlanner.Observed(RolloutPlanner.Progress.FAILED, "not available "
        + DEADLINE.toMinutes() + " minutes after its restart")
        : new RolloutPlanner.Observed(RolloutPlanner.Progress.PROGRESSING, null);
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }

  private static PodTemplateSpec template(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return d.getSpec().getTemplate();
    }
    if (workload instanceof StatefulSet s) {
      return s.getSpec().getTemplate();
    }
    if (workload instanceof DaemonSet d) {
      return d.getSpec().getTemplate();
    }
    return null;
  }

  /** An Event's reference to a workload (apps/v1, or v1 for a bare pod). */
  public static ObjectReference reference(Fleet.Workload workload) {
    String apiVersion = switch (workload.kind()) {
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet" -> "apps/v1";
      case "Job", "CronJob" -> "batch/v1";
      default -> "v1";
    };
    return new ObjectReferenceBuilder().withApiVersion(apiVersion).withKind(workload.kind())
        .withNamespace(workload.namespace()).withName(workload.name()).build();
  }
}
