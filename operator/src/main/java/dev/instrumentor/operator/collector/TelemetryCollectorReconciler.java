package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.ManagementState;
import dev.instrumentor.api.v1alpha1.ScaleStatus;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorStatus;
import dev.instrumentor.operator.instrumentation.InstrumentationReconciler;
import dev.instrumentor.operator.kube.EventRecorder;
import dev.instrumentor.operator.kube.ResourceApplier;
import dev.instrumentor.operator.kube.WrittenStatuses;
import dev.instrumentor.webhook.sidecar.CollectorContainer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a TelemetryCollector's objects as {@link CollectorManifests} describes them and reports
 * status. An invalid config is reported (Ready=False, an Event) and nothing is changed, so the
 * running collector keeps its last good config. Owned objects are watched through caches limited
 * to Instrumentor's label; an idle collector costs no API call. The reconciler also sees deletions
 * ({@code triggerReconcilerOnAllEvents}): a collector with ClusterRoleBindings carries a finalizer
 * until they are deleted, as they cannot be owned by it ({@link CollectorPermissions}).
 */
@ControllerConfiguration(name = "telemetrycollector", triggerReconcilerOnAllEvents = true)
public final class TelemetryCollectorReconciler implements Reconciler<TelemetryCollector> {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryCollectorReconciler.class);
  /** Only objects carrying this label are cached: the operator's memory does not grow with the cluster. */
  public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=instrumentor";
  public static final List<Class<? extends HasMetadata>> OWNED = List.of(
      ConfigMap.class, ServiceAccount.class, Deployment.class, DaemonSet.class, StatefulSet.class, Service.class,
      HorizontalPodAutoscaler.class,
      PodDisruptionBudget.class, Ingress.class, NetworkPolicy.class);
  private static final String INPUTS_INDEX = "inputs";
  static final String INPUT_PREFIX = "Input";

  private final CollectorManifests manifests;
  private final ResourceApplier applier;
  private final EventRecorder events;
  private final Clock clock;
  private final Set<String> secretNamespaces;
  private final WrittenStatuses<TelemetryCollectorStatus> written = new WrittenStatuses<>();
  private final boolean validateConfigs;
  private final ServiceMonitors monitors;

  /** Watching the Secrets collectors read in every namespace. */
  public TelemetryCollectorReconciler(CollectorManifests manifests, ResourceApplier applier, EventRecorder events,
      Clock clock) {
    this(manifests, applier, events, clock, Set.of("*"));
  }

  /**
   * @param secretNamespaces where the Secrets collectors read are watched (a rotation rolls the pods):
   *     namespaces, {@code *} for all, empty for none (the operator then reads no Secret)
   */
  public TelemetryCollectorReconciler(CollectorManifests manifests, ResourceApplier applier, EventRecorder events,
      Clock clock, Set<String> secretNamespaces) {
    this(manifests, applier, events, clock, secretNamespaces, false);
  }

  /**
   * @param validateConfigs whether a config is rolled out only once the collector image's own
   *     {@code validate} accepted it ({@link ConfigValidation}: a Job, so a kubelet must run it)
   */
  public TelemetryCollectorReconciler(CollectorManifests manifests, ResourceApplier applier, EventRecorder events,
      Clock clock, Set<String> secretNamespaces, boolean validateConfigs) {
    this.validateConfigs = validateConfigs;
    this.secretNamespaces = Set.copyOf(secretNamespaces);
    this.manifests = manifests;
    this.applier = applier;
    this.events = events;
    this.clock = clock;
    this.monitors = new ServiceMonitors(clock);
  }

  @Override
  public List<EventSource<?, TelemetryCollector>> prepareEventSources(EventSourceContext<TelemetryCollector> context) {
    List<EventSource<?, TelemetryCollector>> sources = new ArrayList<>();
    for (Class<? extends HasMetadata> type : OWNED) {
      sources.add(informer(type, context));
    }
    context.getPrimaryCache().addIndexer(INPUTS_INDEX, collector -> CollectorInputs.referenced(collector.getSpec())
        .stream().map(ref -> ref.kind() + "/" + collector.getMetadata().getNamespace() + "/" + ref.name()).toList());
    sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(ClusterRoleBinding.class,
            TelemetryCollector.class)
        .withName(ClusterRoleBinding.class.getSimpleName())
        .withLabelSelector(MANAGED_SELECTOR)
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper(binding -> {
          Map<String, String> labels = binding.getMetadata().getLabels();
          String namespace = labels == null ? null : labels.get(CollectorPermissions.NAMESPACE_LABEL);
          String name = labels == null ? null : labels.get(CollectorPermissions.NAME_LABEL);
          return namespace == null || name == null ? Set.of() : Set.of(new ResourceID(name, namespace));
        })
        .build(), context));
    if (!secretNamespaces.isEmpty()) {
      sources.add(inputs(Secret.class, context, secretNamespaces.contains("*") ? null : secretNamespaces));
    }
    sources.add(inputs(ConfigMap.class, context, null));
    if (validateConfigs) {
      sources.add(informer(Job.class, context));
    }
    return sources;
  }

  /**
   * Secrets or ConfigMaps that collectors read: any name, so not limited by label; the cache keeps
   * only their content hash ({@link CollectorInputs#withoutData}), and an event reaches the
   * collectors that reference the object by name.
   */
  private static <R extends HasMetadata> EventSource<R, TelemetryCollector> inputs(Class<R> type,
      EventSourceContext<TelemetryCollector> context, Set<String> namespaces) {
    String kind = type.getSimpleName();
    InformerEventSourceConfiguration.Builder<R> builder = InformerEventSourceConfiguration.from(type,
        TelemetryCollector.class);
    if (namespaces == null) {
      builder.withNamespacesInheritedFromController();
    } else {
      builder.withNamespaces(namespaces);
    }
    return new InformerEventSource<>(builder
        .withName(INPUT_PREFIX + kind)
        .withItemStore(new TransformingItemStore<R>(CollectorInputs::withoutData))
        .withInformerListLimit(InstrumentationReconciler.LIST_PAGE)
        .withOnUpdateFilter((updated, old) -> !CollectorInputs.contentHash(updated).equals(CollectorInputs.contentHash(old)))
        .withSecondaryToPrimaryMapper(object -> context.getPrimaryCache()
            .byIndex(INPUTS_INDEX, kind + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
  }

  private static <R extends HasMetadata> EventSource<R, TelemetryCollector> informer(Class<R> type,
      EventSourceContext<TelemetryCollector> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, TelemetryCollector.class)
        .withName(type.getSimpleName())
        .withLabelSelector(MANAGED_SELECTOR)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(TelemetryCollector.class))
        .build(), context);
  }

  /**
   * A failed reconcile or status patch (a conflict with a write we have not seen yet): the status we
   * meant to write was not written, so it must not be taken for the latest; JOSDK retries.
   */
  @Override
  public ErrorStatusUpdateControl<TelemetryCollector> updateErrorStatus(
      TelemetryCollector resource, Context<TelemetryCollector> context, Exception e) {
    written.forget(resource);
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /**
   * The steps, in order: a deleted collector's bindings go; the config is checked (component types, then
   * the image's own validate) and kept from rollout while it is not good; what the pods read is hashed; the
   * objects are applied (the finalizer first when bindings are needed) and what is no longer wanted deleted;
   * then the status says what was found.
   */
  @Override
  public UpdateControl<TelemetryCollector> reconcile(TelemetryCollector collector, Context<TelemetryCollector> context) {
    if (context.isPrimaryResourceDeleted() || collector.isMarkedForDeletion()) {
      return cleanUp(collector, context);
    }
    TelemetryCollectorStatus previous = written.latest(collector, collector.getStatus());
    TelemetryCollectorStatus status = copy(previous);
    status.setObservedGeneration(collector.getMetadata().getGeneration());
    CollectorConditions conditions = new CollectorConditions(status, collector, clock);
    conditions.supported(CollectorCompatibility.notApplied(collector.getSpec()));
    if (collector.getSpec().getManagementState() == ManagementState.UNMANAGED) {
      conditions.unmanaged();
      return statusUpdate(collector, previous, status);
    }
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    String image = image(collector);
    conditions.components(CollectorComponents.forImage(image), image);
    List<String> problems = CollectorComponents.problems(config, image);
    if (!problems.isEmpty()) {
      keepLastGood(context, collector, status, image, "InvalidConfig", "config not rolled out, the collector keeps its"
          + " last good config: " + String.join("; ", problems));
      return statusUpdate(collector, previous, status);
    }
    if (!validated(context, collector, status, image, CollectorManifests.configYaml(collector, config))) {
      return statusUpdate(collector, previous, status);
    }
    List<CollectorInputs.Ref> refs = CollectorInputs.referenced(collector.getSpec());
    List<CollectorInputs.Ref> followed = CollectorInputs.followed(refs, secretNamespaces,
        collector.getMetadata().getNamespace());
    CollectorObjects objects = new CollectorObjects(context, collector);
    CollectorInputs.Versions inputs = CollectorInputs.versions(followed, objects::input);
    // a required input missing: keep the running pods (their template keeps its hash) rather than roll to pods
    // that cannot start; the Inputs condition says what is missing
    String inputsHash = inputs.missing().isEmpty() ? inputs.hash() : objects.rolledOutInputsHash(inputs.hash());
    List<HasMetadata> desired = manifests.desired(collector, config, inputsHash);
    boolean bound = desired.stream().anyMatch(o -> o instanceof ClusterRoleBinding);
    if (bound) {
      addFinalizer(collector, context);
    }
    Applied applied = apply(context, objects, collector, desired, conditions);
    if (!bound) {
      removeFinalizerOnceUnbound(collector, context, objects);
    }

    CollectorMode mode = collector.getSpec().getMode() == null ? CollectorMode.DEPLOYMENT : collector.getSpec().getMode();
    status.setImage(image);
    status.setConfigHash(CollectorManifests.hash(CollectorManifests.configYaml(collector, config)));
    conditions.observability(applied.monitor());
    conditions.permissions(CollectorPermissions.needs(collector, config), desired, manifests.clusterRolePrefix());
    conditions.traceRouting(config.usesProcessor("tail_sampling") && mode != CollectorMode.SIDECAR
        && (mode == CollectorMode.DAEMONSET || CollectorManifests.maxReplicas(collector.getSpec()) > 1));
    conditions.listeners(config.render(mode != CollectorMode.SIDECAR).defaulted());
    conditions.inputs(refs, followed, inputs);
    if (mode == CollectorMode.SIDECAR) {
      status.setScale(null);
      conditions.sidecarReady();
    } else {
      int[] readyTotal = readyTotal(applied.workload());
      status.setScale(scale(collector, readyTotal));
      conditions.available(readyTotal);
    }
    UpdateControl<TelemetryCollector> update = statusUpdate(collector, previous, status);
    return applied.monitor().equals(ServiceMonitors.MISSING) ? update.rescheduleAfter(ServiceMonitors.DISCOVERY_TTL)
        : update;
  }

  private String image(TelemetryCollector collector) {
    return collector.getSpec().getImage() == null || collector.getSpec().getImage().isBlank()
        ? manifests.defaultImage() : collector.getSpec().getImage();
  }

  /** A deleted collector: what it owns goes by garbage collection; its cluster-scoped bindings are ours to delete. */
  private UpdateControl<TelemetryCollector> cleanUp(TelemetryCollector collector, Context<TelemetryCollector> context) {
    for (ClusterRoleBinding binding : new CollectorObjects(context, collector).bindings()) {
      LOG.info("deleting ClusterRoleBinding {}: its collector is deleted", binding.getMetadata().getName());
      context.getClient().resource(binding).delete();
    }
    if (!context.isPrimaryResourceDeleted() && collector.hasFinalizer(CollectorPermissions.FINALIZER)) {
      try {
        context.getClient().resource(collector).edit(c -> {
          c.removeFinalizer(CollectorPermissions.FINALIZER);
          return c;
        });
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        // an earlier event's reconcile removed it and the collector is gone: done
      }
    }
    written.forget(collector);
    return UpdateControl.noUpdate();
  }

  /**
   * Before the first binding exists: deleting the collector must reach us to delete it (the status patch
   * then carries the resourceVersion this write made).
   */
  private static void addFinalizer(TelemetryCollector collector, Context<TelemetryCollector> context) {
    if (!collector.hasFinalizer(CollectorPermissions.FINALIZER)) {
      followWrite(collector, context.getClient().resource(collector).edit(c -> {
        c.addFinalizer(CollectorPermissions.FINALIZER);
        return c;
      }));
    }
  }

  /** The bindings' deletions are seen in the cache (this reconcile's come back as events): then the finalizer goes. */
  private static void removeFinalizerOnceUnbound(TelemetryCollector collector, Context<TelemetryCollector> context,
      CollectorObjects objects) {
    if (collector.hasFinalizer(CollectorPermissions.FINALIZER) && objects.bindings().isEmpty()) {
      followWrite(collector, context.getClient().resource(collector).edit(c -> {
        c.removeFinalizer(CollectorPermissions.FINALIZER);
        return c;
      }));
    }
  }

  /**
   * What applying found: the workload as written or cached (null for a sidecar), and the ServiceMonitor's
   * state (the Observability reason).
   */
  private record Applied(HasMetadata workload, String monitor) {
  }

  /**
   * Applies each desired object that differs from its cached copy, deletes owned objects no longer desired,
   * and makes the ServiceMonitor what the spec asks for ({@link ServiceMonitors}).
   */
  private Applied apply(Context<TelemetryCollector> context, CollectorObjects objects, TelemetryCollector collector,
      List<HasMetadata> desired, CollectorConditions conditions) {
    HasMetadata workload = null;
    GenericKubernetesResource monitor = null;
    Set<String> wanted = new HashSet<>();
    for (HasMetadata object : desired) {
      if (object instanceof GenericKubernetesResource serviceMonitor) {
        monitor = serviceMonitor;
        continue;
      }
      wanted.add(object.getKind() + "/" + object.getMetadata().getName());
      HasMetadata actual = objects.cached(object.getClass(), object.getMetadata().getName());
      HasMetadata written = objects.apply(applier, object, actual);
      if (object instanceof Deployment || object instanceof DaemonSet || object instanceof StatefulSet) {
        workload = written != null ? written : actual;
      }
    }
    objects.deleteUnwanted(wanted);
    Condition observed = conditions.get(CollectorConditions.OBSERVABILITY);
    boolean hadMonitor = observed != null && ServiceMonitors.IN_PLACE.equals(observed.getReason());
    return new Applied(workload, monitors.reconcile(context.getClient(), applier, collector, monitor, hadMonitor));
  }

  /**
   * Reports a config that is not rolled out (Ready=False, a Warning Event and log line) and what keeps
   * running: {@code kubectl get tc} shows the image of the last good config, else the one this config asks
   * for, and the pods that run (0/0 when no config was ever good).
   */
  private void keepLastGood(Context<TelemetryCollector> context, TelemetryCollector collector,
      TelemetryCollectorStatus status, String image, String reason, String message) {
    CollectorConditions conditions = new CollectorConditions(status, collector, clock);
    Condition before = conditions.get(CollectorConditions.READY);
    if (before == null || !reason.equals(before.getReason()) || !message.equals(before.getMessage())) {
      // once per verdict, not on every reconcile its Deployment's status changes bring
      events.record(collector, "Warning", reason, "Validate", message);
      LOG.warn("collector config of {}/{} not rolled out ({}): {}", collector.getMetadata().getNamespace(),
          collector.getMetadata().getName(), reason, message);
    }
    conditions.notRolledOut(reason, message);
    if (status.getImage() == null) {
      status.setImage(image);
    }
    if (collector.getSpec().getMode() != CollectorMode.SIDECAR) {
      status.setScale(scale(collector, readyTotal(new CollectorObjects(context, collector).workload())));
    }
  }

  /**
   * Whether the config may be rolled out: the collector image's own validate accepted it (now or before),
   * could not run (then it is rolled out as before validation existed, and the Validated condition says
   * why), or validation is off. While the Job runs, or when the collector refused the config, the running
   * collector keeps its last good config and the status says so.
   */
  private boolean validated(Context<TelemetryCollector> context, TelemetryCollector collector,
      TelemetryCollectorStatus status, String image, String configYaml) {
    CollectorConditions conditions = new CollectorConditions(status, collector, clock);
    if (!validateConfigs) {
      conditions.validationOff();
      return true;
    }
    String key = ConfigValidation.key(collector, image, configYaml);
    if (key.equals(status.getAcceptedConfig())) {
      return true;
    }
    String jobName = ConfigValidation.jobName(collector, key);
    CollectorObjects objects = new CollectorObjects(context, collector);
    Job job = (Job) objects.cached(Job.class, jobName);
    if (job == null) {
      try {
        objects.remember(context.getClient().resource(ConfigValidation.job(collector, image, configYaml, key)).create(),
            null);
        LOG.info("validating the config of collector {}/{} with its image: Job {}", collector.getMetadata().getNamespace(),
            collector.getMetadata().getName(), jobName);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // created by an earlier reconcile whose write the cache has not shown yet
      }
    }
    ConfigValidation.Verdict verdict = ConfigValidation.verdict(job, () -> context.getClient().pods()
        .inNamespace(collector.getMetadata().getNamespace()).withLabel("batch.kubernetes.io/job-name", jobName)
        .list().getItems());
    switch (verdict.state()) {
      case ACCEPTED -> {
        status.setAcceptedConfig(key);
        conditions.accepted(image, jobName);
        return true;
      }
      case REFUSED -> {
        conditions.refused(verdict.message());
        keepLastGood(context, collector, status, image, "ConfigRefused", "the collector refuses this config, so it is"
            + " not rolled out and the collector keeps its last good config: " + verdict.message());
        return false;
      }
      case NOT_RUN -> {
        Condition before = conditions.get(CollectorConditions.VALIDATED);
        String message = "rolled out without the collector's verdict: its validation could not run (" + verdict.message()
            + ")";
        if (before == null || !message.equals(before.getMessage())) {
          events.record(collector, "Warning", "NotValidated", "Validate", message);
          LOG.warn("collector config of {}/{}: {}", collector.getMetadata().getNamespace(),
              collector.getMetadata().getName(), message);
        }
        conditions.notValidated(message);
        return true;
      }
      default -> {
        conditions.validating(image, jobName);
        if (status.getImage() == null) {
          status.setImage(image);
        }
        return false;
      }
    }
  }

  /** Our copy of the collector takes the metadata our write made, for the status patch's resourceVersion. */
  private static void followWrite(TelemetryCollector collector, TelemetryCollector written) {
    collector.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    collector.getMetadata().setFinalizers(written.getMetadata().getFinalizers());
  }

  /** The scale subresource's status (and the Ready column) from {ready, total} pods. */
  private static ScaleStatus scale(TelemetryCollector collector, int[] readyTotal) {
    ScaleStatus scale = new ScaleStatus();
    scale.setReplicas(readyTotal[1]);
    scale.setStatusReplicas(readyTotal[0] + "/" + readyTotal[1]);
    scale.setSelector(CollectorContainer.selectorLabels(collector.getMetadata().getName()).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
    return scale;
  }

  /** {ready, total} pods of the workload. */
  static int[] readyTotal(HasMetadata workload) {
    if (workload instanceof Deployment d && d.getStatus() != null) {
      return new int[] {nz(d.getStatus().getReadyReplicas()), nz(d.getSpec().getReplicas())};
    }
    if (workload instanceof StatefulSet s && s.getStatus() != null) {
      return new int[] {nz(s.getStatus().getReadyReplicas()), nz(s.getSpec().getReplicas())};
    }
    if (workload instanceof DaemonSet d && d.getStatus() != null) {
      return new int[] {nz(d.getStatus().getNumberReady()), nz(d.getStatus().getDesiredNumberScheduled())};
    }
    if (workload instanceof Deployment d) {
      return new int[] {0, nz(d.getSpec().getReplicas())};
    }
    if (workload instanceof StatefulSet s) {
      return new int[] {0, nz(s.getSpec().getReplicas())};
    }
    return new int[] {0, 0};
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }

  private static TelemetryCollectorStatus copy(TelemetryCollectorStatus status) {
    TelemetryCollectorStatus copy = new TelemetryCollectorStatus();
    if (status != null) {
      copy.setObservedGeneration(status.getObservedGeneration());
      copy.setConditions(status.getConditions() == null ? null : new ArrayList<>(status.getConditions()));
      copy.setImage(status.getImage());
      copy.setScale(status.getScale());
      copy.setConfigHash(status.getConfigHash());
      copy.setAcceptedConfig(status.getAcceptedConfig());
    }
    return copy;
  }

  /** Patches the status only when it changed: an idle collector causes no write. */
  private UpdateControl<TelemetryCollector> statusUpdate(TelemetryCollector collector,
      TelemetryCollectorStatus previous, TelemetryCollectorStatus status) {
    if (status.equals(previous)) {
      return UpdateControl.noUpdate();
    }
    written.wrote(collector, status);
    TelemetryCollector fresh = new TelemetryCollector();
    fresh.getMetadata().setName(collector.getMetadata().getName());
    fresh.getMetadata().setNamespace(collector.getMetadata().getNamespace());
    fresh.getMetadata().setResourceVersion(collector.getMetadata().getResourceVersion());
    fresh.setSpec(collector.getSpec());
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh);
  }
}
