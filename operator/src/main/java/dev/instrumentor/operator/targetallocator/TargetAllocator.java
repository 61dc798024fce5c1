package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.operator.kube.OnAnyChange;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers targets and the collector's pods and keeps an assignment of the one to the others, recomputed at
 * most every {@link #SETTLE} after a change (a rollout of a hundred pods is one recomputation, not a hundred).
 * What the API serves is an immutable {@link Snapshot}.
 */
public final class TargetAllocator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetAllocator.class);
  static final Duration SETTLE = Duration.ofSeconds(1);

  /** Who scrapes what, at one moment. */
  public record Snapshot(Map<String, JsonNode> jobs, Map<String, Map<String, List<ScrapeTarget>>> byJobAndCollector,
      List<CollectorPod> collectors, int targets, int unassigned, boolean ready) {

    static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), List.of(), 0, 0, false);

    List<ScrapeTarget> targets(String job, String collector) {
      return byJobAndCollector.getOrDefault(job, Map.of()).getOrDefault(collector, List.of());
    }
  }

  private final TargetAllocatorConfig config;
  private final TargetDiscovery discovery;
  private final SharedIndexInformer<Pod> collectorPods;
  private final AllocationStrategy strategy;
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private final ScheduledExecutorService settle = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "target-allocation");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  public TargetAllocator(KubernetesClient client, TargetAllocatorConfig config) {
    this.config = config;
    this.strategy = AllocationStrategy.named(config.allocationStrategy());
    Runnable changed = () -> dirty.set(true);
    this.discovery = new TargetDiscovery(client, config, changed);
    this.collectorPods = client.pods().inNamespace(config.collectorNamespace()).withLabels(config.collectorSelector())
        .inform(new OnAnyChange<>(changed));
    discovery.problems().forEach(problem -> LOG.warn("{}", problem));
    settle.scheduleWithFixedDelay(this::recomputeIfChanged, 0, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  private void recomputeIfChanged() {
    try {
      if (!collectorPods.hasSynced() || !discovery.synced() || !dirty.getAndSet(false)) {
        return;
      }
      Instant now = Instant.now();
      List<Pod> pods = collectorPods.getStore().list();
      TargetDiscovery.Discovered discovered = discovery.discover();
      snapshot = allocate(discovered.jobs(), discovered.targets(), collectors(pods, now, config.notReadyGracePeriod()),
          strategy);
      if (pods.stream().anyMatch(pod -> unreadySince(pod) != null)) {
        dirty.set(true); // a pod's grace may run out with no event: look again
      }
    } catch (RuntimeException e) {
      dirty.set(true);
      LOG.error("target allocation failed; tried again in {}", SETTLE, e);
    }
  }

  /**
   * The collectors that can scrape: Running pods with an address, not being deleted, Ready or not Ready for less
   * than {@code grace} (a pod that misses a probe keeps its targets a while, as upstream's
   * collectorNotReadyGracePeriod; one that stays unready gives them up).
   */
  static List<CollectorPod> collectors(List<Pod> pods, Instant now, Duration grace) {
    return pods.stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
            && "Running".equals(pod.getStatus().getPhase()) && pod.getStatus().getPodIP() != null)
        .filter(pod -> {
          Instant unready = unreadySince(pod);
          return unready == null || unready.plus(grace).isAfter(now);
        })
        .map(pod -> new CollectorPod(pod.getMetadata().getName(), pod.getSpec().getNodeName()))
        .sorted(Comparator.comparing(CollectorPod::name)).toList();
  }

  /** When the pod's Ready condition turned False (or the pod started, without one), or null when it is Ready. */
  static Instant unreadySince(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Instant.EPOCH;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) {
        if ("True".equals(condition.getStatus())) {
          return null;
        }
        return condition.getLastTransitionTime() == null ? Instant.EPOCH : Instant.parse(condition.getLastTransitionTime());
      }
    }
    return Instant.EPOCH;
  }

  /** Pure: the snapshot of an assignment. */
  static Snapshot allocate(Map<String, JsonNode> jobs, List<ScrapeTarget> targets, List<CollectorPod> collectors,
      AllocationStrategy strategy) {
    // the same target discovered twice (two informers' views) counts once; one address with other labels (two
    // Services in front of one port) is another target until the collector's relabeling, which may keep only one
    Map<String, ScrapeTarget> unique = new TreeMap<>();
    targets.forEach(target -> unique.putIfAbsent(target.key(), target));
    Map<String, String> assignment = strategy.assign(unique.values(), collectors);
    Map<String, Map<String, List<ScrapeTarget>>> byJob = new TreeMap<>();
    int unassigned = 0;
    for (ScrapeTarget target : unique.values()) {
      String collector = assignment.get(target.key());
      if (collector == null) {
        unassigned++;
        continue;
      }
      byJob.computeIfAbsent(target.job(), job -> new HashMap<>()).computeIfAbsent(collector, c -> new ArrayList<>())
          .add(target);
    }
    return new Snapshot(jobs, byJob, collectors, unique.size(), unassigned, true);
  }

  @Override
  public void close() {
    settle.shutdownNow();
    collectorPods.close();
    discovery.close();
  }
}
