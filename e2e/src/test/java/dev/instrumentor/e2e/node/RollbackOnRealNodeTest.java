package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import dev.instrumentor.api.v1alpha1.Rollback;
import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutPolicy;
import dev.instrumentor.e2e.harness.NodeImages;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * spec.rollback on a real node (its CEL rule and defaults on the API server first): an agent release that breaks the JVM makes an injected Deployment's pod
 * crash-loop (the kubelet's CrashLoopBackOff); after the grace time the operator records the rollback in the
 * Instrumentation's status, the webhook stops injecting the Deployment, the operator restarts it once and the
 * new pod, without the agent, turns Ready by the kubelet's probe. A healthy Deployment of another Instrumentation
 * with rollback on is left alone. The record survives an operator restart and a leader change (a second replica
 * takes the Lease when the first stops): no second restart, and a pod re-created is admitted by the new leader's
 * webhook without the agent. A new generation with a
 * working agent tries again, and spec.rollout injects the Deployment.
 */
class RollbackOnRealNodeTest extends OnRealNode {


  @Test
  void aBrokenAgentIsRolledBackOnceAndTheWorkloadServesAgainUntilTheSpecChanges() {
    String ns = cluster.namespace("rollback", Map.of());
    // the API server's CEL rule: the grace time must end within the stability window; defaults applied
    Instrumentation inverted = instrumentation(ns, "inverted", NodeImages.JAVA_AGENT);
    inverted.getSpec().getRollback().setGraceTime("1h");
    inverted.getSpec().getRollback().setStabilityWindow("30m");
    assertThatThrownBy(() -> client.resource(inverted).create()).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.rollback.graceTime must be shorter than spec.rollback.stabilityWindow");
    Instrumentation defaults = instrumentation(ns, "defaults", NodeImages.JAVA_AGENT);
    defaults.getSpec().setRollback(new Rollback());
    Rollback applied = client.resource(defaults).create().getSpec().getRollback();
    assertThat(applied.getEnabled()).isFalse();
    assertThat(applied.getGraceTime() + " " + applied.getStabilityWindow()).isEqualTo("5m 1h");
    client.resource(defaults).delete();
    client.resource(instrumentation(ns, "broken", NodeImages.BROKEN_JAVA_AGENT)).create();
    client.resource(instrumentation(ns, "good", NodeImages.JAVA_AGENT)).create();
    client.resource(NodeWorkloads.deployment(ns, "shop", Map.of("instrumentor.dev/inject-java", "good"),
        NodeWorkloads.javaApp(List.of()))).create();
    client.resource(NodeWorkloads.deployment(ns, "cart", Map.of("instrumentor.dev/inject-java", "broken"),
        NodeWorkloads.javaApp(List.of()))).create();
    Instant created = Instant.now();
    RealCluster real = (RealCluster) cluster; // the node runs only with the control plane built here

    // the kubelet crash-loops the JVM that refuses the agent: reported while graceTime runs
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(real.metrics()).containsPattern(
        "instrumentor_workload_failing_pods\\{[^}]*workload=\"Deployment/cart\"[^}]*\\} 1"));

    // after graceTime the operator rolls cart back
    await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
      Instrumentation broken = get(() -> instrumentation(ns, "broken"));
      assertThat(broken.getStatus().getRollbacks()).as(String.valueOf(broken.getStatus())).singleElement().satisfies(r -> {
        assertThat(r.getKind() + "/" + r.getName()).isEqualTo("Deployment/cart");
        assertThat(r.getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(r.getAgents()).containsExactly("java=" + NodeImages.BROKEN_JAVA_AGENT);
        assertThat(r.getLanguages()).containsExactly("java");
        assertThat(r.getGeneration()).isEqualTo(broken.getMetadata().getGeneration());
        assertThat(r.getRestartedAt()).as("restarted without the agent").isNotNull();
      });
      assertThat(reason(broken, "RolledBack")).isEqualTo("AgentRolledBack");
      assertThat(reason(broken, "Rollout")).isEqualTo("Halted");
    });
    Instant recorded = Instant.now();
    // the restarted Deployment's pod runs without the agent, turns Ready, and the failing pod is gone
    NodeWorkloads.awaitAvailable(client, ns, "cart", Duration.ofMinutes(2));
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
      List<Pod> pods = get(() -> NodeWorkloads.pods(client, ns, "cart"));
      assertThat(pods).as("only the pod without the agent is left").singleElement().satisfies(pod -> {
        assertThat(status(pod)).contains("\"status\":\"rolled-back\"").contains(NodeImages.BROKEN_JAVA_AGENT);
        assertThat(pod.getSpec().getInitContainers()).isEmpty();
      });
      Instrumentation broken = get(() -> instrumentation(ns, "broken"));
      assertThat(broken.getStatus().getRolledBack()).isEqualTo(1);
      assertThat(broken.getStatus().getFailing()).isZero();
      assertThat(reason(broken, "Healthy")).isEqualTo("NoFailingPods");
    });
    Pod serving = NodeWorkloads.pods(client, ns, "cart").get(0);
    System.err.printf("e2e: cart rolled back %d s after its creation (graceTime 15 s), serving without the agent %d s later%n",
        Duration.between(created, recorded).toSeconds(), Duration.between(recorded, Instant.now()).toSeconds());
    assertThat(serving.getMetadata().getLabels()).containsEntry("instrumentor.dev/instrumented", "false");
    assertThat(restartedFor(ns, "cart")).startsWith("rollback " + ns + "/broken@");
    assertThat(client.resources(Event.class).inNamespace(ns).list().getItems())
        .anySatisfy(event -> {
          assertThat(event.getReason()).isEqualTo("AgentRolledBack");
          assertThat(event.getRegarding().getKind() + "/" + event.getRegarding().getName()).isEqualTo("Deployment/cart");
          assertThat(event.getNote()).contains(NodeImages.BROKEN_JAVA_AGENT).contains("CrashLoopBackOff");
        })
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("RestartedWithoutAgent"));
    assertThat(real.metrics()).contains("instrumentor_workload_rolled_back{").contains("workload=\"Deployment/cart\"");

    // the healthy Deployment of the other Instrumentation keeps its agent and is not restarted
    Instrumentation good = instrumentation(ns, "good");
    assertThat(good.getStatus().getRollbacks()).isNull();
    assertThat(good.getStatus().getInjected()).isEqualTo(1);
    assertThat(reason(good, "Healthy")).isEqualTo("NoFailingPods");
    assertThat(restartedFor(ns, "shop")).isNull();

    // an operator restart, then a leader change: the restarted operator leads, a second replica follows, the leader
    // stops; the new leader (empty memory, its own caches) keeps the record and restarts nothing, and a pod re-created
    // is admitted by its webhook (the only one left) without the agent
    long cartGeneration = deployment(ns, "cart").getMetadata().getGeneration();
    OperatorConfig original = real.restartOperator(config -> config.withLeaderElection(config.instance() + "-a"));
    if (client.namespaces().withName(original.operatorNamespace()).get() == null) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(original.operatorNamespace()).endMetadata().build())
          .create();
    }
    InstrumentorOperator follower = startReplica(original.withLeaderElection(original.instance() + "-b"));
    try {
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(get(() -> holder(original))).isEqualTo(original.instance() + "-a"));
      // the restarted leader reconciled (it counts the pod left without the agent) before it stops
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(real.metrics()).containsPattern(rolledBackPods(ns)));
      real.pauseOperator(); // releases the Lease and removes its webhook
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(get(() -> holder(original))).isEqualTo(original.instance() + "-b"));
      client.pods().inNamespace(ns).withName(serving.getMetadata().getName()).delete();
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(get(() -> NodeWorkloads.pods(client, ns, "cart")))
          .singleElement().satisfies(pod -> {
            assertThat(pod.getMetadata().getName()).isNotEqualTo(serving.getMetadata().getName());
            assertThat(status(pod)).contains("\"status\":\"rolled-back\"");
          }));
      NodeWorkloads.awaitAvailable(client, ns, "cart", Duration.ofMinutes(1));
      // the new leader counted the re-created pod (it reconciled), kept the record and restarted nothing
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(follower.metrics().scrape())
          .containsPattern(rolledBackPods(ns)));
      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(get(() -> deployment(ns, "cart")).getMetadata().getGeneration()).as("not restarted again")
              .isEqualTo(cartGeneration));
      assertThat(instrumentation(ns, "broken").getStatus().getRollbacks()).singleElement()
          .satisfies(r -> assertThat(r.getRestartedAt()).isNotNull());
    } finally {
      follower.close();
      real.restartOperator(config -> original);
    }

    // retry: a working agent in a new generation drops the record; spec.rollout restarts cart with the agent
    client.resources(Instrumentation.class).inNamespace(ns).withName("broken").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"java\":{\"image\":\"" + NodeImages.JAVA_AGENT + "\"},\"rollback\":{\"retry\":\"1\"}}}");
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
      Instrumentation broken = get(() -> instrumentation(ns, "broken"));
      assertThat(broken.getStatus().getRollbacks()).isNull();
      assertThat(broken.getStatus().getInjected()).as(String.valueOf(broken.getStatus())).isEqualTo(1);
      assertThat(reason(broken, "Rollout")).isEqualTo("Done");
      assertThat(reason(broken, "RolledBack")).isEqualTo("NoRollback");
    });
    NodeWorkloads.awaitAvailable(client, ns, "cart", Duration.ofMinutes(1));
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(get(() -> NodeWorkloads.pods(client, ns, "cart")))
        .singleElement().satisfies(pod -> assertThat(pod.getSpec().getInitContainers()).extracting("image")
            .containsExactly(NodeImages.JAVA_AGENT)));
    assertThat(client.resources(Event.class).inNamespace(ns).list().getItems())
        .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("RollbackRetried"));
  }

  private static InstrumentorOperator startReplica(OperatorConfig config) {
    try {
      return new InstrumentorOperator(config, client, Clock.systemUTC()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fleet metric of the pods Instrumentation {@code ns/broken} left without the agent: one. */
  private static String rolledBackPods(String ns) {
    return "instrumentor_instrumentation_pods\\{[^}]*instrumentation=\"" + ns + "/broken\"[^}]*state=\"rolled-back\"[^}]*\\} 1";
  }

  private static String holder(OperatorConfig config) {
    Lease lease = client.leases().inNamespace(config.operatorNamespace()).withName(config.leaseName()).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Instrumentation instrumentation(String ns, String name, String javaImage) {
    Instrumentation instrumentation = NodeWorkloads.instrumentation(ns, "http://collector.observability:4318");
    instrumentation.getMetadata().setName(name);
    JavaSpec java = new JavaSpec();
    java.setImage(javaImage);
    instrumentation.getSpec().setJava(java);
    Rollback rollback = new Rollback();
    rollback.setEnabled(true);
    rollback.setGraceTime("15s");
    rollback.setStabilityWindow("10m");
    instrumentation.getSpec().setRollback(rollback);
    Rollout rollout = new Rollout();
    rollout.setPolicy(RolloutPolicy.RESTART);
    rollout.setPauseBetween("1s");
    instrumentation.getSpec().setRollout(rollout);
    return instrumentation;
  }

  /** An API call inside an await: a refused or lost call is an AssertionError, so the await tries again. */
  private static <T> T get(Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw new AssertionError("API call failed: " + e.getMessage(), e);
    }
  }

  private static Instrumentation instrumentation(String ns, String name) {
    Instrumentation found = client.resources(Instrumentation.class).inNamespace(ns).withName(name).get();
    if (found == null || found.getStatus() == null) {
      throw new AssertionError("no status yet on " + name);
    }
    return found;
  }

  private static Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private static String restartedFor(String ns, String name) {
    Map<String, String> annotations = deployment(ns, name).getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get("instrumentor.dev/restarted-for");
  }

  private static String status(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? "" : String.valueOf(annotations.get("instrumentor.dev/injection-status"));
  }

  private static String reason(Instrumentation instrumentation, String type) {
    Condition condition = Conditions.get(instrumentation.getStatus().getConditions(), type);
    return condition == null ? null : condition.getReason();
  }
}
