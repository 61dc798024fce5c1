package dev.instrumentor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.instrumentor.e2e.harness.ChartRelease;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The chart, rendered by real Helm (helm-java), in every certificate mode. */
class HelmChartTest {

  private static final Path CHART = Path.of("").toAbsolutePath().resolveSibling("helm-chart/instrumentor");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static List<HasMetadata> render(Map<String, Object> values) {
    return ChartRelease.render("instrumentor", "instrumentor-system", "1.31.0", values).objects();
  }

  private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  /** The operator's own ClusterRole (the others are the collectors'). */
  private static ClusterRole operatorRole(List<HasMetadata> objects) {
    List<ClusterRole> found = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .filter(role -> role.getMetadata().getName().equals("instrumentor")).toList();
    assertThat(found).as("the operator's ClusterRole").hasSize(1);
    return found.get(0);
  }

  private static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
  }

  @Test
  void lintsCleanly() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultValuesRenderAHardenedHighlyAvailableOperator() {
    List<HasMetadata> objects = render(Map.of());

    assertThat(kinds(objects)).containsExactly(
        "ClusterRole/instrumentor", "ClusterRole/instrumentor-collector-k8s-cluster",
        "ClusterRole/instrumentor-collector-k8sattributes", "ClusterRole/instrumentor-collector-k8sobjects",
        "ClusterRole/instrumentor-collector-kubeletstats", "ClusterRole/instrumentor-collector-target-allocator",
        "ClusterRoleBinding/instrumentor", "Deployment/instrumentor",
        "MutatingWebhookConfiguration/instrumentor", "NetworkPolicy/instrumentor", "PodDisruptionBudget/instrumentor",
        "Role/instrumentor", "RoleBinding/instrumentor", "Service/instrumentor-metrics", "Service/instrumentor-webhook",
        "ServiceAccount/instrumentor");
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile().getType())
        .isEqualTo("RuntimeDefault");
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(operator.getArgs()).contains("run", "--self-managed-certificates", "--webhook-secret=instrumentor-webhook-tls",
        "--webhook-configuration=instrumentor", "--webhook-service=instrumentor-webhook", "--leader-election");
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    // the JVM options on the command line: no launcher note in the JSON logs, as JDK_JAVA_OPTIONS would print
    assertThat(operator.getCommand()).startsWith("java").endsWith("-jar", "/app/instrumentor.jar")
        .contains("-XX:MaxRAMPercentage=55", "-XX:+ExitOnOutOfMemoryError", "-XX:SharedArchiveFile=/app/instrumentor.jsa");
    assertThat(operator.getEnv()).noneMatch(env -> env.getName().equals("JDK_JAVA_OPTIONS"));
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("tls");
      assertThat(v.getEmptyDir()).isNotNull(); // selfManaged: the operator writes its certificate here
    });
    assertThat(one(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);

    MutatingWebhook webhook = one(objects, MutatingWebhookConfiguration.class).getWebhooks().get(0);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getTimeoutSeconds()).isLessThanOrEqualTo(5);
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getOperations()).containsExactly("CREATE");
      assertThat(rule.getResources()).containsExactly("pods");
    });
    assertThat(webhook.getNamespaceSelector().getMatchExpressions().get(0).getValues())
        .containsExactly("kube-system", "kube-public", "kube-node-lease", "instrumentor-system");
    assertThat(webhook.getClientConfig().getService().getName()).isEqualTo("instrumentor-webhook");
    assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate-pod");
    assertThat(webhook.getClientConfig().getCaBundle()).as("set by the operator, never by Helm").isNull();
  }

  /**
   * The privileges the chart grants, as reviewed: a change here is a change of privilege. That they
   * suffice is not shown here but by the e2e suite, which runs the operator under these roles on a
   * real API server (ChartOnRealApiServerTest).
   */
  private static final Set<String> CLUSTER_PERMISSIONS = Set.of(
      "instrumentor.dev/instrumentations:get,list,watch", "instrumentor.dev/telemetrycollectors:get,list,watch",
      "instrumentor.dev/instrumentations/status:get,patch,update", "instrumentor.dev/telemetrycollectors/status:get,patch,update",
      "/configmaps:create,delete,get,list,patch,update,watch", "/serviceaccounts:create,delete,get,list,patch,update,watch",
      "/services:create,delete,get,list,patch,update,watch",
      "apps/deployments:create,delete,get,list,patch,update,watch", "apps/daemonsets:create,delete,get,list,patch,update,watch",
      "apps/statefulsets:create,delete,get,list,patch,update,watch",
      "autoscaling/horizontalpodautoscalers:create,delete,get,list,patch,update,watch",
      "policy/poddisruptionbudgets:create,delete,get,list,patch,update,watch",
      "networking.k8s.io/ingresses:create,delete,get,list,patch,update,watch",
      "networking.k8s.io/networkpolicies:create,delete,get,list,patch,update,watch",
      "/namespaces:get,list,watch", "events.k8s.io/events:create",
      "url:/version:get",
      "admissionregistration.k8s.io/mutatingwebhookconfigurations[instrumentor]:get,patch,update",
      "instrumentor.dev/telemetrycollectors:patch",
      "monitoring.coreos.com/servicemonitors:create,delete,get,patch,update",
      "/pods:list,watch",
      "batch/jobs:create,get,list,watch", "/pods:list",
      "rbac.authorization.k8s.io/clusterrolebindings:create,delete,get,list,patch,update,watch",
      "rbac.authorization.k8s.io/clusterroles[instrumentor-collector-k8sattributes,instrumentor-collector-kubeletstats,"
          + "instrumentor-collector-k8s-cluster,instrumentor-collector-k8sobjects,instrumentor-collector-target-allocator]:bind");
  /** Cluster-scoped whatever namespaces are watched. */
  private static final Set<String> CLUSTER_ONLY = Set.of("/namespaces:get,list,watch", "url:/version:get",
      "admissionregistration.k8s.io/mutatingwebhookconfigurations[instrumentor]:get,patch,update",
      "rbac.authorization.k8s.io/clusterrolebindings:create,delete,get,list,patch,update,watch",
      "rbac.authorization.k8s.io/clusterroles[instrumentor-collector-k8sattributes,instrumentor-collector-kubeletstats,"
          + "instrumentor-collector-k8s-cluster,instrumentor-collector-k8sobjects,instrumentor-collector-target-allocator]:bind");
  private static final Set<String> NAMESPACE_PERMISSIONS = Set.of(
      "coordination.k8s.io/leases:create,get,patch,update", "/secrets:create", "/secrets[instrumentor-webhook-tls]:get,update");

  private static Set<String> permissions(List<PolicyRule> rules) {
    Set<String> permissions = new TreeSet<>();
    for (PolicyRule rule : rules) {
      String verbs = String.join(",", new TreeSet<>(rule.getVerbs()));
      if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
        rule.getNonResourceURLs().forEach(url -> permissions.add("url:" + url + ":" + verbs));
        continue;
      }
      String names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          ? "" : "[" + String.join(",", rule.getResourceNames()) + "]";
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          permissions.add(group + "/" + resource + names + ":" + verbs);
        }
      }
    }
    return permissions;
  }

  @Test
  void rbacGrantsOnlyTheReviewedPrivileges() {
    List<HasMetadata> objects = render(Map.of());
    List<PolicyRule> clusterRules = operatorRole(objects).getRules();
    List<PolicyRule> namespaceRules = one(objects, Role.class).getRules();

    assertThat(permissions(clusterRules)).containsExactlyInAnyOrderElementsOf(CLUSTER_PERMISSIONS);
    assertThat(permissions(namespaceRules)).containsExactlyInAnyOrderElementsOf(NAMESPACE_PERMISSIONS);
    for (PolicyRule rule : concat(clusterRules, namespaceRules)) {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources() == null ? List.<String>of() : rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups() == null ? List.<String>of() : rule.getApiGroups()).doesNotContain("*");
    }
    assertThat(permissions(clusterRules)).as("no Secret of the cluster is readable").noneMatch(p -> p.startsWith("/secrets"));
    // what collectors may be bound to: read-only, and no Secret either
    objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .filter(role -> role.getMetadata().getName().startsWith("instrumentor-collector-")).forEach(role -> {
          assertThat(permissions(role.getRules())).allMatch(p -> p.endsWith(":get,list,watch") || p.endsWith(":get"));
          assertThat(permissions(role.getRules())).noneMatch(p -> p.contains("secrets"));
        });
  }

  /**
   * Secrets are readable only where collectorSecretNamespaces says (list and watch, for the content hash
   * of those collectors read): a Role per namespace, or a ClusterRole rule for "*".
   */
  @Test
  void collectorSecretsAreWatchedOnlyWhereAsked() {
    assertThat(kinds(render(Map.of()))).noneMatch(kind -> kind.contains("collector-secrets"));
    List<HasMetadata> two = render(Map.of("collectorSecretNamespaces[0]", "observability", "collectorSecretNamespaces[1]", "edge"));
    List<Role> roles = two.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .filter(role -> role.getMetadata().getName().equals("instrumentor-collector-secrets")).toList();
    assertThat(roles).extracting(role -> role.getMetadata().getNamespace()).containsExactlyInAnyOrder("observability", "edge");
    roles.forEach(role -> assertThat(permissions(role.getRules())).containsExactly("/secrets:list,watch"));
    assertThat(permissions(operatorRole(two).getRules())).noneMatch(p -> p.startsWith("/secrets"));
    assertThat(one(two, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("INSTRUMENTOR_COLLECTOR_SECRET_NAMESPACES");
          assertThat(e.getValue()).isEqualTo("observability,edge");
        });
    List<HasMetadata> all = render(Map.of("collectorSecretNamespaces[0]", "*"));
    assertThat(permissions(operatorRole(all).getRules())).contains("/secrets:list,watch");
    assertThat(kinds(all)).noneMatch(kind -> kind.contains("collector-secrets"));
  }

  private static List<PolicyRule> concat(List<PolicyRule> a, List<PolicyRule> b) {
    List<PolicyRule> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void aNetworkPolicyOpensTheWebhookToAllAndMetricsToTheMonitoringNamespace() {
    NetworkPolicy policy = one(render(Map.of()), NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    assertThat(policy.getSpec().getIngress().get(0).getFrom()).isNullOrEmpty();
    assertThat(policy.getSpec().getIngress().get(0).getPorts()).singleElement()
        .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("webhook"));
    assertThat(policy.getSpec().getIngress().get(1).getFrom()).singleElement().satisfies(peer ->
        assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring"));
    assertThat(render(Map.of("networkPolicy.enabled", "false"))).noneMatch(NetworkPolicy.class::isInstance);
  }

  @Test
  void certManagerMode() {
    List<HasMetadata> objects = render(Map.of("certificates.mode", "certManager"));
    // cert-manager's own pods never wait for a webhook whose certificate cert-manager provides
    assertThat(one(objects, MutatingWebhookConfiguration.class).getWebhooks().get(0).getNamespaceSelector()
        .getMatchExpressions().get(0).getValues()).contains("cert-manager");

    assertThat(kinds(objects)).contains("Certificate/instrumentor", "Issuer/instrumentor-selfsigned");
    HasMetadata certificate = objects.stream().filter(o -> o.getKind().equals("Certificate")).findFirst().orElseThrow();
    String yaml = SERIALIZATION.asYaml(certificate);
    assertThat(yaml).contains("secretName: \"instrumentor-webhook-tls\"", "instrumentor-webhook.instrumentor-system.svc");
    assertThat(one(objects, MutatingWebhookConfiguration.class).getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "instrumentor-system/instrumentor");
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .doesNotContain("--self-managed-certificates");
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v ->
        assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName()).isEqualTo("instrumentor-webhook-tls"));
    assertThat(permissions(one(objects, Role.class).getRules())).containsExactly("coordination.k8s.io/leases:create,get,patch,update");
    assertThat(permissions(operatorRole(objects).getRules())).noneMatch(p -> p.contains("mutatingwebhook"));

    List<HasMetadata> withIssuer = render(Map.of("certificates.mode", "certManager",
        "certificates.certManager.issuerRef.name", "corp-ca", "certificates.certManager.issuerRef.kind", "ClusterIssuer"));
    assertThat(kinds(withIssuer)).doesNotContain("Issuer/instrumentor-selfsigned");
  }

  @Test
  void providedMode() {
    List<HasMetadata> objects = render(Map.of("certificates.mode", "provided",
        "certificates.provided.secretName", "my-webhook-cert", "certificates.provided.caBundle", "Q0EK"));
    assertThat(one(objects, MutatingWebhookConfiguration.class).getWebhooks().get(0).getClientConfig().getCaBundle())
        .isEqualTo("Q0EK");
    assertThat(one(objects, Deployment.class).getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v ->
        assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName()).isEqualTo("my-webhook-cert"));
    assertThatThrownBy(() -> render(Map.of("certificates.mode", "provided")))
        .hasMessageContaining("is required in provided mode");
  }

  @Test
  void valuesReachTheOperator() {
    Deployment deployment = one(render(Map.of("replicaCount", 3, "watchNamespaces[0]", "shop", "watchNamespaces[1]", "billing",
        "logLevel", "DEBUG", "leaderElection.enabled", false, "defaults.javaAgentImage", "registry/agent:2")), Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(operator.getArgs()).contains("--no-leader-election");
    assertThat(operator.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("INSTRUMENTOR_WATCH_NAMESPACES");
      assertThat(e.getValue()).isEqualTo("shop,billing");
    });
    assertThat(operator.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("INSTRUMENTOR_JAVA_AGENT_IMAGE");
      assertThat(e.getValue()).isEqualTo("registry/agent:2");
    });
    assertThat(kinds(render(Map.of("metrics.serviceMonitor.enabled", true)))).contains("ServiceMonitor/instrumentor");
  }

  @Test
  void watchingNamespacesGrantsTheirPrivilegesInThemOnlyAndSendsOnlyTheirPodsToTheWebhook() {
    List<HasMetadata> objects = render(Map.of("watchNamespaces[0]", "shop", "watchNamespaces[1]", "billing"));
    assertThat(permissions(operatorRole(objects).getRules())).containsExactlyInAnyOrderElementsOf(CLUSTER_ONLY);
    List<Role> watchRoles = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .filter(role -> role.getMetadata().getName().equals("instrumentor-watch")).toList();
    assertThat(watchRoles).extracting(role -> role.getMetadata().getNamespace()).containsExactlyInAnyOrder("shop", "billing");
    Set<String> namespaced = new TreeSet<>(CLUSTER_PERMISSIONS);
    namespaced.removeAll(CLUSTER_ONLY);
    for (Role role : watchRoles) {
      assertThat(permissions(role.getRules())).containsExactlyInAnyOrderElementsOf(namespaced);
    }
    assertThat(kinds(objects)).contains("RoleBinding/instrumentor-watch");
    assertThat(one(objects, MutatingWebhookConfiguration.class).getWebhooks().get(0).getNamespaceSelector()
        .getMatchExpressions()).anySatisfy(expression -> {
          assertThat(expression.getOperator()).isEqualTo("In");
          assertThat(expression.getValues()).containsExactly("shop", "billing");
        });
  }

  @Test
  void chartConventions() {
    List<HasMetadata> renamed = render(Map.of("fullnameOverride", "otel-injector"));
    assertThat(kinds(renamed)).contains("Deployment/otel-injector", "Service/otel-injector-webhook",
        "MutatingWebhookConfiguration/otel-injector", "ServiceAccount/otel-injector");
    Deployment named = one(render(Map.of("nameOverride", "injector")), Deployment.class);
    assertThat(named.getMetadata().getName()).isEqualTo("instrumentor-injector");
    assertThat(named.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "injector");

    String digest = "sha256:" + "ab".repeat(32);
    Deployment pinned = one(render(Map.of("image.digest", digest, "image.tag", "9.9.9")), Deployment.class);
    assertThat(pinned.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/instrumentor-dev/instrumentor@" + digest);

    Deployment custom = one(render(Map.of("podSecurityContext.runAsUser", 10001, "securityContext.runAsUser", 10001,
        "hostNetwork", true, "topologySpreadConstraints[0].maxSkew", 1,
        "topologySpreadConstraints[0].topologyKey", "topology.kubernetes.io/zone",
        "topologySpreadConstraints[0].whenUnsatisfiable", "ScheduleAnyway")), Deployment.class);
    var pod = custom.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("the rest of the default kept").isTrue();
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getTopologySpreadConstraints()).singleElement()
        .satisfies(c -> assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
    assertThat(one(render(Map.of()), Deployment.class).getSpec().getTemplate().getSpec().getHostNetwork()).isNull();

    assertThat(render(Map.of("replicaCount", 1))).as("no PDB that blocks every drain")
        .noneMatch(PodDisruptionBudget.class::isInstance);

    Container certificates = one(render(Map.of("certificates.selfManaged.validityDays", 90,
        "certificates.selfManaged.renewBeforeDays", 15)), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(certificates.getArgs()).contains("--certificate-validity-days=90", "--certificate-renew-before-days=15");
  }

  @Test
  void theValuesSchemaRejectsTyposAndBadValues() {
    assertThatThrownBy(() -> render(Map.of("certificates.mode", "letsencrypt")))
        .hasMessageContaining("at '/certificates/mode': value must be one of 'selfManaged', 'certManager', 'provided'");
    assertThatThrownBy(() -> render(Map.of("replicas", 3)))
        .hasMessageContaining("values don't meet the specifications of the schema").hasMessageContaining("'replicas'");
    assertThatThrownBy(() -> render(Map.of("webhook.timeoutSeconds", 60)))
        .hasMessageContaining("/webhook/timeoutSeconds");
  }
}
