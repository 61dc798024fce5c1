package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.instrumentor.api.v1alpha1.CollectorIngress;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.CollectorNetworkPolicy;
import dev.instrumentor.api.v1alpha1.IngressType;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.e2e.harness.ChartRelease;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.OperatorProcess;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.harness.Scenario;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedMetric;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.ReviewLoad;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart as {@code helm install} leaves it, judged by a real kube-apiserver: the operator runs as
 * the chart's Deployment would run it (its args, environment and memory limit, its ServiceAccount's
 * token, so every call is authorized by the chart's RBAC), and the API server calls the webhook through
 * the chart's Service with the certificate the operator manages. Runs on the control plane built from
 * source ({@link ControlPlane}); skipped where there is none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartOnRealApiServerTest {

  private static final String RELEASE_NAMESPACE = "instrumentor-system";
  /** JOSDK's default Lease duration: "several lease periods" below are multiples of it. */
  private static final Duration LEASE = Duration.ofSeconds(15);

  private RealCluster cluster;
  private ControlPlane controlPlane;
  private KubernetesClient admin;
  private ChartRelease release;
  private String apps;
  private final List<OperatorProcess> replicas = new ArrayList<>();
  /** Where the chart's operator sends its own telemetry (set through the chart's extraEnv, as a user would). */
  private OtlpHttpReceiver telemetry;

  @BeforeAll
  void install() {
    E2eCluster any = E2eCluster.fromEnvironment();
    assumeTrue(any instanceof RealCluster real && real.controlPlane() != null,
        "needs the control plane built from source (e2e/control-plane/build.sh)");
    cluster = (RealCluster) any;
    controlPlane = cluster.controlPlane();
    admin = cluster.client();
    cluster.pauseOperator(); // only the chart's operator works while this class runs
    apps = cluster.namespace("chart-apps", Map.of());
    try {
      telemetry = new OtlpHttpReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("watchNamespaces[0]", apps);
    values.put("collectorSecretNamespaces[0]", apps);
    // no node is promised here, and its collector runs no pod: config validation (a Job) is proven on the node
    values.put("collectorConfigValidation", false);
    String[][] env = {{"OTEL_EXPORTER_OTLP_ENDPOINT", telemetry.endpoint()}, {"OTEL_TRACES_EXPORTER", "otlp"},
        {"OTEL_METRIC_EXPORT_INTERVAL", "1000"}, {"OTEL_BSP_SCHEDULE_DELAY", "200"},
        {"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=e2e"}};
    for (int i = 0; i < env.length; i++) {
      values.put("extraEnv[" + i + "].name", env[i][0]);
      values.put("extraEnv[" + i + "].value", env[i][1]);
    }
    release = ChartRelease.render("rel", RELEASE_NAMESPACE, controlPlane.kubernetesVersion(), values);
    release.install(admin);
  }

  @AfterAll
  void uninstall() {
    replicas.forEach(OperatorProcess::close);
    if (release != null) {
      release.uninstall(admin);
    }
    if (cluster != null) {
      cluster.resumeOperator();
    }
    if (telemetry != null) {
      telemetry.close();
    }
  }

  private OperatorProcess startReplica(String suffix) {
    String podName = release.fullname() + "-" + suffix;
    OperatorProcess replica = OperatorProcess.start(release.deployment(), podName,
        controlPlane.tokenKubeconfig(release.serviceAccountToken(admin)), controlPlane.directory());
    replicas.add(replica);
    return replica;
  }

  /** Ready as the kubelet's readiness probe sees it; then, as for a ready pod, an endpoint of the webhook Service. */
  private void awaitReadyAndServe(OperatorProcess replica) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(replica.alive()).as(replica.name() + " is running\n" + replica.log()).isTrue();
      assertThat(replica.ready()).as(replica.name() + " /readyz").isTrue();
    });
    controlPlane.serviceProxy().addEndpoint(RELEASE_NAMESPACE, release.fullname() + "-webhook", "webhook",
        replica.webhookPort());
  }

  private void stopServing(OperatorProcess replica) {
    controlPlane.serviceProxy().removeEndpoint(RELEASE_NAMESPACE, release.fullname() + "-webhook", replica.webhookPort());
  }

  private Lease lease() {
    return admin.leases().inNamespace(RELEASE_NAMESPACE).withName(release.fullname()).get();
  }

  private String holder() {
    Lease lease = lease();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private String caBundle() {
    MutatingWebhookConfiguration configuration = admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(release.fullname()).get();
    return configuration.getWebhooks().get(0).getClientConfig().getCaBundle();
  }

  private static void assertNothingForbidden(OperatorProcess replica) {
    assertThat(replica.log()).as("a request the chart's RBAC refused, in the log of " + replica.name())
        .doesNotContain("forbidden", "Forbidden");
  }

  private Pod annotatedPod(String name) {
    return cluster.deploy(Scenario.deployment(apps, name + "-" + System.nanoTime() % 100000,
        Map.of("instrumentor.dev/inject-java", "true"), Scenario.app("app"))).get(0).pod();
  }

  private static boolean injected(Pod pod) {
    return pod.getSpec().getInitContainers() != null
        && pod.getSpec().getInitContainers().stream().map(Container::getName).anyMatch("instrumentor-java-agent"::equals);
  }

  @Test
  @Order(1)
  void theChartPassesServerSideDryRunInEveryCertificateMode() throws Exception {
    applyCertManagerCrds();
    String caBundle = controlPlane.adminConfig().getCaCertData(); // any CA, base64 PEM
    for (Map<String, Object> values : List.<Map<String, Object>>of(
        Map.of(),
        Map.of("certificates.mode", "certManager"),
        Map.of("certificates.mode", "certManager", "certificates.certManager.issuerRef.name", "corp-ca",
            "certificates.certManager.issuerRef.kind", "ClusterIssuer"),
        Map.of("certificates.mode", "provided", "certificates.provided.secretName", "my-webhook-cert",
            "certificates.provided.caBundle", caBundle),
        // the chart conventions, as the API server judges them
        Map.of("fullnameOverride", "otel-injector", "hostNetwork", true, "image.digest", "sha256:" + "ab".repeat(32),
            "replicaCount", 1, "topologySpreadConstraints[0].maxSkew", 1,
            "topologySpreadConstraints[0].topologyKey", "topology.kubernetes.io/zone",
            "topologySpreadConstraints[0].whenUnsatisfiable", "ScheduleAnyway", "watchNamespaces[0]", "default"))) {
      ChartRelease candidate = ChartRelease.render("dry", "instrumentor-dry-run", controlPlane.kubernetesVersion(), values);
      candidate.dryRun(admin);
      assertThat(candidate.objects()).as("objects rendered for " + values).isNotEmpty();
      for (HasMetadata object : candidate.objects()) {
        assertThat(admin.resource(object).get()).as(object.getKind() + "/" + object.getMetadata().getName()
            + " is only a dry run").isNull();
      }
    }
  }

  private void applyCertManagerCrds() throws IOException, InterruptedException {
    Process crds = new ProcessBuilder("bash", ControlPlane.projectRoot().resolve("e2e/control-plane/cert-manager-crds.sh")
        .toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String directory = new String(crds.getInputStream().readAllBytes()).trim();
    assertThat(crds.waitFor()).as("cert-manager-crds.sh").isZero();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(directory), "*.yaml")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          admin.resource(crd).fieldManager("e2e").forceConflicts().serverSideApply();
          admin.resource(crd).waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(
                  condition -> "Established".equals(condition.getType()) && "True".equals(condition.getStatus())),
              60, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * The release watches one namespace: the API server itself answers that the chart's ServiceAccount may
   * work with Instrumentations, collectors' Deployments and Events there, and in no other namespace.
   */
  @Test
  @Order(1)
  void watchingANamespaceGrantsItsPrivilegesThereOnly() {
    String account = "system:serviceaccount:" + RELEASE_NAMESPACE + ":"
        + release.deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
    for (String[] request : new String[][] {
        {"instrumentor.dev", "instrumentations", "list"}, {"instrumentor.dev", "telemetrycollectors", "watch"},
        {"apps", "deployments", "create"}, {"", "configmaps", "update"}, {"events.k8s.io", "events", "create"}}) {
      assertThat(allowed(account, request, apps)).as("%s %s in the watched namespace", request[2], request[1]).isTrue();
      assertThat(allowed(account, request, "default")).as("%s %s elsewhere", request[2], request[1]).isFalse();
      assertThat(allowed(account, request, null)).as("%s %s cluster-wide", request[2], request[1]).isFalse();
    }
    assertThat(allowed(account, new String[] {"", "namespaces", "watch"}, null)).as("Namespaces (their annotations)")
        .isTrue();
  }

  private boolean allowed(String user, String[] request, String namespace) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder().withNewSpec().withUser(user)
            .withGroups("system:serviceaccounts", "system:authenticated").withNewResourceAttributes()
            .withGroup(request[0]).withResource(request[1]).withVerb(request[2]).withNamespace(namespace)
            .endResourceAttributes().endSpec().build();
    return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }

  @Test
  @Order(2)
  void theChartsOperatorLeadsUnderItsOwnRbacAndTheCaBundleIsInPlaceBeforeItIsReady() throws Exception {
    OperatorProcess first = startReplica("a");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      assertThat(first.alive()).as("running\n" + first.log()).isTrue();
      assertThat(first.ready()).isTrue();
    });
    // the first moment it says ready, the API server can already verify it
    String bundle = caBundle();
    Secret tls = admin.secrets().inNamespace(RELEASE_NAMESPACE).withName(release.fullname() + "-webhook-tls").get();
    assertThat(tls).as("the certificate Secret").isNotNull();
    assertThat(bundle).as("caBundle when /readyz first answered 200").isEqualTo(tls.getData().get("ca.crt"));
    controlPlane.serviceProxy().addEndpoint(RELEASE_NAMESPACE, release.fullname() + "-webhook", "webhook",
        first.webhookPort());

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(holder()).isEqualTo(first.name()));
    ZonedDateTime acquired = lease().getSpec().getAcquireTime();

    // reconcilers, caches, status, Events and dependents, all under the chart's ClusterRole
    Scenario.createInstrumentation(apps, "java", "http://collector.observability:4318");
    Scenario.createCollector(apps, "gateway", CollectorMode.DEPLOYMENT, Scenario.CONFIG);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Instrumentation found = admin.resources(Instrumentation.class).inNamespace(apps).withName("java").get();
      assertThat(found.getStatus()).isNotNull();
      Condition ready = Conditions.get(found.getStatus().getConditions(), "Ready");
      assertThat(ready).isNotNull();
      assertThat(ready.getStatus()).isEqualTo("True");
      assertThat(admin.apps().deployments().inNamespace(apps).withName("gateway-collector").get()).isNotNull();
      assertThat(admin.services().inNamespace(apps).withName("gateway-collector").get()).isNotNull();
    });
    // the OpenTelemetry Operator's exposure fields: an Ingress and a NetworkPolicy, also under the chart's role
    TelemetryCollector exposed = Scenario.collector(apps, "exposed", CollectorMode.DEPLOYMENT, Scenario.CONFIG);
    exposed.getSpec().setIngress(new CollectorIngress());
    exposed.getSpec().getIngress().setType(IngressType.INGRESS);
    exposed.getSpec().setNetworkPolicy(new CollectorNetworkPolicy());
    exposed.getSpec().getNetworkPolicy().setEnabled(true);
    admin.resource(exposed).create();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(admin.network().v1().ingresses().inNamespace(apps).withName("exposed-ingress").get()).isNotNull();
      assertThat(admin.network().v1().networkPolicies().inNamespace(apps).withName("exposed-collector-networkpolicy")
          .get()).isNotNull();
    });
    // a collector reading the Kubernetes API: the operator binds its ServiceAccount to the chart's
    // k8sattributes ClusterRole, which it may bind by name but whose rights it does not hold; the API server
    // then lets the collector list pods, and the deleted collector's binding goes
    Scenario.createCollector(apps, "enricher", CollectorMode.DEPLOYMENT, Scenario.ENRICHING);
    String collectorAccount = "system:serviceaccount:" + apps + ":enricher-collector";
    String[] listPods = {"", "pods", "list"};
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      assertThat(admin.rbac().clusterRoleBindings().withName(release.fullname() + "-collector-k8sattributes:" + apps
          + ":enricher").get()).as("the binding").isNotNull();
      assertThat(allowed(collectorAccount, listPods, "default")).as("the collector lists pods anywhere").isTrue();
    });
    assertThat(allowed(collectorAccount, new String[] {"", "secrets", "list"}, "default")).as("but no Secret").isFalse();
    String[] listNodes = {"", "nodes", "list"};
    assertThat(allowed(collectorAccount, listNodes, null)).as("the collector lists nodes (k8s.node.* attributes)").isTrue();
    assertThat(allowed("system:serviceaccount:" + RELEASE_NAMESPACE + ":"
        + release.deployment().getSpec().getTemplate().getSpec().getServiceAccountName(), listNodes, null))
        .as("the operator itself does not list nodes: it binds a role it does not hold").isFalse();
    admin.resources(TelemetryCollector.class).inNamespace(apps).withName("enricher").delete();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      assertThat(admin.resources(TelemetryCollector.class).inNamespace(apps).withName("enricher").get()).isNull();
      assertThat(allowed(collectorAccount, listPods, "default")).as("the binding is gone").isFalse();
    });
    // a collector reading a Secret where collectorSecretNamespaces lets the operator watch them: rotating it
    // changes the pod template, under the chart's Role
    admin.secrets().inNamespace(apps).resource(new SecretBuilder().withNewMetadata()
        .withName("creds").endMetadata().withStringData(Map.of("API_KEY", "one")).build()).create();
    TelemetryCollector reader = new TelemetryCollector();
    reader.getMetadata().setName("reader");
    reader.getMetadata().setNamespace(apps);
    reader.setSpec(new TelemetryCollectorSpec());
    reader.getSpec().setMode(CollectorMode.DEPLOYMENT);
    reader.getSpec().setConfig(new ObjectMapper(
        new YAMLFactory()).readTree(Scenario.CONFIG));
    reader.getSpec().setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef()
        .withName("creds").endSecretRef().build()));
    admin.resource(reader).create();
    Supplier<String> inputsHash = () -> {
      Deployment deployment = admin.apps().deployments().inNamespace(apps)
          .withName("reader-collector").get();
      return deployment == null ? null : deployment.getSpec().getTemplate().getMetadata().getAnnotations()
          .get("instrumentor.dev/inputs-hash");
    };
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(inputsHash.get()).isNotNull());
    String before = inputsHash.get();
    admin.secrets().inNamespace(apps).withName("creds").edit(secret -> {
      secret.setStringData(Map.of("API_KEY", "two"));
      return secret;
    });
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> assertThat(inputsHash.get()).isNotEqualTo(before));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(admin.resources(Event.class).inNamespace(apps).list().getItems())
            .anySatisfy(event -> assertThat(event.getReportingController()).contains("instrumentor")));

    // the API server calls the webhook through the chart's Service and trusts the managed certificate
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(injected(annotatedPod("through-service")))
        .as("pod injected by the chart's webhook").isTrue());
    // and the fleet view counts it, from the chart's pod cache (list/watch pods in the watched namespace)
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .untilAsserted(() -> {
      Instrumentation counted = admin.resources(Instrumentation.class).inNamespace(apps).withName("java").get();
      assertThat(counted.getStatus()).isNotNull();
      assertThat(counted.getStatus().getInjected()).as("injected pods in status").isNotNull().isPositive();
    });
    // and as a metric, read from the reconciler's latest view at scrape time
    assertThat(first.metrics()).containsPattern("instrumentor_instrumentation_pods\\{[^}]*instrumentation=\"" + apps
        + "/java\"[^}]*state=\"injected\"[^}]*\\} [1-9]");

    // its own telemetry, from the OpenTelemetry SDK, over OTLP to where the chart's extraEnv points
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(telemetry.metrics()).extracting(ReceivedMetric::name)
          .contains("instrumentor.reconciliations", "instrumentor.reconcile.duration", "instrumentor.webhook.requests",
              "instrumentor.webhook.request.duration", "instrumentor.injections", "instrumentor.cache.objects");
      assertThat(telemetry.spans()).extracting(span -> span.span().getName())
          .contains("admission pods", "reconcile Instrumentation");
    });
    assertThat(telemetry.metrics().get(0).resource()).containsEntry("service.name", "instrumentor")
        .containsEntry("deployment.environment.name", "e2e");
    // and the same metrics, with the names they have always had, at /metrics
    assertThat(first.metrics()).contains("instrumentor_webhook_requests_total{outcome=", "instrumentor_injections_total{",
        "instrumentor_reconcile_duration_seconds_bucket{", "instrumentor_cache_objects{kind=\"Instrumentation\"} 1",
        // the JVM's own (OpenTelemetry's runtime-telemetry) and the conditions of what it manages
        "jvm_memory_used_bytes{", "jvm_thread_count{", "jvm_gc_duration_seconds_bucket{",
        "instrumentor_condition{kind=\"Instrumentation\",name=\"java\",namespace=\"" + apps
            + "\",reason=\"Valid\",status=\"True\",type=\"Ready\"} 1");

    // several lease periods later it still leads, renewing with the chart's verbs
    Instant holdUntil = Instant.now().plus(LEASE.multipliedBy(3));
    await().atMost(LEASE.multipliedBy(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      assertThat(first.alive()).as("still running\n" + first.log()).isTrue();
      assertThat(holder()).isEqualTo(first.name());
      return Instant.now().isAfter(holdUntil);
    });
    Lease renewed = lease();
    assertThat(renewed.getSpec().getAcquireTime()).isEqualTo(acquired);
    assertThat(renewed.getSpec().getRenewTime().toInstant()).isAfter(acquired.toInstant().plus(LEASE.multipliedBy(2)));
    assertThat(first.metrics()).contains("instrumentor_reconciliations_total")
        .doesNotContainPattern("instrumentor_reconciliation_errors_total\\{[^}]*\\} [1-9]");
    assertNothingForbidden(first);
  }

  @Test
  @Order(3)
  void sigtermStopsTheLeaderAtOnceAndTheOtherReplicaTakesOverWithinFiveSeconds() throws Exception {
    OperatorProcess first = replicas.get(0);
    OperatorProcess second = startReplica("b");
    awaitReadyAndServe(second);
    assertThat(holder()).isEqualTo(first.name());

    // the kubelet's order: the pod leaves the Service's endpoints, then gets SIGTERM
    stopServing(first);
    Instant terminated = Instant.now();
    first.terminate();
    Integer exitCode = first.awaitExit(Duration.ofSeconds(10));
    assertThat(exitCode).as("exited within 10 s of SIGTERM (no deadlock)\n" + first.log()).isNotNull();
    Duration stopping = Duration.between(terminated, Instant.now());
    assertThat(stopping).as("time to stop").isLessThan(Duration.ofSeconds(5));
    // the chart's json log format: every line one object with the formatted message (no JVM or plain-text lines)
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : first.log().split("\n")) {
      if (!line.isBlank()) {
        lines.add(json.readTree(line));
      }
    }
    assertThat(lines).allSatisfy(line -> assertThat(line.fieldNames()).toIterable()
        .contains("timestamp", "level", "logger", "message"));
    assertThat(lines).as("the formatted message").anySatisfy(line -> assertThat(line.path("message").asText())
        .startsWith("instrumentor ").contains(" starting against https://").doesNotContain("{}"));
    assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText()).contains("released the leader Lease"));

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(holder()).isEqualTo(second.name()));
    Duration failover = Duration.between(terminated, Instant.now());
    System.err.printf("e2e: leader stopped in %d ms; %s leads %d ms after SIGTERM%n", stopping.toMillis(), second.name(),
        failover.toMillis());

    // the webhook kept serving: the remaining replica injects
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(injected(annotatedPod("after-failover")))
        .as("pod injected by the remaining replica").isTrue());
    assertThat(second.ready()).isTrue();
    assertNothingForbidden(first);
    assertNothingForbidden(second);
  }

  /**
   * The resilience suite's memory half: a replica run as the chart runs it (its JVM flags, its memory
   * limit as the JVM's RAM) gets the largest review the API server can send (a pod of ~2.9 MB, under
   * its 3 MiB object limit) from 32 clients at once; it stays alive and healthy, its peak resident
   * set stays under the chart's limit, and it answers a normal review afterwards. {@code
   * -Dresilience.seconds} (default 8) makes it longer; the benchmarks run it for 60 s.
   */
  @Test
  @Order(4)
  void theLargestReviewsFromManyClientsStayUnderTheChartsMemoryLimit() throws Exception {
    if (admin.resources(Instrumentation.class).inNamespace(apps).withName("java").get() == null) {
      Scenario.createInstrumentation(apps, "java", "http://collector.observability:4318"); // run on its own
    }
    OperatorProcess replica = startReplica("memory");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(replica.alive()).as("running\n" + replica.log()).isTrue();
      assertThat(replica.ready()).isTrue();
    });
    long limitKiB = Quantity.getAmountInBytes(release.deployment().getSpec().getTemplate()
        .getSpec().getContainers().get(0).getResources().getLimits().get("memory")).longValue() / 1024;
    Pod pod = Fixtures.deploymentPod("largest");
    pod.getMetadata().setNamespace(apps);
    ObjectNode normal = AdmissionReviews.forPod(pod);
    ObjectNode largest = normal.deepCopy();
    ((ArrayNode) largest.path("request").path("object").path("spec").path("containers")
        .get(0).withArray("env")).addObject().put("name", "LARGE").put("value", "v".repeat(2_900_000));
    byte[] body = AdmissionReviews.bytes(largest);

    // the chart's liveness probe, asked 20 times as often as the kubelet asks it: the container would be
    // restarted after failureThreshold failures in a row, each a timeoutSeconds without an answer
    Probe liveness = release.deployment().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getLivenessProbe();
    Duration probeTimeout = Duration.ofSeconds(liveness.getTimeoutSeconds() == null ? 1 : liveness.getTimeoutSeconds());
    int failureThreshold = liveness.getFailureThreshold() == null ? 3 : liveness.getFailureThreshold();
    AtomicInteger inARow = new AtomicInteger();
    AtomicInteger mostInARow = new AtomicInteger();
    ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
    probes.scheduleWithFixedDelay(() -> {
      if (replica.status("/healthz", probeTimeout) == 200) {
        inARow.set(0);
      } else {
        mostInARow.accumulateAndGet(inARow.incrementAndGet(), Math::max);
      }
    }, 0, liveness.getPeriodSeconds() == null ? 500 : liveness.getPeriodSeconds() * 50L, TimeUnit.MILLISECONDS);
    Map<String, Long> answers;
    try {
      answers = ReviewLoad.run(replica.webhookPort(), body, 32,
          Duration.ofSeconds(Integer.getInteger("resilience.seconds", 8)));
    } finally {
      probes.shutdownNow();
    }
    long peak = replica.peakRssKiB();
    System.out.printf("largest reviews (%d KiB) from 32 clients: %s; peak RSS %d MiB of a %d MiB limit; "
        + "at most %d liveness probes failed in a row%n", body.length / 1024, answers, peak / 1024, limitKiB / 1024,
        mostInARow.get());
    assertThat(replica.alive()).as("alive after the load\n" + replica.log()).isTrue();
    assertThat(peak).as("peak RSS (KiB) under the chart's limit").isPositive().isLessThan(limitKiB);
    assertThat(mostInARow.get()).as("liveness probes failed in a row (%s timeout each)", probeTimeout)
        .isLessThan(failureThreshold);
    assertThat(answers.keySet()).as("answers: %s", answers).isSubsetOf("200", "503", "failed");
    assertThat(answers.getOrDefault("200", 0L)).as("some of the largest reviews answered: %s", answers).isPositive();
    var after = ReviewLoad.once(replica.webhookPort(),
        AdmissionReviews.bytes(normal));
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(AdmissionReviews.patch(
        AdmissionReviews.read(after.body())).toString()).as("a normal review is injected")
        .contains("instrumentor-java-agent");
    replica.terminate();
    assertThat(replica.awaitExit(Duration.ofSeconds(10))).as("stopped").isNotNull();
  }

  @Test
  @Order(5)
  void withTheOperatorStoppedAnnotatedPodsAreStillCreatedUninstrumented() throws Exception {
    for (OperatorProcess replica : replicas) {
      stopServing(replica);
      replica.terminate();
      assertThat(replica.awaitExit(Duration.ofSeconds(10))).as(replica.name() + " stopped").isNotNull();
    }
    // failurePolicy Ignore: the API server cannot reach the webhook and admits the pod as it is
    Pod pod = annotatedPod("operator-down");
    assertThat(injected(pod)).isFalse();
    assertThat(pod.getMetadata().getAnnotations()).doesNotContainKey("instrumentor.dev/injection-status");
  }
}
