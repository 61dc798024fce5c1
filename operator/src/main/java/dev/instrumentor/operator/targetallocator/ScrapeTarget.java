package dev.instrumentor.operator.targetallocator;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A discovered scrape target: its job, its address ({@code __address__}), the labels discovery gave it (the
 * {@code __meta_*} ones among them: the collector's own relabeling reads them), and the node it runs on, if
 * known (for per-node allocation).
 */
public record ScrapeTarget(String job, String address, SortedMap<String, String> labels, String node) {

  public ScrapeTarget {
    labels = new TreeMap<>(labels);
  }

  public static ScrapeTarget of(String job, String address, Map<String, String> labels, String node) {
    return new ScrapeTarget(job, address, new TreeMap<>(labels), node);
  }

  /** What identifies it across rediscoveries: a target keeps its collector while this stays the same. */
  public String key() {
    return job + "\u0000" + address + "\u0000" + labels;
  }
}
