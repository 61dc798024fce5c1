package dev.instrumentor.operator.targetallocator;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A target goes to the collector on its own node (a daemonset collector): no scrape crosses nodes. A target
 * whose node is unknown (a static target) or has no collector is not assigned, as upstream; the allocator
 * reports how many.
 */
final class PerNode implements AllocationStrategy {

  @Override
  public Map<String, String> assign(Collection<ScrapeTarget> targets, Collection<CollectorPod> collectors) {
    Map<String, String> byNode = new TreeMap<>();
    for (CollectorPod collector : collectors) {
      if (collector.node() != null) {
        // two collectors on one node (a rollout): the first by name, so every replica agrees
        byNode.merge(collector.node(), collector.name(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    Map<String, String> assignment = new HashMap<>();
    for (ScrapeTarget target : targets) {
      String collector = target.node() == null ? null : byNode.get(target.node());
      if (collector != null) {
        assignment.put(target.key(), collector);
      }
    }
    return assignment;
  }
}
