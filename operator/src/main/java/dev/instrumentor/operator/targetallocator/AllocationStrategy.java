package dev.instrumentor.operator.targetallocator;

import java.util.Collection;
import java.util.Map;

/**
 * Assigns each target to at most one collector. Implementations keep what they assigned before, so that a
 * target stays with its collector while both exist: a collector that goes away gives up only its own targets.
 */
public interface AllocationStrategy {

  /**
   * The new assignment, target key ({@link ScrapeTarget#key()}) to collector name; a target the strategy cannot
   * place (per-node: no collector on its node) is absent.
   */
  Map<String, String> assign(Collection<ScrapeTarget> targets, Collection<CollectorPod> collectors);

  /** A strategy by the name the OpenTelemetry Operator uses: consistent-hashing, least-weighted or per-node. */
  static AllocationStrategy named(String name) {
    return switch (name == null || name.isBlank() ? "consistent-hashing" : name) {
      case "consistent-hashing" -> new ConsistentHashing();
      case "least-weighted" -> new LeastWeighted();
      case "per-node" -> new PerNode();
      default -> throw new IllegalArgumentException("allocation strategy '" + name
          + "' is not one of [consistent-hashing, least-weighted, per-node]");
    };
  }
}
