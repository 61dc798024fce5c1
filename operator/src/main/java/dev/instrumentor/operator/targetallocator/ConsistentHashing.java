package dev.instrumentor.operator.targetallocator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A hash ring: each collector stands at {@link #POINTS} places, a target goes to the first collector at or after
 * its address's hash. Stateless by construction: a target moves only when the collector it hashed to goes away
 * (or a new one takes its place on the ring, about 1/n of the targets), and every allocator replica computes the
 * same assignment.
 */
final class ConsistentHashing implements AllocationStrategy {

  /** Places per collector: the spread of targets over n collectors is within about ±15 % of 1/n. */
  static final int POINTS = 128;

  @Override
  public Map<String, String> assign(Collection<ScrapeTarget> targets, Collection<CollectorPod> collectors) {
    Map<String, String> assignment = new HashMap<>();
    if (collectors.isEmpty()) {
      return assignment;
    }
    NavigableMap<Long, String> ring = new TreeMap<>();
    for (CollectorPod collector : collectors) {
      for (int point = 0; point < POINTS; point++) {
        ring.put(hash(collector.name() + "#" + point), collector.name());
      }
    }
    for (ScrapeTarget target : targets) {
      // by address, as upstream: the same endpoint scraped by two jobs lands on one collector
      Map.Entry<Long, String> at = ring.ceilingEntry(hash(target.address()));
      assignment.put(target.key(), (at != null ? at : ring.firstEntry()).getValue());
    }
    return assignment;
  }

  static long hash(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
