package dev.instrumentor.webhook.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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

  @Test
  void cronJobFromTheJobNameWhenItEndsInScheduledMinutes() {
    Owners owners = Owners.fromPod(owned("Job", "nightly-report-29387520", Map.of()));
    assertThat(owners.serviceName()).contains("nightly-report");
    assertThat(owners.resourceAttributes(false)).containsExactly(
        Map.entry("k8s.cronjob.name", "nightly-report"), Map.entry("k8s.job.name", "nightly-report-29387520"));
    Owners manual = Owners.fromPod(owned("Job", "migrate-db-v2", Map.of()));
    assertThat(manual.serviceName()).contains("migrate-db-v2");
    assertThat(manual.resourceAttributes(false)).containsOnlyKeys("k8s.job.name");
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
