package dev.instrumentor.operator.instrumentation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.api.v1alpha1.Rollback;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.api.v1alpha1.Rollout;
import dev.instrumentor.api.v1alpha1.RolloutStatus;
import dev.instrumentor.operator.fleet.Fleet;
import dev.instrumentor.operator.fleet.Fleet.View;
import dev.instrumentor.operator.fleet.FleetPodStore;
import dev.instrumentor.operator.fleet.Health;
import dev.instrumentor.operator.fleet.Rollbacks;
import dev.instrumentor.operator.fleet.RolloutPlanner;
import dev.instrumentor.operator.fleet.Rollouts;
import dev.instrumentor.operator.fleet.Workloads;
import dev.instrumentor.operator.kube.EventRecorder;
import dev.instrumentor.operator.kube.WrittenStatuses;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.json.KubeSerialization;
import dev.instrumentor.webhook.mutation.Resolved;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates each Instrumentation and reports it in status (Ready with a reason and message,
 * observedGeneration) and, when the verdict changes, in an Event. Re-checked every ten minutes, so a
 * TLS ConfigMap created later turns the Instrumentation Ready without watching every ConfigMap.
 * With {@link FleetSources}, it also counts the pods that ask for it (a compact pod cache, {@link FleetPodStore}; {@link Fleet})
 * and carries out spec.rollout ({@link RolloutPlanner}, {@link Workloads}).
 */
@ControllerConfiguration(name = "instrumentation",
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// at most one reconcile a second per Instrumentation: in a storm every admitted pod's event reached it, and the leader
// wrote its status for 715-975 of 1,000 pods (AdmissionStormBenchmark); a reconcile due sooner waits, events coalesce,
// and with 100,000 pods a recount of the fleet (~0.5 s of CPU) runs at most once a second
@RateLimited(maxReconciliations = 1, within = 1, unit = TimeUnit.SECONDS)
public final class InstrumentationReconciler implements Reconciler<Instrumentation> {

  private static final Logger LOG = LoggerFactory.getLogger(InstrumentationReconciler.class);
  private static final String PODS = "Pod";
  private static final String SIBLINGS = "NamespaceInstrumentations";
  /**
   * Objects per list page of the caches that keep a slim copy. A page of pods as fabric8 decodes them is garbage once
   * slimmed, but it lives through young collections while the page is processed: pages of 500 outgrew the serial
   * collector's survivor space, were promoted and grew the heap to its maximum while 100,000 pods were listed
   * (FleetMemoryBenchmark: 170 MiB within 33 s); with pages of 100 it stayed under 87 MiB while they were listed.
   */
  public static final long LIST_PAGE = 100;

  private static final KubernetesSerialization JSON = KubeSerialization.SHARED;
  private final InstrumentationValidator validator;
  private final EventRecorder events;
  private final Clock clock;
  private final FleetSources fleetSources;
  private final Rollouts rollouts;
  private final Rollbacks rollbacks;
  /** Per Instrumentation, its workloads with failing injected pods when last judged (an Event when they change). */
  private final Map<String, Map<Fleet.Workload, Health.Verdict>> failing = new ConcurrentHashMap<>();
  private final WrittenStatuses<InstrumentationStatus> written = new WrittenStatuses<>();
  /** The last view of each Instrumentation's pods, for the metrics. */
  private final Map<String, View> views = new ConcurrentHashMap<>();
  /** Every pod, compact: read as a stream (JOSDK's list would build every pod at once, per concurrent reconcile). */
  private volatile FleetPodStore podStore;
  private volatile InstrumentationSource primarySource;

  /** Where pods, their Namespaces' annotations and the Instrumentations they name are read, and workloads restarted. */
  public record FleetSources(NamespaceAnnotations namespaces, InstrumentationSource instrumentations, Workloads workloads) {
  }

  /** Without the fleet view (validation and status conditions only). */
  public InstrumentationReconciler(InstrumentationValidator validator, EventRecorder events, Clock clock) {
    this(validator, events, clock, null);
  }

  public InstrumentationReconciler(InstrumentationValidator validator, EventRecorder events, Clock clock, FleetSources fleet) {
    this.validator = validator;
    this.events = events;
    this.clock = clock;
    this.fleetSources = fleet;
    this.rollouts = fleet == null ? null : new Rollouts(fleet.workloads(), events);
    this.rollbacks = fleet == null ? null : new Rollbacks(fleet.workloads(), events);
  }

  /**
   * The Instrumentations as this controller caches them. A pod event and a reconcile both resolve
   * {@code "true"} against this one cache: an Instrumentation is in it before its first reconcile, so a
   * pod cached after that reconcile read the pods still maps to it (the webhook's own cache may lag).
   */
  private static InstrumentationSource primaries(
      IndexedResourceCache<Instrumentation> cache) {
    return new InstrumentationSource() {
      @Override
      public List<Instrumentation> list(String namespace) {
        return cache.list(namespace).sorted(Comparator.comparing(i -> i.getMetadata().getName())).toList();
      }

      @Override
      public Optional<Instrumentation> get(String namespace, String name) {
        return cache.get(new ResourceID(name, namespace));
      }
    };
  }

  /** The latest view of each Instrumentation's pods ({@code namespace/name}). */
  public Map<String, View> views() {
    // an Instrumentation deleted since it was counted is forgotten here (this reconciler is not told)
    views.keySet().removeIf(key -> fleetSources.instrumentations().get(key.substring(0, key.indexOf('/')),
        key.substring(key.indexOf('/') + 1)).isEmpty());
    failing.keySet().retainAll(views.keySet());
    return Collections.unmodifiableMap(views);
  }

  /** Per Instrumentation ({@code namespace/name}), its workloads with failing injected pods when last judged. */
  public Map<String, Map<Fleet.Workload, Health.Verdict>> failing() {
    failing.keySet().retainAll(views().keySet());
    return Collections.unmodifiableMap(failing);
  }

  /**
   * Live pods of every namespace whose request resolves to no Instrumentation, read from the pod cache
   * now (for the metric; empty before the caches start).
   */
  public Map<Fleet.Unresolved, Integer> unresolved() {
    FleetPodStore pods = podStore;
    InstrumentationSource instrumentations = primarySource;
    if (pods == null || instrumentations == null) {
      return Map.of();
    }
    return Fleet.unresolved(pods.pods()::iterator, fleetSources.namespaces()::of, instrumentations);
  }

  @Override
  public List<EventSource<?, Instrumentation>> prepareEventSources(EventSourceContext<Instrumentation> context) {
    if (fleetSources == null) {
      return List.of();
    }
    InstrumentationSource primaries = primaries(context.getPrimaryCache());
    FleetPodStore store = new FleetPodStore();
    // every pod, slimmed to what the fleet view reads and kept compact: a pod's event reaches the Instrumentations
    // it asks for, and one whose request resolves to none reaches those of its namespace (they show it as unresolved)
    InformerEventSource<Pod, Instrumentation> pods = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(Pod.class, Instrumentation.class)
        .withName(PODS)
        .withNamespacesInheritedFromController()
        .withItemStore(store)
        // listed in pages, each slimmed before the next: a single list of every pod would be held whole
        // (10,000 pods exhausted the chart's heap that way)
        .withInformerListLimit(LIST_PAGE)
        .withSecondaryToPrimaryMapper(pod -> instrumentationsOf(pod, primaries))
        // the inverse, for getSecondaryResources (the reconciler reads the store instead): with it JOSDK keeps no
        // index of its own, which held a ResourceID per pod that asks (~110 bytes a pod with 100,000 pods), never
        // dropped one from an Instrumentation it stopped mapping to (one deleted, an annotation changed), and ran
        // the mapper above once more per event
        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<Instrumentation>) instrumentation -> store.pods()
            .filter(pod -> instrumentationsOf(pod, primaries).contains(ResourceID.fromResource(instrumentation)))
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
    // what "true" resolves to changes with the set of a namespace's Instrumentations: one created or deleted
    // reaches the others of its namespace, whose pods may now count for another one or for none (names only kept)
    InformerEventSource<Instrumentation, Instrumentation> siblings = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(Instrumentation.class, Instrumentation.class)
        .withName(SIBLINGS)
        .withNamespacesInheritedFromController()
        .withItemStore(new TransformingItemStore<Instrumentation>(InstrumentationReconciler::nameOnly))
        .withOnUpdateFilter((changed, before) -> false)
        .withSecondaryToPrimaryMapper(changed -> primaries.list(changed.getMetadata().getNamespace()).stream()
            .filter(other -> !other.getMetadata().getName().equals(changed.getMetadata().getName()))
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
    podStore = store;
    primarySource = primaries;
    return List.of(pods, siblings);
  }

  /** The Instrumentations a pod's event reaches: those it asks for, all of its namespace's for a request unresolved. */
  private Set<ResourceID> instrumentationsOf(Pod pod, InstrumentationSource primaries) {
    Set<ResourceID> targets = new HashSet<>();
    for (Fleet.Ask ask : Fleet.asks(pod, fleetSources.namespaces().of(pod.getMetadata().getNamespace()), primaries)) {
      if (ask.instrumentation() != null) {
        targets.add(id(ask.instrumentation()));
      } else {
        primaries.list(pod.getMetadata().getNamespace()).forEach(i -> targets.add(ResourceID.fromResource(i)));
      }
    }
    return targets;
  }

  private static ResourceID id(String key) {
    return new ResourceID(key.substring(key.indexOf('/') + 1), key.substring(0, key.indexOf('/')));
  }

  /** What the siblings' cache keeps of an Instrumentation: its identity. */
  private static Instrumentation nameOnly(Instrumentation instrumentation) {
    instrumentation.setMetadata(new ObjectMetaBuilder()
        .withName(instrumentation.getMetadata().getName()).withNamespace(instrumentation.getMetadata().getNamespace())
        .withUid(instrumentation.getMetadata().getUid())
        .withResourceVersion(instrumentation.getMetadata().getResourceVersion())
        .withAnnotations(Map.of()).build());
    instrumentation.setSpec(null);
    instrumentation.setStatus(null);
    return instrumentation;
  }

  /**
   * A failed reconcile or status patch (a conflict with a write we have not seen yet): the status we
   * meant to write was not written, so it must not be taken for the latest; JOSDK retries.
   */
  @Override
  public ErrorStatusUpdateControl<Instrumentation> updateErrorStatus(
      Instrumentation resource, Context<Instrumentation> context, Exception e) {
    written.forget(resource);
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /**
   * The steps, in order: the spec is judged (Ready, Supported); the last valid spec is kept for the webhook;
   * the fleet view counts the pods and takes the next rollout step; a changed verdict is announced; the
   * status is written only when it changed.
   */
  @Override
  public UpdateControl<Instrumentation> reconcile(Instrumentation instrumentation, Context<Instrumentation> context) {
    InstrumentationValidator.Verdict verdict = validator.validate(instrumentation);
    InstrumentationStatus previous = written.latest(instrumentation, instrumentation.getStatus());
    InstrumentationStatus status = new InstrumentationStatus();
    status.setObservedGeneration(instrumentation.getMetadata().getGeneration());
    InstrumentationConditions conditions = new InstrumentationConditions(status, previous,
        instrumentation.getMetadata().getGeneration(), clock);
    conditions.ready(verdict);
    conditions.supported();
    conditions.selector(instrumentation.getSpec() != null && instrumentation.getSpec().getSelector() != null,
        validator.selectorProblem(instrumentation));
    keepLastValid(instrumentation, verdict.valid(), previous, status);
    Duration recheck = fleetSources == null ? null
        : fleet(instrumentation, context, previous, status, conditions, verdict.valid());
    if (status.equals(previous)) {
      return recheck == null ? UpdateControl.noUpdate() : UpdateControl.<Instrumentation>noUpdate().rescheduleAfter(recheck);
    }
    announce(instrumentation, previous, status);
    written.wrote(instrumentation, status);
    Instrumentation fresh = new Instrumentation();
    fresh.getMetadata().setName(instrumentation.getMetadata().getName());
    fresh.getMetadata().setNamespace(instrumentation.getMetadata().getNamespace());
    // no resourceVersion: the status is the operator's alone (server-side apply, forced), and the cached
    // Instrumentation is often older than our last status write while pods keep it busy
    fresh.setSpec(instrumentation.getSpec());
    fresh.setStatus(status);
    return recheck == null ? UpdateControl.patchStatus(fresh) : UpdateControl.patchStatus(fresh).rescheduleAfter(recheck);
  }

  /** The webhook configures pods from the last valid generation while the current one is not valid. */
  private static void keepLastValid(Instrumentation instrumentation, boolean valid, InstrumentationStatus previous,
      InstrumentationStatus status) {
    if (valid) {
      status.setLastValidGeneration(instrumentation.getMetadata().getGeneration());
      // through text, as the API server's answer is read, so that an unchanged spec compares equal
      status.setLastValidSpec(JSON.unmarshal(JSON.asJson(instrumentation.getSpec() == null
          ? new InstrumentationSpec() : instrumentation.getSpec()), JsonNode.class));
    } else if (previous != null) {
      status.setLastValidGeneration(previous.getLastValidGeneration());
      status.setLastValidSpec(previous.getLastValidSpec());
    }
  }

  /** An Event when Ready's verdict changed, and when the unsupported blocks did. */
  private void announce(Instrumentation instrumentation, InstrumentationStatus previous, InstrumentationStatus status) {
    Condition before = InstrumentationConditions.of(previous, InstrumentationConditions.READY);
    Condition after = InstrumentationConditions.of(status, InstrumentationConditions.READY);
    if (before == null || !before.getStatus().equals(after.getStatus()) || !before.getReason().equals(after.getReason())) {
      events.record(instrumentation, "True".equals(after.getStatus()) ? "Normal" : "Warning", after.getReason(),
          "Validate", after.getMessage());
    }
    Condition supportedBefore = InstrumentationConditions.of(previous, InstrumentationConditions.SUPPORTED);
    Condition supported = InstrumentationConditions.of(status, InstrumentationConditions.SUPPORTED);
    if ("False".equals(supported.getStatus())
        && (supportedBefore == null || !supportedBefore.getMessage().equals(supported.getMessage()))) {
      events.record(instrumentation, "Warning", supported.getReason(), "Validate", supported.getMessage());
    }
  }

  /**
   * The fleet view: counts of the pods that ask for this Instrumentation, the workloads with stale or
   * missed pods (an Event on each that has missed pods), and the next step of spec.rollout.
   *
   * @return when to look again while a rollout is in flight, else null
   */
  private Duration fleet(Instrumentation instrumentation, Context<Instrumentation> context,
      InstrumentationStatus previous, InstrumentationStatus status, InstrumentationConditions conditions,
      boolean valid) {
    FleetPodStore pods = podStore;
    View view = Fleet.view(instrumentation, pods.pods()::iterator,
        fleetSources.namespaces()::of, primaries(context.getPrimaryCache()));
    String key = Fleet.key(instrumentation);
    View before = views.put(key, view);
    status.setInjected(view.total(Fleet.State.INJECTED));
    status.setStale(view.total(Fleet.State.STALE));
    status.setMissed(view.total(Fleet.State.MISSED));
    status.setUnresolved(view.unresolvedTotal());
    status.setUnresolvedPods(view.unresolvedPods().isEmpty() ? null : view.unresolvedPods());
    status.setLanguages(view.languagePods().isEmpty() ? null : view.languagePods());
    status.setWorkloads(view.workloadPods().isEmpty() ? null : view.workloadPods());
    // an Event when a workload's missed count changed since this operator last counted (the 20 most affected)
    Map<Fleet.Workload, Integer> missedBefore = before == null ? Map.of()
        : before.missedByWorkload();
    view.mostMissed(Fleet.MAX_WORKLOADS).forEach((workload, missed) -> {
      if (!missed.equals(missedBefore.get(workload))) {
        events.record(Workloads.reference(workload), "Warning", "PodsNotInstrumented", "Inspect", missed
            + " pod(s) asked for Instrumentation " + key + " and are not instrumented (created while the webhook was"
            + " unreachable, before the Instrumentation, or skipped: see their instrumentor.dev/injection-status)"
            + (workload.restartable() ? "; a restart injects them (spec.rollout.policy: Restart does it)" : ""));
      }
    });
    long generation = instrumentation.getMetadata().getGeneration() == null ? 0 : instrumentation.getMetadata().getGeneration();
    Rollbacks.Step rolledBack = health(instrumentation, generation, pods, view, previous, status, conditions);
    Rollout rollout = instrumentation.getSpec().getRollout();
    if (!RolloutPlanner.restarts(rollout)) {
      status.setRollout(null);
      conditions.rolloutOff();
      return rolledBack.recheckIn();
    }
    if (!valid) {
      conditions.rolloutWhileInvalid();
      return rolledBack.recheckIn();
    }
    RolloutStatus previousRollout = previous == null ? null : previous.getRollout();
    Rollouts.Step step = rolledBack.records().isEmpty()
        ? rollouts.step(instrumentation, generation, view, previousRollout, clock.instant())
        : rollouts.halt(instrumentation, generation, previousRollout, rolledBack.records().get(0).getKind() + " "
            + rolledBack.records().get(0).getNamespace() + "/" + rolledBack.records().get(0).getName() + " was rolled back ("
            + rolledBack.records().get(0).getReason() + ")");
    RolloutStatus next = step.status();
    status.setRollout(next.getRestarting() == null && next.getHalted() == null && next.getLastFinishedAt() == null
        ? null : next);
    conditions.rollout(step, rollout);
    return earliest(step.recheckIn(), rolledBack.recheckIn());
  }

  private static Duration earliest(Duration a, Duration b) {
    return a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * The health of the pods this Instrumentation injected, and spec.rollback's step: failing pods counted and
   * reported (an Event when a workload's count changes), workloads rolled back recorded in status.
   */
  private Rollbacks.Step health(Instrumentation instrumentation, long generation, FleetPodStore pods,
      View view, InstrumentationStatus previous, InstrumentationStatus status, InstrumentationConditions conditions) {
    String key = Fleet.key(instrumentation);
    Rollback rollback = instrumentation.getSpec().getRollback();
    String reference = Resolved.reference(instrumentation);
    Health.Judgement judgement = Health.judge(view.troubled(), new Health.Peers() {
      @Override
      public List<Pod> withoutAgent(Fleet.Workload workload) {
        return pods.pods(workload.namespace()).filter(pod -> Fleet.live(pod) && workload.equals(Fleet.workload(pod))
            && !Fleet.injectedBy(pod, key)).toList();
      }

      @Override
      public List<Pod> withAgent(Fleet.Workload workload) {
        return pods.pods(workload.namespace()).filter(pod -> Fleet.live(pod) && workload.equals(Fleet.workload(pod))
            && Fleet.injectedWith(pod, reference)).toList();
      }
    }, rollback, clock.instant());
    status.setFailing(judgement.verdicts().stream().mapToInt(Health.Verdict::failing).sum());
    status.setRolledBack(view.total(Fleet.State.ROLLED_BACK) == 0 ? null : view.total(Fleet.State.ROLLED_BACK));
    Map<Fleet.Workload, Health.Verdict> before = failing.getOrDefault(key, Map.of());
    Map<Fleet.Workload, Health.Verdict> now = new java.util.TreeMap<>();
    for (Health.Verdict verdict : judgement.verdicts()) {
      now.put(verdict.workload(), verdict);
      Health.Verdict previously = before.get(verdict.workload());
      if (!verdict.rollBack() && (previously == null || previously.failing() != verdict.failing())
          && now.size() <= Fleet.MAX_WORKLOADS) {
        events.record(Workloads.reference(verdict.workload()), "Warning", "InjectedPodsFailing", "Inspect",
            verdict.failing() + " pod(s) injected by Instrumentation " + key + " fail (" + verdict.failure().reason() + ": "
                + verdict.failure().message() + "); not rolled back: " + verdict.why());
      }
    }
    failing.put(key, now);
    Rollbacks.Step step = rollbacks.step(instrumentation, generation, previous == null ? null : previous.getRollbacks(),
        judgement.verdicts(), record -> webhookSkips(instrumentation, record), clock.instant());
    status.setRollbacks(step.records().isEmpty() ? null : step.records());
    conditions.health(judgement.verdicts());
    conditions.rolledBack(rollback != null && Boolean.TRUE.equals(rollback.getEnabled()), step.records(), generation);
    return new Rollbacks.Step(step.records(), step.added(), earliest(step.recheckIn(), judgement.recheckIn()));
  }

  /** Whether this replica's webhook has {@code record} in its cache of the Instrumentation (it skips the workload). */
  private boolean webhookSkips(Instrumentation instrumentation, RolledBackWorkload record) {
    return fleetSources.instrumentations().get(instrumentation.getMetadata().getNamespace(),
        instrumentation.getMetadata().getName()).map(Instrumentation::getStatus).map(InstrumentationStatus::getRollbacks)
        .orElse(List.of()).stream().anyMatch(cached -> cached.is(record.getKind(), record.getNamespace(), record.getName())
            && java.util.Objects.equals(cached.getGeneration(), record.getGeneration()));
  }

}
