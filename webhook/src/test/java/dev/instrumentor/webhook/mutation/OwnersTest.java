package dev.instrumentor.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnersTest {

  private static ObjectMeta owned(String kind, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder().withLabels(labels)
        .addNewOwnerReference().withKind(kind).withName(name).withUid("uid-1").withController(true).endOwnerReference()
        .build();
  }

  @Test
  void deploymentFromReplicaSetNameAndTemplateHash() {
    Owners owners = Owners.fromPod(owned("ReplicaSet", "checkout-api-5d8f7c9b4", Map.of("pod-template-hash", "5d8f7c9b4")));
    assertThat(owners.serviceName()).contains("checkout-api");
    assertThat(owners.resourceAttributes(false)).containsExactly(
        Map.entry("k8s.deployment.name", "checkout-api"), Map.entry("k8s.replicaset.name", "checkout-api-5d8f7c9b4"));
    assertThat(owners.resourceAttributes(true)).containsEntry("k8s.replicaset.uid", "uid-1")
        .doesNotContainKey("k8s.deployment.uid");
  }

  @Test
  void bareReplicaSetWithoutMatchingHashIsNotADeployment() {
    Owners owners = Owners.fromPod(owned("ReplicaSet", "legacy-rs", Map.of("pod-template-hash", "abc")));
    assertThat(owners.serviceName()).contains("legacy-rs");
    assertThat(owners.resourceAttributes(false)).containsExactly(Map.entry("k8s.replicaset.name", "legacy-rs"));
  }

  @Test
  void statefulSetAndDaemonSetDirectly() {
    assertThat(Owners.fromPod(owned("StatefulSet", "kafka", Map.of())).resourceAttributes(false))
        .containsExactly(Map.entry("k8s.statefulset.name", "kafka"));
    assertThat(Owners.fromPod(owned("DaemonSet", "node-agent", Map.of())).serviceName()).contains("node-agent");
  }

  /** 2025-11-16T00:00Z, as minutes since the epoch: the suffix the CronJob controller gives that run's Job. */
  private static final long SCHEDULED_MINUTES = 29387520;
  private static final Instant AN_HOUR_LATER = Instant.ofEpochSecond(SCHEDULED_MINUTES * 60).plusSeconds(3600);

  private static Owners jobPod(String jobName, Instant now) {
    return Owners.fromPod(PodJson.tree(owned("Job", jobName, Map.of("batch.kubernetes.io/job-name", jobName,
        "job-name", jobName))), now);
  }

  @Test
  void cronJobFromTheJobNameWhenItEndsInARecentScheduledMinute() {
    Owners owners = jobPod("nightly-report-" + SCHEDULED_MINUTES, AN_HOUR_LATER);
    assertThat(owners.serviceName()).contains("nightly-report");
    assertThat(owners.resourceAttributes(false)).containsExactly(
        Map.entry("k8s.cronjob.name", "nightly-report"), Map.entry("k8s.job.name", "nightly-report-29387520"));
    Owners manual = jobPod("migrate-db-v2", AN_HOUR_LATER);
    assertThat(manual.serviceName()).contains("migrate-db-v2");
    assertThat(manual.resourceAttributes(false)).containsOnlyKeys("k8s.job.name");
  }

  @Test
  void aJobNamedAfterADateIsNotTakenForACronJobs() {
    // 20250101 minutes after the epoch is 2008: no CronJob scheduled that run, a person named the Job
    assertThat(jobPod("db-migrate-20250101", AN_HOUR_LATER).resourceAttributes(false)).containsOnlyKeys("k8s.job.name");
    // a time in the future, or long past, is no CronJob's either
    assertThat(jobPod("backfill-" + (SCHEDULED_MINUTES + 600), AN_HOUR_LATER).names()).doesNotContainKey("CronJob");
    assertThat(jobPod("nightly-report-" + SCHEDULED_MINUTES, AN_HOUR_LATER.plus(Duration.ofDays(91))).names())
        .doesNotContainKey("CronJob");
    // without the Job controller's labels the pod was not made by a Job's controller
    assertThat(Owners.fromPod(PodJson.tree(owned("Job", "nightly-report-" + SCHEDULED_MINUTES, Map.of())), AN_HOUR_LATER)
        .names()).doesNotContainKey("CronJob");
  }

  @Test
  void noOwnerReference() {
    assertThat(Owners.fromPod(new ObjectMetaBuilder().withName("debug").build()).serviceName()).isEmpty();
    assertThat(Owners.fromPod((ObjectMeta) null).names()).isEmpty();
  }

  @Test
  void controllerReferenceWinsOverOthers() {
    ObjectMeta meta = new ObjectMetaBuilder()
        .addNewOwnerReference().withKind("ConfigMap").withName("not-a-controller").endOwnerReference()
        .addNewOwnerReference().withKind("StatefulSet").withName("db").withController(true).endOwnerReference()
        .build();
    assertThat(Owners.fromPod(meta).serviceName()).contains("db");
  }
}
