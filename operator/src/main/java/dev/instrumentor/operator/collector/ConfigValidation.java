package dev.instrumentor.operator.collector;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.webhook.json.KubeSerialization;
import dev.instrumentor.webhook.sidecar.CollectorContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Pure code: a config is rolled out only once the collector image itself accepts it. A short Job runs
 * the image's own {@code validate} command on the rendered config, with the collector's environment
 * (so {@code ${env:...}} expands as in its pods), arguments (feature gates) and volumes; the kubelet
 * keeps the collector's last output lines as the container's termination message
 * ({@code FallbackToLogsOnError}), which is how its own words reach the status. The Job is named after
 * a hash of everything that can change the verdict, so a verdict is never taken for another config.
 */
public final class ConfigValidation {

  /** The variable the candidate config travels in ({@code --config=env:...}): no ConfigMap is touched before the verdict. */
  static final String CONFIG_ENV = "INSTRUMENTOR_CANDIDATE_CONFIG";
  /** Label of the validation Jobs and their pods: the collector's name (never its selector labels: no Service sends them traffic). */
  public static final String COLLECTOR_LABEL = "instrumentor.dev/validates-collector";
  /** How long a validation may take, image pull included, before it is given up. */
  static final long DEADLINE_SECONDS = 120;
  /** Finished Jobs are removed by the API server's TTL controller after this long. */
  static final int TTL_SECONDS = 600;
  private static final KubernetesSerialization JSON = KubeSerialization.SHARED;

  private ConfigValidation() {
  }

  /** What the validation says so far. */
  public enum State {
    /** Not finished yet. */
    RUNNING,
    /** The collector accepted the config. */
    ACCEPTED,
    /** The collector refused it; the message is its own. */
    REFUSED,
    /** It could not run (image not pulled, no node, deadline, killed): no verdict on the config. */
    NOT_RUN
  }

  /** A state with its message. */
  public record Verdict(State state, String message) {
  }

  /**
   * A hash of what the verdict depends on: the image, the rendered config, the environment, the
   * arguments and the volumes.
   */
  public static String key(TelemetryCollector collector, String image, String configYaml) {
    TelemetryCollectorSpec spec = collector.getSpec();
    return CollectorManifests.hash(String.join("\n", image, configYaml, JSON.asJson(nullToEmpty(spec.getEnv())),
        JSON.asJson(nullToEmpty(spec.getEnvFrom())), JSON.asJson(spec.getArgs() == null ? Map.of() : new TreeMap<>(spec.getArgs())),
        JSON.asJson(nullToEmpty(spec.getVolumes())), JSON.asJson(nullToEmpty(spec.getVolumeMounts()))));
  }

  private static List<?> nullToEmpty(List<?> list) {
    return list == null ? List.of() : list;
  }

  /** The Job's name: the collector's resource name (shortened to fit a label value) and the key's first 10 digits. */
  public static String jobName(TelemetryCollector collector, String key) {
    String base = CollectorManifests.name(collector);
    if (base.length() > 43) {
      base = base.substring(0, 43).replaceAll("-+$", "");
    }
    return base + "-validate-" + key.substring(0, 10);
  }

  /** The validation Job of {@code configYaml}, owned by the collector (collected with it). */
  public static Job job(TelemetryCollector collector, String image, String configYaml, String key) {
    TelemetryCollectorSpec spec = collector.getSpec();
    Container container = CollectorContainer.container(spec, image, List.of(), null);
    List<String> args = new ArrayList<>();
    args.add("validate");
    args.add("--config=env:" + CONFIG_ENV);
    // the spec's own arguments (feature gates change what validates) after ours, not the pods' --config
    container.getArgs().stream().filter(arg -> !arg.startsWith("--config=" + CollectorContainer.CONFIG_DIR)).forEach(args::add);
    container.setName("validate");
    container.setArgs(args);
    List<EnvVar> env = new ArrayList<>(container.getEnv());
    env.add(new EnvVarBuilder().withName(CONFIG_ENV).withValue(configYaml).build());
    container.setEnv(env);
    // the pods' config volume holds the config running now (or does not exist yet): not mounted
    container.setVolumeMounts(spec.getVolumeMounts());
    container.setTerminationMessagePolicy("FallbackToLogsOnError");
    container.setResources(new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("50m")).addToRequests("memory", new Quantity("128Mi"))
        .addToLimits("memory", new Quantity("512Mi")).build());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/managed-by", "instrumentor");
    labels.put(COLLECTOR_LABEL, collector.getMetadata().getName());
    Map<String, String> podAnnotations = new LinkedHashMap<>();
    // never instrumented, whatever the namespace asks for
    for (Language language : Language.values()) {
      podAnnotations.put(language.injectAnnotation(), "false");
    }
    podAnnotations.put(InstrumentorAnnotations.INJECT_SIDECAR, "false");
    boolean ownAccount = CollectorPermissions.ownServiceAccount(collector);
    return new JobBuilder()
        .withNewMetadata().withName(jobName(collector, key)).withNamespace(collector.getMetadata().getNamespace())
          .withLabels(labels).withOwnerReferences(CollectorManifests.owner(collector)).endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(DEADLINE_SECONDS)
          .withTtlSecondsAfterFinished(TTL_SECONDS)
          .withNewTemplate()
            .withNewMetadata().withLabels(labels).withAnnotations(podAnnotations).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              // the collector's own account may not exist before the first rollout; the config needs no token
              .withServiceAccountName(ownAccount ? spec.getServiceAccount() : null)
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withSecurityContext(spec.getPodSecurityContext() != null ? spec.getPodSecurityContext()
                  : CollectorContainer.restrictedPod())
              .withContainers(container)
              .withVolumes(spec.getVolumes())
              .withNodeSelector(spec.getNodeSelector())
              .withTolerations(spec.getTolerations())
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  /** The verdict of {@code job} (null: not created yet), its pods (read only when it failed) giving the collector's own words. */
  public static Verdict verdict(Job job, Supplier<List<Pod>> pods) {
    if (job == null || job.getStatus() == null) {
      return new Verdict(State.RUNNING, null);
    }
    if (job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0) {
      return new Verdict(State.ACCEPTED, null);
    }
    JobCondition failed = job.getStatus().getConditions() == null ? null : job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
    if (failed == null) {
      return new Verdict(State.RUNNING, null);
    }
    for (Pod pod : pods.get()) {
      List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
      for (ContainerStatus status : statuses == null ? List.<ContainerStatus>of() : statuses) {
        ContainerStateTerminated terminated = status.getState() == null ? null : status.getState().getTerminated();
        if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0
            && !"OOMKilled".equals(terminated.getReason())) {
          return new Verdict(State.REFUSED, words(terminated.getMessage()));
        }
        if (status.getState() != null && status.getState().getWaiting() != null) {
          return new Verdict(State.NOT_RUN, "Job " + job.getMetadata().getName() + " " + failed.getReason() + ": its"
              + " container was still waiting (" + status.getState().getWaiting().getReason() + ": "
              + status.getState().getWaiting().getMessage() + ")");
        }
        if (terminated != null) {
          return new Verdict(State.NOT_RUN, "Job " + job.getMetadata().getName() + ": the container was "
              + terminated.getReason());
        }
      }
    }
    return new Verdict(State.NOT_RUN, "Job " + job.getMetadata().getName() + " " + failed.getReason() + ": "
        + failed.getMessage());
  }

  /**
   * The collector's output as one line: from its last {@code Error: } on (cobra's; the reason spans
   * several lines, e.g. {@code 'debugexporter.Config' has invalid keys: verbosty}), else the last line.
   */
  static String words(String message) {
    if (message == null || message.isBlank()) {
      return "the collector exited with an error and printed nothing";
    }
    List<String> lines = message.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    int from = lines.size() - 1;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("Error: ")) {
        from = i;
        break;
      }
    }
    String words = String.join(" ", lines.subList(from, lines.size())).replaceFirst("^Error: ", "");
    return words.length() > 1500 ? words.substring(0, 1500) + "..." : words;
  }
}
