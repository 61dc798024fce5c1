package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.NodeImages;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.harness.UserShell;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's Install and Upgrade sections run literally, with Helm 3 and with Helm 4, on the real node:
 * the chart's CRDs, the operator as the chart's Deployment of the image built from this checkout (two
 * replicas, its securityContext, probes, resources and leader election), reaching the API server through the
 * {@code kubernetes} Service; the API server calls the webhook through the chart's Service and kube-proxy,
 * and an annotated Deployment's pod starts with the agent. Then the upgrade, the uninstall and the CRDs'
 * deletion, as written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeInstallOnRealNodeTest {

  private static final String RELEASE_NAMESPACE = "instrumentor-system";
  private static final String FULLNAME = "instrumentor";
  /** The README's placeholders, as this run fills them: the operator image built from this checkout. */
  private static final Map<String, String> VALUES = Map.of("registry", NodeImages.OPERATOR.replaceFirst("/.*", ""),
      "tag", NodeImages.OPERATOR.replaceFirst(".*:", ""));

  private RealCluster cluster;
  private ControlPlane controlPlane;
  private KubernetesClient client;

  @BeforeAll
  void start() {
    E2eCluster any = E2eCluster.fromEnvironment();
    RealCluster.node(any);
    cluster = (RealCluster) any;
    controlPlane = cluster.controlPlane();
    client = cluster.client();
    cluster.pauseOperator(); // only the chart's operator answers while this class runs
  }

  @AfterAll
  void restore() {
    if (cluster != null) {
      cluster.restoreCrds();
      cluster.resumeOperator();
    }
  }

  @ParameterizedTest(name = "Helm {0}")
  @ValueSource(ints = {3, 4})
  void theReadmeInstallsUpgradesAndUninstalls(int helm) {
    UserShell shell = UserShell.withHelm(helm, controlPlane);
    try {
      installUpgradeAndUninstall(helm, shell);
    } finally {
      // whatever failed, the next Helm version (and the next class) starts from a cluster without the release
      shell.runIgnoringFailure("helm uninstall instrumentor -n " + RELEASE_NAMESPACE + " --ignore-not-found --wait");
      client.namespaces().withName(RELEASE_NAMESPACE).delete();
      client.namespaces().withName(RELEASE_NAMESPACE).waitUntilCondition(ns -> ns == null, 120, TimeUnit.SECONDS);
    }
  }

  private void installUpgradeAndUninstall(int helm, UserShell shell) {
    for (String command : UserShell.readmeCommands("## Install", VALUES)) {
      shell.run(command);
    }
    awaitOperatorAvailable();
    assertThat(client.pods().inNamespace(RELEASE_NAMESPACE).withLabel("app.kubernetes.io/instance", "instrumentor")
        .list().getItems()).hasSize(2).allSatisfy(pod -> assertThat(pod.getSpec().getNodeName()).isNotNull());
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      Lease lease = client.leases().inNamespace(RELEASE_NAMESPACE).withName(FULLNAME).get();
      assertThat(lease).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).startsWith(FULLNAME + "-");
    });
    String namespace = cluster.namespace("readme-helm" + helm, Map.of());
    assertAnnotatedPodRunsWithTheAgent(namespace, "first");
    assertTheCollectorImageJudgesItsConfig(namespace);

    List<String> upgradeAndUninstall = UserShell.readmeCommands("### Upgrade and uninstall", VALUES);
    List<String> upgrade = upgradeAndUninstall.stream().takeWhile(command -> !command.startsWith("helm uninstall")).toList();
    assertThat(upgrade).as("the README's upgrade commands").isNotEmpty().anyMatch(command -> command.startsWith("helm upgrade"));
    for (String command : upgrade) {
      shell.run(command);
    }
    awaitOperatorAvailable();
    assertAnnotatedPodRunsWithTheAgent(namespace, "after-upgrade");
    // kubectl logs of each replica, which has watched every pod of a busy node (the other classes' too)
    for (Pod replica : client.pods().inNamespace(RELEASE_NAMESPACE).withLabel("app.kubernetes.io/instance", "instrumentor")
        .list().getItems()) {
      String log = client.pods().inNamespace(RELEASE_NAMESPACE).withName(replica.getMetadata().getName()).getLog();
      assertThat(log.lines().filter(line -> line.contains("\"level\":\"ERROR\"")))
          .as("errors logged by " + replica.getMetadata().getName()).isEmpty();
      // nothing but the JSON log stream: no JVM warning (an option it does not know, a launcher note) among it
      assertThat(log.lines().filter(line -> !line.isBlank() && !line.startsWith("{")))
          .as("lines of " + replica.getMetadata().getName() + " that are not JSON").isEmpty();
    }

    for (String command : upgradeAndUninstall.subList(upgrade.size(), upgradeAndUninstall.size())) {
      shell.run(command);
    }
    assertThat(client.apps().deployments().inNamespace(RELEASE_NAMESPACE).withName(FULLNAME).get()).isNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("instrumentations.instrumentor.dev").get())
        .isNull();
  }

  /**
   * The chart validates collector configs by default: under its roles the operator runs the image's
   * validate as a Job on the node and reads the refusal from the Job's pod.
   */
  private void assertTheCollectorImageJudgesItsConfig(String namespace) {
    TelemetryCollector collector = NodeWorkloads.collector(client, namespace, "typo",
        "deployment", "http://127.0.0.1:4318");
    ((ObjectNode) collector.getSpec().getConfig().path("exporters"))
        .putObject("debug").put("verbosty", "basic");
    ((ArrayNode) collector.getSpec().getConfig().path("service").path("pipelines")
        .path("traces").path("exporters")).add("debug");
    client.resource(collector).create();
    await().atMost(Duration.ofMinutes(2)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      TelemetryCollector judged = client.resources(
          TelemetryCollector.class).inNamespace(namespace).withName("typo").get();
      assertThat(judged.getStatus()).as("status").isNotNull();
      assertThat(judged.getStatus().getConditions()).as("conditions").isNotNull().anySatisfy(condition -> {
        assertThat(condition.getType()).isEqualTo("Validated");
        assertThat(condition.getReason()).isEqualTo("Refused");
        assertThat(condition.getMessage()).contains("has invalid keys: verbosty");
      });
    });
    assertThat(client.apps().deployments().inNamespace(namespace).withName("typo-collector").get())
        .as("nothing rolled out").isNull();
    client.resource(collector).delete();
  }

  private void awaitOperatorAvailable() {
    await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(NodeWorkloads.available(client.apps().deployments().inNamespace(RELEASE_NAMESPACE).withName(FULLNAME).get()))
            .as("the chart's Deployment is available").isTrue());
  }

  private void assertAnnotatedPodRunsWithTheAgent(String namespace, String name) {
    if (client.resources(Instrumentation.class).inNamespace(namespace).withName("default").get() == null) {
      client.resource(NodeWorkloads.instrumentation(namespace, "http://collector:4318")).create();
    }
    // Ready replicas serve the webhook, but the API server reaches them once kube-proxy has their endpoints
    // (about a second later) and its informers have the Instrumentation: until then a pod is admitted
    // uninstrumented (failurePolicy Ignore), as on any cluster. Ask with dry runs until the answer is injected.
    Pod probe = new PodBuilder().withNewMetadata().withName("webhook-probe")
        .withNamespace(namespace).withAnnotations(Map.of("instrumentor.dev/inject-java", "true")).endMetadata()
        .withNewSpec().withContainers(NodeWorkloads.javaApp(List.of())).endSpec().build();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(client.resource(probe).dryRun().create().getSpec().getInitContainers()).as("a dry-run pod is injected")
            .isNotEmpty());
    Deployment deployment = client.resource(NodeWorkloads.deployment(namespace, name,
        Map.of("instrumentor.dev/inject-java", "true"), NodeWorkloads.javaApp(List.of()))).create();
    Pod pod = NodeWorkloads.awaitAvailable(client, namespace, deployment.getMetadata().getName(), Duration.ofMinutes(2));
    assertThat(pod.getSpec().getInitContainers()).extracting("name").containsExactly("instrumentor-java-agent");
    assertThat(pod.getMetadata().getAnnotations()).containsKey("instrumentor.dev/injection-status");
    assertThat(pod.getSpec().getContainers().get(0).getEnv()).anySatisfy(env -> {
      assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
      assertThat(env.getValue()).contains("-javaagent:/instrumentor/java/javaagent.jar");
    });
  }
}
