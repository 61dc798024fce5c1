package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

  private static final String CONFIG = "exporters:\n  debug:\n    verbosty: basic\n";

  private static TelemetryCollector collector() {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName("gateway");
    collector.getMetadata().setNamespace("observability");
    collector.getMetadata().setUid("uid-1");
    collector.setSpec(new TelemetryCollectorSpec());
    collector.getSpec().setEnv(List.of(new EnvVarBuilder().withName("API_KEY").withNewValueFrom().withNewSecretKeyRef()
        .withName("creds").withKey("key").endSecretKeyRef().endValueFrom().build()));
    collector.getSpec().setArgs(Map.of("feature-gates", "-component.UseLocalHostAsDefaultHost"));
    return collector;
  }

  @Test
  void theJobRunsTheImagesValidateOnTheCandidateWithTheCollectorsEnvironmentAndNoTraffic() {
    TelemetryCollector collector = collector();
    String key = ConfigValidation.key(collector, "otel/opentelemetry-collector-contrib:0.158.0", CONFIG);
    Job job = ConfigValidation.job(collector, "otel/opentelemetry-collector-contrib:0.158.0", CONFIG, key);
    assertThat(job.getMetadata().getName()).isEqualTo("gateway-collector-validate-" + key.substring(0, 10));
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> assertThat(owner.getUid())
        .isEqualTo("uid-1"));
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(ConfigValidation.DEADLINE_SECONDS);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(ConfigValidation.TTL_SECONDS);
    // never a Service endpoint: not the collector's selector labels
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .doesNotContainKey("app.kubernetes.io/instance").containsEntry(ConfigValidation.COLLECTOR_LABEL, "gateway");
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("instrumentor.dev/inject-java", "false");
    assertThat(job.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName()).as("the namespace's default").isNull();
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs()).containsExactly("validate", "--config=env:" + ConfigValidation.CONFIG_ENV,
        "--feature-gates=-component.UseLocalHostAsDefaultHost");
    assertThat(container.getEnv()).anySatisfy(env -> assertThat(env.getName()).isEqualTo("API_KEY"))
        .anySatisfy(env -> assertThat(env.getValue()).isEqualTo(CONFIG));
    assertThat(container.getVolumeMounts()).as("the running config's ConfigMap is not mounted").isNullOrEmpty();
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void theKeyChangesWithWhatTheVerdictDependsOn() {
    TelemetryCollector collector = collector();
    String key = ConfigValidation.key(collector, "image:1", CONFIG);
    assertThat(ConfigValidation.key(collector(), "image:1", CONFIG)).isEqualTo(key);
    // the same arguments in another order (a map read another way) are the same config: no second Job
    TelemetryCollector reordered = collector();
    Map<String, String> args = new LinkedHashMap<>();
    args.put("b", "2");
    args.put("a", "1");
    reordered.getSpec().setArgs(args);
    TelemetryCollector ordered = collector();
    ordered.getSpec().setArgs(new TreeMap<>(args));
    assertThat(ConfigValidation.key(reordered, "image:1", CONFIG)).isEqualTo(ConfigValidation.key(ordered, "image:1", CONFIG));
    assertThat(ConfigValidation.key(collector, "image:2", CONFIG)).isNotEqualTo(key);
    assertThat(ConfigValidation.key(collector, "image:1", CONFIG + "#")).isNotEqualTo(key);
    collector.getSpec().setEnv(List.of());
    assertThat(ConfigValidation.key(collector, "image:1", CONFIG)).isNotEqualTo(key);
    collector.getMetadata().setName("a-very-long-collector-name-that-goes-on-and-on-and-on");
    assertThat(ConfigValidation.jobName(collector, key)).hasSizeLessThanOrEqualTo(63);
  }

  private static Job job(String conditionType, String reason) {
    JobBuilder job = new JobBuilder().withNewMetadata().withName("gateway-collector-validate-1").endMetadata().withNewStatus()
        .endStatus();
    if (conditionType != null) {
      job.editStatus().addNewCondition().withType(conditionType).withStatus("True").withReason(reason)
          .withMessage("Job has reached the specified backoff limit").endCondition().endStatus();
    }
    if ("Complete".equals(conditionType)) {
      job.editStatus().withSucceeded(1).endStatus();
    }
    return job.build();
  }

  private static Pod terminated(int exitCode, String reason, String message) {
    return new PodBuilder().withNewStatus().addNewContainerStatus().withName("validate").withNewState().withNewTerminated()
        .withExitCode(exitCode).withReason(reason).withMessage(message).endTerminated().endState().endContainerStatus()
        .endStatus().build();
  }

  @Test
  void theVerdictIsTheCollectorsOwnWords() {
    assertThat(ConfigValidation.verdict(null, List::of).state()).isEqualTo(ConfigValidation.State.RUNNING);
    assertThat(ConfigValidation.verdict(job(null, null), List::of).state()).isEqualTo(ConfigValidation.State.RUNNING);
    assertThat(ConfigValidation.verdict(job("Complete", null), List::of).state()).isEqualTo(ConfigValidation.State.ACCEPTED);
    String output = "Error: failed to get config: cannot unmarshal the configuration: decoding failed due to the"
        + " following error(s):\n\n'exporters' error reading configuration for \"debug\": decoding failed due to the"
        + " following error(s):\n\n'debugexporter.Config' has invalid keys: verbosty\n";
    ConfigValidation.Verdict refused = ConfigValidation.verdict(job("Failed", "BackoffLimitExceeded"),
        () -> List.of(terminated(1, "Error", "2026-12-02T08:00:00Z info starting\n" + output)));
    assertThat(refused.state()).isEqualTo(ConfigValidation.State.REFUSED);
    assertThat(refused.message()).startsWith("failed to get config: cannot unmarshal")
        .endsWith("'debugexporter.Config' has invalid keys: verbosty").doesNotContain("\n").doesNotContain("starting");
    // killed, never started, or gone: no verdict on the config
    assertThat(ConfigValidation.verdict(job("Failed", "BackoffLimitExceeded"),
        () -> List.of(terminated(137, "OOMKilled", ""))).state()).isEqualTo(ConfigValidation.State.NOT_RUN);
    ConfigValidation.Verdict waiting = ConfigValidation.verdict(job("Failed", "DeadlineExceeded"), () -> List.of(
        new PodBuilder().withNewStatus().addNewContainerStatus().withName("validate").withNewState().withNewWaiting()
            .withReason("ImagePullBackOff").withMessage("Back-off pulling image").endWaiting().endState()
            .endContainerStatus().endStatus().build()));
    assertThat(waiting.state()).isEqualTo(ConfigValidation.State.NOT_RUN);
    assertThat(waiting.message()).contains("DeadlineExceeded", "ImagePullBackOff");
    assertThat(ConfigValidation.verdict(job("Failed", "DeadlineExceeded"), List::of).message())
        .contains("DeadlineExceeded");
    assertThat(ConfigValidation.words("")).contains("printed nothing");
  }
}
