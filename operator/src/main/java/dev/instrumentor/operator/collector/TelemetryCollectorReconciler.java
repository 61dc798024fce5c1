package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.ScaleStatus;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorStatus;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.operator.kube.EventRecorder;
import dev.instrumentor.operator.kube.ResourceApplier;
import dev.instrumentor.operator.kube.WrittenStatuses;
import dev.instrumentor.webhook.collector.CollectorContainer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
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
  /** Condition type: whether listeners were bound to all interfaces where the config gave no address. */
  static final String LISTENERS = "Listeners";
  /** Only objects carrying this label are cached: the operator's memory does not grow with the cluster. */
  public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=instrumentor";
  static final List<Class<? extends HasMetadata>> OWNED = List.of(
      ConfigMap.class, ServiceAccount.class, Deployment.class, DaemonSet.class, StatefulSet.class, Service.class,
      io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class,
      io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);
  /** Condition type: whether traces reach the replica that samples them (tail sampling). */
  static final String TRACE_ROUTING = "TraceRouting";
  /** Condition type: whether the collector's own metrics are scraped as asked (ServiceMonitor). */
  static final String OBSERVABILITY = "Observability";
  private static final java.time.Duration DISCOVERY_TTL = java.time.Duration.ofMinutes(1);
  private volatile java.time.Instant discoveredAt = java.time.Instant.MIN;
  private volatile boolean discovered;
  /** Condition type: whether the config's component types were checked against the image's. */
  static final String COMPONENTS = "Components";
  /** Condition type: whether the pods may read what the config reads from the Kubernetes API. */
  static final String PERMISSIONS = "Permissions";
  /** Condition type: whether the Secrets and ConfigMaps the pods read exist. */
  static final String INPUTS = "Inputs";
  private static final String INPUTS_INDEX = "inputs";
  private static final String INPUT_PREFIX = "Input";

  private final CollectorManifests manifests;
  private final ResourceApplier applier;
  private final EventRecorder events;
  private final Clock clock;
  private final Set<String> secretNamespaces;
  private final WrittenStatuses<TelemetryCollectorStatus> written = new WrittenStatuses<>();
  private final boolean validateConfigs;
  /** Condition type: whether the collector image's own validate accepted the config. */
  static final String VALIDATED = "Validated";

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
      sources.add(informer(io.fabric8.kubernetes.api.model.batch.v1.Job.class, context));
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
        .withInformerListLimit(dev.instrumentor.operator.instrumentation.InstrumentationReconciler.LIST_PAGE)
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
  public io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<TelemetryCollector> updateErrorStatus(
      TelemetryCollector resource, Context<TelemetryCollector> context, Exception e) {
    written.forget(resource);
    return io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public UpdateControl<TelemetryCollector> reconcile(TelemetryCollector collector, Context<TelemetryCollector> context) {
    if (context.isPrimaryResourceDeleted() || collector.isMarkedForDeletion()) {
      // what it owns goes by garbage collection; its cluster-scoped bindings are ours to delete
      for (ClusterRoleBinding binding : bindings(context, collector)) {
        LOG.info("deleting ClusterRoleBinding {}: its collector is deleted", binding.getMetadata().getName());
        context.getClient().resource(binding).delete();
      }
      if (!context.isPrimaryResourceDeleted() && collector.hasFinalizer(CollectorPermissions.FINALIZER)) {
        try {
          context.getClient().resource(collector).edit(c -> {
            c.removeFinalizer(CollectorPermissions.FINALIZER);
            return c;
          });
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
          // an earlier event's reconcile removed it and the collector is gone: done
        }
      }
      written.forget(collector);
      return UpdateControl.noUpdate();
    }
    TelemetryCollectorStatus previous = written.latest(collector, collector.getStatus());
    TelemetryCollectorStatus status = copy(previous);
    status.setObservedGeneration(collector.getMetadata().getGeneration());
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    String image = collector.getSpec().getImage() == null || collector.getSpec().getImage().isBlank()
        ? manifests.defaultImage() : collector.getSpec().getImage();
    java.util.Optional<CollectorComponents> components = CollectorComponents.forImage(image);
    status.setConditions(Conditions.set(status.getConditions(), COMPONENTS, components.isPresent(),
        components.isPresent() ? "Checked" : "NotChecked", components
            .map(c -> "component types are checked against those " + c.describe() + " ships")
            .orElse("component types not checked: " + image + " is not an official collector distribution at a"
                + " version Instrumentor has a list for"), collector.getMetadata().getGeneration(), clock));
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
    CollectorInputs.Versions inputs = CollectorInputs.versions(followed, ref -> input(context, collector, ref));
    // a required input missing: keep the running pods (their template keeps its hash) rather than roll to pods
    // that cannot start; the Inputs condition says what is missing
    String inputsHash = inputs.missing().isEmpty() ? inputs.hash() : rolledOutInputsHash(context, collector, inputs.hash());
    List<HasMetadata> desired = manifests.desired(collector, config, inputsHash);
    boolean bound = desired.stream().anyMatch(o -> o instanceof ClusterRoleBinding);
    if (bound && !collector.hasFinalizer(CollectorPermissions.FINALIZER)) {
      // before the first binding exists: deleting the collector must reach us to delete it (the status
      // patch below then carries the resourceVersion this write made)
      followWrite(collector, context.getClient().resource(collector).edit(c -> {
        c.addFinalizer(CollectorPermissions.FINALIZER);
        return c;
      }));
    }
    HasMetadata workload = null;
    Set<String> wanted = new HashSet<>();
    boolean wantsMonitor = desired.stream().anyMatch(o -> o instanceof GenericKubernetesResource);
    io.fabric8.kubernetes.api.model.Condition observed = Conditions.get(status.getConditions(), OBSERVABILITY);
    boolean hadMonitor = observed != null && "ServiceMonitor".equals(observed.getReason());
    // the API is asked about only for a collector that wants or had a ServiceMonitor
    boolean monitoringApi = (wantsMonitor || hadMonitor) && monitoringApi(context);
    boolean foreignMonitor = false;
    for (HasMetadata object : desired) {
      if (object instanceof GenericKubernetesResource monitor) {
        // a ServiceMonitor: no cache (its API may be absent), read by name when asked for
        if (monitoringApi) {
          GenericKubernetesResource existing = serviceMonitor(context, collector);
          if (existing == null || ownedBy(existing, collector)) {
            applier.apply(monitor, existing);
          } else {
            foreignMonitor = true; // a ServiceMonitor of that name that is not ours: left alone
          }
        }
        continue;
      }
      wanted.add(object.getKind() + "/" + object.getMetadata().getName());
      HasMetadata actual = cached(context, collector, object.getClass(), object.getMetadata().getName());
      HasMetadata written = applyAndRemember(context, collector, object, actual);
      HasMetadata current = written != null ? written : actual;
      if (object instanceof Deployment || object instanceof DaemonSet || object instanceof StatefulSet) {
        workload = current;
      }
    }
    deleteUnwanted(context, collector, wanted);
    if (monitoringApi && hadMonitor && !wantsMonitor) {
      GenericKubernetesResource stale = serviceMonitor(context, collector);
      if (stale != null && ownedBy(stale, collector)) {
        LOG.info("deleting ServiceMonitor {}: no longer asked for", stale.getMetadata().getName());
        context.getClient().resource(stale).delete();
      }
    }
    if (!bound && collector.hasFinalizer(CollectorPermissions.FINALIZER) && bindings(context, collector).isEmpty()) {
      // the bindings' deletions are seen in the cache (this reconcile's, above, come back as events): then it goes
      followWrite(collector, context.getClient().resource(collector).edit(c -> {
        c.removeFinalizer(CollectorPermissions.FINALIZER);
        return c;
      }));
    }
    boolean askedForMetrics = CollectorManifests.enableMetrics(collector.getSpec());
    String reason = !askedForMetrics ? "NotAsked" : !wantsMonitor ? "NotApplicable"
        : !monitoringApi ? "PrometheusOperatorMissing" : foreignMonitor ? "NameTaken" : "ServiceMonitor";
    status.setConditions(Conditions.set(status.getConditions(), OBSERVABILITY,
        !reason.equals("PrometheusOperatorMissing") && !reason.equals("NameTaken"),
        reason, switch (reason) {
          case "NotAsked" -> "spec.observability.metrics.enableMetrics is not set: no ServiceMonitor";
          case "NotApplicable" -> "a sidecar has no monitoring Service: no ServiceMonitor";
          case "NameTaken" -> "ServiceMonitor " + CollectorManifests.name(collector) + " exists and is not this"
              + " collector's: left alone";
          case "ServiceMonitor" -> "ServiceMonitor " + CollectorManifests.name(collector) + " scrapes the monitoring Service";
          default -> "the monitoring.coreos.com/v1 API (Prometheus Operator) is not installed: no ServiceMonitor; the"
              + " monitoring Service " + CollectorManifests.name(collector) + "-monitoring can be scraped directly";
        }, collector.getMetadata().getGeneration(), clock));
    List<CollectorPermissions.Need> needs = CollectorPermissions.needs(collector, config);
    status.setConditions(Conditions.set(status.getConditions(), PERMISSIONS,
        needs.isEmpty() || bound, needs.isEmpty() ? "NotNeeded" : bound ? "Granted" : "UserServiceAccount",
        needs.isEmpty() ? "the config reads nothing from the Kubernetes API: the pods have no API token"
            : bound ? "bound to " + desired.stream().filter(o -> o instanceof ClusterRoleBinding)
                .map(o -> ((ClusterRoleBinding) o).getRoleRef().getName()).collect(Collectors.joining(", "))
                + " for " + needs.stream().map(CollectorPermissions.Need::component).collect(Collectors.joining(", "))
            : "spec.serviceAccount " + collector.getSpec().getServiceAccount() + " is yours: grant it what "
                + needs.stream().map(CollectorPermissions.Need::component).collect(Collectors.joining(", "))
                + " read (the chart's ClusterRoles " + needs.stream().map(n -> manifests.clusterRolePrefix() + n.role())
                .collect(Collectors.joining(", ")) + ")",
        collector.getMetadata().getGeneration(), clock));
    CollectorMode mode = collector.getSpec().getMode() == null ? CollectorMode.DEPLOYMENT : collector.getSpec().getMode();
    status.setImage(image);
    status.setConfigHash(CollectorManifests.hash(CollectorManifests.configYaml(collector, config)));
    List<String> defaulted = config.render(mode != CollectorMode.SIDECAR).defaulted();
    boolean split = config.usesProcessor("tail_sampling") && mode != CollectorMode.SIDECAR
        && (mode == CollectorMode.DAEMONSET || CollectorManifests.maxReplicas(collector.getSpec()) > 1);
    status.setConditions(Conditions.set(status.getConditions(), TRACE_ROUTING, !split,
        split ? "TailSamplingAcrossReplicas" : "AsConfigured", split
            ? "tail_sampling decides per trace, and this collector may run several replicas that each see part of a"
                + " trace: put a first tier with the loadbalancing exporter (routing_key: traceID) in front of it"
            : "no trace is split between replicas that sample it", collector.getMetadata().getGeneration(), clock));
    status.setConditions(Conditions.set(status.getConditions(), LISTENERS, true,
        defaulted.isEmpty() ? "AsWritten" : "BoundToAllInterfaces", defaulted.isEmpty()
            ? "the config's listeners are rolled out as written"
            : "bound to 0.0.0.0 where the config gave no address (the collector's default is localhost, which no"
                + " Service or probe reaches): " + String.join(", ", defaulted),
        collector.getMetadata().getGeneration(), clock));
    status.setConditions(Conditions.set(status.getConditions(), INPUTS, inputs.missing().isEmpty(),
        inputs.missing().isEmpty() ? (refs.isEmpty() ? "NoneReferenced" : "Present") : "Missing",
        inputsMessage(refs, followed, inputs), collector.getMetadata().getGeneration(), clock));
    if (mode == CollectorMode.SIDECAR) {
      status.setScale(null);
      status.setConditions(Conditions.set(status.getConditions(), Conditions.READY, true, "SidecarMode",
          "injected into pods annotated instrumentor.dev/inject-sidecar", collector.getMetadata().getGeneration(), clock));
    } else {
      int[] readyTotal = readyTotal(workload);
      status.setScale(scale(collector, readyTotal));
      boolean available = readyTotal[1] > 0 && readyTotal[0] >= readyTotal[1];
      status.setConditions(Conditions.set(status.getConditions(), Conditions.READY, available,
          available ? "Available" : "Deploying", readyTotal[0] + "/" + readyTotal[1] + " collector pods ready",
          collector.getMetadata().getGeneration(), clock));
    }
    UpdateControl<TelemetryCollector> update = statusUpdate(collector, previous, status);
    return reason.equals("PrometheusOperatorMissing") ? update.rescheduleAfter(DISCOVERY_TTL) : update;
  }

  /**
   * Reports a config that is not rolled out (Ready=False, a Warning Event and log line) and what keeps
   * running: {@code kubectl get tc} shows the image of the last good config, else the one this config asks
   * for, and the pods that run (0/0 when no config was ever good).
   */
  private void keepLastGood(Context<TelemetryCollector> context, TelemetryCollector collector,
      TelemetryCollectorStatus status, String image, String reason, String message) {
    io.fabric8.kubernetes.api.model.Condition before = Conditions.get(status.getConditions(), Conditions.READY);
    if (before == null || !reason.equals(before.getReason()) || !message.equals(before.getMessage())) {
      // once per verdict, not on every reconcile its Deployment's status changes bring
      events.record(collector, "Warning", reason, "Validate", message);
      LOG.warn("collector config of {}/{} not rolled out ({}): {}", collector.getMetadata().getNamespace(),
          collector.getMetadata().getName(), reason, message);
    }
    status.setConditions(Conditions.set(status.getConditions(), Conditions.READY, false, reason, message,
        collector.getMetadata().getGeneration(), clock));
    if (status.getImage() == null) {
      status.setImage(image);
    }
    if (collector.getSpec().getMode() != CollectorMode.SIDECAR) {
      HasMetadata running = null;
      for (Class<? extends HasMetadata> type : List.of(Deployment.class, StatefulSet.class, DaemonSet.class)) {
        running = running != null ? running : cached(context, collector, type, CollectorManifests.name(collector));
      }
      status.setScale(scale(collector, readyTotal(running)));
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
    Long generation = collector.getMetadata().getGeneration();
    if (!validateConfigs) {
      status.setConditions(Conditions.set(status.getConditions(), VALIDATED, "Unknown", "Off", "the operator runs"
          + " with --no-validate-collector-config: only component types are checked", generation, clock));
      return true;
    }
    String key = ConfigValidation.key(collector, image, configYaml);
    if (key.equals(status.getAcceptedConfig())) {
      return true;
    }
    String jobName = ConfigValidation.jobName(collector, key);
    io.fabric8.kubernetes.api.model.batch.v1.Job job = (io.fabric8.kubernetes.api.model.batch.v1.Job) cached(context,
        collector, io.fabric8.kubernetes.api.model.batch.v1.Job.class, jobName);
    if (job == null) {
      try {
        HasMetadata created = context.getClient().resource(ConfigValidation.job(collector, image, configYaml, key)).create();
        InformerEventSource<HasMetadata, TelemetryCollector> jobs = informer(context,
            io.fabric8.kubernetes.api.model.batch.v1.Job.class);
        if (jobs != null) {
          jobs.handleRecentResourceCreate(ResourceID.fromResource(collector), created);
        }
        LOG.info("validating the config of collector {}/{} with its image: Job {}", collector.getMetadata().getNamespace(),
            collector.getMetadata().getName(), jobName);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
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
        status.setConditions(Conditions.set(status.getConditions(), VALIDATED, true, "Accepted",
            image + " validate accepted the config (Job " + jobName + ")", generation, clock));
        return true;
      }
      case REFUSED -> {
        status.setConditions(Conditions.set(status.getConditions(), VALIDATED, false, "Refused", verdict.message(),
            generation, clock));
        keepLastGood(context, collector, status, image, "ConfigRefused", "the collector refuses this config, so it is"
            + " not rolled out and the collector keeps its last good config: " + verdict.message());
        return false;
      }
      case NOT_RUN -> {
        io.fabric8.kubernetes.api.model.Condition before = Conditions.get(status.getConditions(), VALIDATED);
        String message = "rolled out without the collector's verdict: its validation could not run (" + verdict.message()
            + ")";
        if (before == null || !message.equals(before.getMessage())) {
          events.record(collector, "Warning", "NotValidated", "Validate", message);
          LOG.warn("collector config of {}/{}: {}", collector.getMetadata().getNamespace(),
              collector.getMetadata().getName(), message);
        }
        status.setConditions(Conditions.set(status.getConditions(), VALIDATED, false, "NotRun", message, generation,
            clock));
        return true;
      }
      default -> {
        status.setConditions(Conditions.set(status.getConditions(), VALIDATED, "Unknown", "Validating", image
            + " validate is checking the config (Job " + jobName + "); the collector keeps its last good config until"
            + " it accepts", generation, clock));
        if (status.getImage() == null) {
          status.setImage(image);
        }
        return false;
      }
    }
  }

  private HasMetadata applyAndRemember(Context<TelemetryCollector> context, TelemetryCollector collector,
      HasMetadata desired, HasMetadata actual) {
    HasMetadata written = applier.apply(desired, actual);
    if (written != null) {
      // let the cache know at once, so the reconcile our own write triggers sees it
      InformerEventSource<HasMetadata, TelemetryCollector> source = informer(context, desired.getClass());
      if (source != null) {
        ResourceID primary = ResourceID.fromResource(collector);
        if (actual == null) {
          source.handleRecentResourceCreate(primary, written);
        } else {
          source.handleRecentResourceUpdate(primary, written, actual);
        }
      }
    }
    return written;
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<HasMetadata, TelemetryCollector> informer(Context<TelemetryCollector> context,
      Class<?> type) {
    EventSource<?, TelemetryCollector> source = context.eventSourceRetriever()
        .getEventSourceFor((Class<Object>) type, type.getSimpleName());
    return source instanceof InformerEventSource<?, ?> informer
        ? (InformerEventSource<HasMetadata, TelemetryCollector>) informer : null;
  }

  private static HasMetadata cached(Context<TelemetryCollector> context, TelemetryCollector collector,
      Class<? extends HasMetadata> type, String name) {
    if (type == ClusterRoleBinding.class) {
      return bindings(context, collector).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
          .orElse(null);
    }
    return owned(context, collector, type).stream()
        .filter(o -> name.equals(o.getMetadata().getName())).findFirst().orElse(null);
  }

  /**
   * The objects of {@code type} this collector owns, from the owned-objects cache only (the input
   * caches hold ConfigMaps too: the user's, never to be changed or deleted).
   */
  private static Set<HasMetadata> owned(Context<TelemetryCollector> context, TelemetryCollector collector,
      Class<? extends HasMetadata> type) {
    InformerEventSource<HasMetadata, TelemetryCollector> source = informer(context, type);
    if (source == null) {
      return Set.of();
    }
    String uid = collector.getMetadata().getUid();
    return source.getSecondaryResources(collector).stream()
        .filter(o -> o.getMetadata().getOwnerReferences().stream().anyMatch(owner -> java.util.Objects.equals(owner.getUid(), uid)
            && owner.getName().equals(collector.getMetadata().getName())))
        .collect(Collectors.toSet());
  }

  private static String inputsMessage(List<CollectorInputs.Ref> refs, List<CollectorInputs.Ref> followed,
      CollectorInputs.Versions inputs) {
    if (refs.isEmpty()) {
      return "the pods read no Secret or ConfigMap";
    }
    List<String> parts = new ArrayList<>();
    if (!inputs.missing().isEmpty()) {
      parts.add("not found, the pods cannot start until they exist: " + CollectorInputs.describe(inputs.missing()));
    } else if (!followed.isEmpty()) {
      parts.add("the pods roll when these change: " + CollectorInputs.describe(followed));
    }
    List<CollectorInputs.Ref> unfollowed = refs.stream().filter(ref -> !followed.contains(ref)).toList();
    if (!unfollowed.isEmpty()) {
      parts.add("not watched (the operator may not read Secrets in this namespace: the chart's"
          + " collectorSecretNamespaces), so rotating them does not roll the pods: " + CollectorInputs.describe(unfollowed));
    }
    return String.join("; ", parts);
  }

  /**
   * Whether the API server serves monitoring.coreos.com/v1 ServiceMonitors (the Prometheus Operator is
   * installed).
   */
  private boolean monitoringApi(Context<TelemetryCollector> context) {
    java.time.Instant now = clock.instant();
    // a yes is kept a minute; a no is asked again (a collector asking for a ServiceMonitor without the
    // Prometheus Operator is retried a minute later, so installing it later is noticed without a restart)
    if (!discovered || now.isAfter(discoveredAt.plus(DISCOVERY_TTL))) {
      try {
        var resources = context.getClient().getApiResources(CollectorManifests.SERVICE_MONITOR_API_VERSION);
        discovered = resources != null && resources.getResources().stream()
            .anyMatch(resource -> "ServiceMonitor".equals(resource.getKind()));
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        discovered = false;
      }
      discoveredAt = now;
    }
    return discovered;
  }

  private static boolean ownedBy(HasMetadata object, TelemetryCollector collector) {
    return object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
        .anyMatch(owner -> java.util.Objects.equals(owner.getUid(), collector.getMetadata().getUid()));
  }

  private static GenericKubernetesResource serviceMonitor(Context<TelemetryCollector> context,
      TelemetryCollector collector) {
    return context.getClient().genericKubernetesResources(CollectorManifests.SERVICE_MONITOR_API_VERSION, "ServiceMonitor")
        .inNamespace(collector.getMetadata().getNamespace()).withName(CollectorManifests.name(collector)).get();
  }

  /** The inputs hash of the workload's pod template as cached, else {@code fallback} (nothing rolled out yet). */
  private static String rolledOutInputsHash(Context<TelemetryCollector> context, TelemetryCollector collector,
      String fallback) {
    for (Class<? extends HasMetadata> type : List.of(Deployment.class, StatefulSet.class, DaemonSet.class)) {
      HasMetadata workload = cached(context, collector, type, CollectorManifests.name(collector));
      io.fabric8.kubernetes.api.model.PodTemplateSpec template = workload instanceof Deployment d ? d.getSpec().getTemplate()
          : workload instanceof StatefulSet st ? st.getSpec().getTemplate()
          : workload instanceof DaemonSet ds ? ds.getSpec().getTemplate() : null;
      if (template != null && template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
        return template.getMetadata().getAnnotations().get(CollectorInputs.INPUTS_HASH_ANNOTATION);
      }
    }
    return fallback;
  }

  /** Our copy of the collector takes the metadata our write made, for the status patch's resourceVersion. */
  private static void followWrite(TelemetryCollector collector, TelemetryCollector written) {
    collector.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    collector.getMetadata().setFinalizers(written.getMetadata().getFinalizers());
  }

  /** The collector's ClusterRoleBindings, found by their labels (they have no owner). */
  private static List<ClusterRoleBinding> bindings(Context<TelemetryCollector> context, TelemetryCollector collector) {
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
  private static HasMetadata input(Context<TelemetryCollector> context, TelemetryCollector collector,
      CollectorInputs.Ref ref) {
    Class<?> type = ref.kind().equals("Secret") ? Secret.class : ConfigMap.class;
    @SuppressWarnings("unchecked")
    EventSource<?, TelemetryCollector> source = context.eventSourceRetriever()
        .getEventSourceFor((Class<Object>) type, INPUT_PREFIX + ref.kind());
    if (!(source instanceof InformerEventSource<?, ?> informer)) {
      return null;
    }
    return (HasMetadata) informer.get(new ResourceID(ref.name(), collector.getMetadata().getNamespace())).orElse(null);
  }

  /** Objects this collector owns that its spec no longer asks for (a Service without ports, ...). */
  private void deleteUnwanted(Context<TelemetryCollector> context, TelemetryCollector collector, Set<String> wanted) {
    for (ClusterRoleBinding binding : bindings(context, collector)) {
      if (!wanted.contains("ClusterRoleBinding/" + binding.getMetadata().getName())) {
        LOG.info("deleting ClusterRoleBinding {}: the config no longer needs it", binding.getMetadata().getName());
        context.getClient().resource(binding).delete();
      }
    }
    for (Class<? extends HasMetadata> type : OWNED) {
      for (HasMetadata owned : owned(context, collector, type)) {
        if (!wanted.contains(owned.getKind() + "/" + owned.getMetadata().getName())) {
          LOG.info("deleting {} {}: no longer part of the collector", owned.getKind(), owned.getMetadata().getName());
          context.getClient().resource(owned).delete();
        }
      }
    }
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
