package dev.instrumentor.operator.collector;

import dev.instrumentor.api.InstrumentorLabels;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure code: the Kubernetes API access a collector's config needs — {@code k8sattributes} reads pods,
 * {@code kubeletstats} the kubelet, {@code k8s_cluster} and {@code k8sobjects} the cluster's objects —
 * as ClusterRoleBindings of the collector's own ServiceAccount to fixed ClusterRoles that the Helm chart
 * ships ({@code <prefix>k8sattributes}, ...). The operator holds {@code bind} on those roles by name
 * only, so it can grant no more than they say. A ClusterRoleBinding is cluster-scoped and cannot be
 * owned by a namespaced TelemetryCollector: it carries the collector's namespace and name as labels,
 * and a finalizer on the collector has it deleted with the collector.
 */
public final class CollectorPermissions {

  /** The collector's finalizer, present while it has ClusterRoleBindings. */
  public static final String FINALIZER = "instrumentor.dev/cluster-role-bindings";
  public static final String NAMESPACE_LABEL = "instrumentor.dev/collector-namespace";
  public static final String NAME_LABEL = "instrumentor.dev/collector-name";
  public static final String DEFAULT_ROLE_PREFIX = "instrumentor-collector-";

  /** A need, the component types that have it, and the suffix of the chart's ClusterRole. */
  public enum Need {
    K8SATTRIBUTES("k8sattributes", "processor k8sattributes"),
    KUBELETSTATS("kubeletstats", "receiver kubeletstats"),
    K8S_CLUSTER("k8s-cluster", "receiver k8s_cluster"),
    K8SOBJECTS("k8sobjects", "receiver k8sobjects");

    private final String role;
    private final String component;

    Need(String role, String component) {
      this.role = role;
      this.component = component;
    }

    public String role() {
      return role;
    }

    public String component() {
      return component;
    }
  }

  private CollectorPermissions() {
  }

  /** What the pipelines need; empty for a sidecar (it runs as the application's pod). */
  public static List<Need> needs(TelemetryCollector collector, CollectorConfig config) {
    List<Need> needs = new ArrayList<>();
    if (collector.getSpec().getMode() == CollectorMode.SIDECAR) {
      return needs;
    }
    if (config.usesProcessor("k8sattributes")) {
      needs.add(Need.K8SATTRIBUTES);
    }
    if (config.usesReceiver("kubeletstats")) {
      needs.add(Need.KUBELETSTATS);
    }
    if (config.usesReceiver("k8s_cluster")) {
      needs.add(Need.K8S_CLUSTER);
    }
    if (config.usesReceiver("k8sobjects")) {
      needs.add(Need.K8SOBJECTS);
    }
    return needs;
  }

  /**
   * One ClusterRoleBinding per need, of the operator-made ServiceAccount (none when the spec names its
   * own: its RBAC is the user's).
   */
  public static List<ClusterRoleBinding> bindings(TelemetryCollector collector, List<Need> needs, String rolePrefix) {
    if (ownServiceAccount(collector)) {
      return List.of();
    }
    List<ClusterRoleBinding> bindings = new ArrayList<>();
    for (Need need : needs) {
      String role = rolePrefix + need.role();
      bindings.add(new ClusterRoleBindingBuilder()
          .withNewMetadata().withName(bindingName(collector, role)).withLabels(labels(collector)).endMetadata()
          .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role).endRoleRef()
          .addNewSubject().withKind("ServiceAccount").withName(CollectorManifests.name(collector))
              .withNamespace(collector.getMetadata().getNamespace()).endSubject()
          .build());
    }
    return bindings;
  }

  /** Whether the spec names a ServiceAccount of the user's. */
  public static boolean ownServiceAccount(TelemetryCollector collector) {
    String account = collector.getSpec().getServiceAccount();
    return account != null && !account.isBlank();
  }

  /** {@code <role>:<namespace>:<name>}: unique per collector and role, and says whose it is. */
  static String bindingName(TelemetryCollector collector, String role) {
    return role + ":" + collector.getMetadata().getNamespace() + ":" + collector.getMetadata().getName();
  }

  /** The labels that find a collector's bindings (label selector) and map a binding to its collector. */
  public static Map<String, String> labels(TelemetryCollector collector) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(InstrumentorLabels.MANAGED_BY, InstrumentorLabels.MANAGED_BY_VALUE);
    labels.put(NAMESPACE_LABEL, collector.getMetadata().getNamespace());
    labels.put(NAME_LABEL, collector.getMetadata().getName());
    return labels;
  }
}
