package dev.instrumentor.operator.cli;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.collector.TelemetryCollectorReconciler;
import dev.instrumentor.webhook.json.KubeSerialization;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The kinds the operator's informers watch. {@link KubeSerialization#SHARED} finds no kind on the class path by
 * itself: these are registered on it before the client starts, so that their watch events read straight into
 * their classes (an unregistered kind reads right too, through a generic resource and a conversion, at twice the
 * work per event).
 */
public final class WatchedKinds {

  private WatchedKinds() {
  }

  /**
   * The custom resources, the namespaces (whose annotations ask for injection), the fleet view's pods, the
   * collectors' inputs and everything a collector owns.
   */
  public static Set<Class<? extends HasMetadata>> all() {
    Set<Class<? extends HasMetadata>> kinds = new LinkedHashSet<>(List.of(Instrumentation.class,
        TelemetryCollector.class, Namespace.class, Pod.class, ConfigMap.class, Secret.class, Job.class,
        ClusterRoleBinding.class));
    kinds.addAll(TelemetryCollectorReconciler.OWNED);
    return kinds;
  }

  /** Registers {@link #all()} on the process's shared serialization, which the client is built with. */
  public static KubernetesSerialization registered() {
    all().forEach(KubeSerialization.SHARED::registerKubernetesResource);
    return KubeSerialization.SHARED;
  }
}
