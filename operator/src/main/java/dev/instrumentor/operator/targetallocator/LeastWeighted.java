package dev.instrumentor.operator.targetallocator;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Each new target goes to the collector with the fewest; a target keeps its collector while both exist. The
 * counts stay within one of each other as targets come, not as they go (no rebalancing of kept targets, as
 * upstream: moving a target costs a scrape gap).
 */
final class LeastWeighted implements AllocationStrategy {

  private Map<String, String> previous = Map.of();

  @Override
  public synchronized Map<String, String> assign(Collection<ScrapeTarget> targets, Collection<CollectorPod> collectors) {
    Map<String, String> assignment = new HashMap<>();
    if (collectors.isEmpty()) {
      previous = assignment;
      return assignment;
    }
    Set<String> names = collectors.stream().map(CollectorPod::name).collect(Collectors.toSet());
    Map<String, Integer> load = new TreeMap<>();
    names.forEach(name -> load.put(name, 0));
    for (ScrapeTarget target : targets) {
      String kept = previous.get(target.key());
      if (kept != null && names.contains(kept)) {
        assignment.put(target.key(), kept);
        load.merge(kept, 1, Integer::sum);
      }
    }
    targets.stream().filter(target -> !assignment.containsKey(target.key()))
        .sorted(Comparator.comparing(ScrapeTarget::key))
        .forEach(target -> {
          String least = load.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
          assignment.put(target.key(), least);
          load.merge(least, 1, Integer::sum);
        });
    previous = assignment;
    return assignment;
  }
}
