package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.kube.ResourceApplier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collector's objects as this reconcile sees them: read from the caches its reconciler registered
 * (no API call), written through server-side apply with each write shown to the cache at once (so the
 * reconcile our own write triggers sees it), and deleted when no longer wanted. Owned objects are found by
 * owner reference; the cluster-scoped ClusterRoleBindings, which cannot be owned, by their labels.
 */
final class CollectorObjects {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorObjects.class);
  /** The workload kinds, in the order a running collector's workload is looked for. */
  static final List<Class<? extends HasMetadata>> WORKLOADS = List.of(Deployment.class, StatefulSet.class,
      DaemonSet.class);

  private final Context<TelemetryCollector> context;
  private final TelemetryCollector collector;

  CollectorObjects(Context<TelemetryCollector> context, TelemetryCollector collector) {
    this.context = context;
    this.collector = collector;
  }

  /** Applies {@code desired} when it differs from {@code actual} (the cached copy); the object written, or null. */
  HasMetadata apply(ResourceApplier applier, HasMetadata desired, HasMetadata actual) {
    HasMetadata written = applier.apply(desired, actual);
    if (written != null) {
      remember(written, actual);
    }
    return written;
  }

  /** Shows our own write to the cache of its kind at once. */
  void remember(HasMetadata written, HasMetadata before) {
    InformerEventSource<HasMetadata, TelemetryCollector> source = informer(context, written.getClass());
    if (source != null) {
      ResourceID primary = ResourceID.fromResource(collector);
      if (before == null) {
        source.handleRecentResourceCreate(primary, written);
      } else {
        source.handleRecentResourceUpdate(primary, written, before);
      }
    }
  }

  /** The object of {@code type} and {@code name} this collector owns (or its binding of that name), or null. */
  HasMetadata cached(Class<? extends HasMetadata> type, String name) {
    if (type == ClusterRoleBinding.class) {
      return bindings().stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst().orElse(null);
    }
    return owned(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst().orElse(null);
  }

  /** The collector's workload (Deployment, StatefulSet or DaemonSet) as cached, or null. */
  HasMetadata workload() {
    for (Class<? extends HasMetadata> type : WORKLOADS) {
      HasMetadata workload = cached(type, CollectorManifests.name(collector));
      if (workload != null) {
        return workload;
      }
    }
    return null;
  }

  /**
   * The objects of {@code type} this collector owns, from the owned-objects cache only (the input
   * caches hold ConfigMaps too: the user's, never to be changed or deleted).
   */
  Set<HasMetadata> owned(Class<? extends HasMetadata> type) {
    InformerEventSource<HasMetadata, TelemetryCollector> source = informer(context, type);
    if (source == null) {
      return Set.of();
    }
    String uid = collector.getMetadata().getUid();
    return source.getSecondaryResources(collector).stream()
        .filter(o -> o.getMetadata().getOwnerReferences().stream().anyMatch(owner -> Objects.equals(owner.getUid(), uid)
            && owner.getName().equals(collector.getMetadata().getName())))
        .collect(Collectors.toSet());
  }

  /** The collector's ClusterRoleBindings, found by their labels (they have no owner). */
  List<ClusterRoleBinding> bindings() {
    InformerEventSource<HasMetadata, TelemetryCollector> source = informer(context, ClusterRoleBinding.class);
    if (source == null) {
      return List.of();
    }
    Map<String, String> wanted = CollectorPermissions.labels(collector);
    return source.list(binding -> binding.getMetadata().getLabels() != null
            && binding.getMetadata().getLabels().entrySet().containsAll(wanted.entrySet()))
        .map(ClusterRoleBinding.class::cast).toList();
  }

  /** A Secret or ConfigMap the collector's pods read, as cached (content hash only), or null. */
  HasMetadata input(CollectorInputs.Ref ref) {
    Class<?> type = ref.kind().equals("Secret") ? Secret.class : ConfigMap.class;
    @SuppressWarnings("unchecked")
    EventSource<?, TelemetryCollector> source = context.eventSourceRetriever()
        .getEventSourceFor((Class<Object>) type, TelemetryCollectorReconciler.INPUT_PREFIX + ref.kind());
    if (!(source instanceof InformerEventSource<?, ?> informer)) {
      return null;
    }
    return (HasMetadata) informer.get(new ResourceID(ref.name(), collector.getMetadata().getNamespace())).orElse(null);
  }

  /** The inputs hash of the workload's pod template as cached, else {@code fallback} (nothing rolled out yet). */
  String rolledOutInputsHash(String fallback) {
    for (Class<? extends HasMetadata> type : WORKLOADS) {
      HasMetadata workload = cached(type, CollectorManifests.name(collector));
      PodTemplateSpec template = workload instanceof Deployment d ? d.getSpec().getTemplate()
          : workload instanceof StatefulSet st ? st.getSpec().getTemplate()
          : workload instanceof DaemonSet ds ? ds.getSpec().getTemplate() : null;
      if (template != null && template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
        return template.getMetadata().getAnnotations().get(CollectorInputs.INPUTS_HASH_ANNOTATION);
      }
    }
    return fallback;
  }

  /** Deletes what this collector owns (and its bindings) that {@code wanted} ("Kind/name") no longer names. */
  void deleteUnwanted(Set<String> wanted) {
    for (ClusterRoleBinding binding : bindings()) {
      if (!wanted.contains("ClusterRoleBinding/" + binding.getMetadata().getName())) {
        LOG.info("deleting ClusterRoleBinding {}: the config no longer needs it", binding.getMetadata().getName());
        context.getClient().resource(binding).delete();
      }
    }
    for (Class<? extends HasMetadata> type : TelemetryCollectorReconciler.OWNED) {
      for (HasMetadata owned : owned(type)) {
        if (!wanted.contains(owned.getKind() + "/" + owned.getMetadata().getName())) {
          LOG.info("deleting {} {}: no longer part of the collector", owned.getKind(), owned.getMetadata().getName());
          context.getClient().resource(owned).delete();
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<HasMetadata, TelemetryCollector> informer(Context<TelemetryCollector> context,
      Class<?> type) {
    EventSource<?, TelemetryCollector> source = context.eventSourceRetriever()
        .getEventSourceFor((Class<Object>) type, type.getSimpleName());
    return source instanceof InformerEventSource<?, ?> informer
        ? (InformerEventSource<HasMetadata, TelemetryCollector>) informer : null;
  }
}
