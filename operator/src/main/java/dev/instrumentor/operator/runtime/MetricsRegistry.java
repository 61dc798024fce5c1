package dev.instrumentor.operator.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The operator's own metrics in the Prometheus text format: counters with labels and one latency
 * histogram. Lock-free on the recording side (the admission path records on every request).
 */
public final class MetricsRegistry {

  private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();
  private final Histogram webhookLatency = new Histogram();

  private static final class Counter {
    final Map<String, LongAdder> series = new ConcurrentHashMap<>();
  }

  private static final class Histogram {
    final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
    final LongAdder count = new LongAdder();
    final DoubleAdder sum = new DoubleAdder();
  }

  /** Adds one to counter {@code name} with label pairs {@code labels} (k1, v1, k2, v2, ...). */
  public void increment(String name, String description, String... labels) {
    help.putIfAbsent(name, description);
    counters.computeIfAbsent(name, n -> new Counter()).series
        .computeIfAbsent(labelText(labels), l -> new LongAdder()).increment();
  }

  /** Records one admission request's handling time. */
  public void observeWebhookLatency(long nanos) {
    double seconds = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        webhookLatency.buckets.incrementAndGet(i);
      }
    }
    webhookLatency.count.increment();
    webhookLatency.sum.add(seconds);
  }

  /** The current value of a counter series, for tests. */
  public long value(String name, String... labels) {
    Counter counter = counters.get(name);
    LongAdder adder = counter == null ? null : counter.series.get(labelText(labels));
    return adder == null ? 0 : adder.sum();
  }

  /** Everything in the Prometheus text exposition format 0.0.4. */
  public String scrape() {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(counters).forEach((name, counter) -> {
      out.append("# HELP ").append(name).append(' ').append(help.get(name)).append('\n');
      out.append("# TYPE ").append(name).append(" counter\n");
      new TreeMap<>(counter.series).forEach((labels, value) ->
          out.append(name).append(labels).append(' ').append(value.sum()).append('\n'));
    });
    String name = "instrumentor_webhook_request_duration_seconds";
    out.append("# HELP ").append(name).append(" Time to answer an admission request.\n");
    out.append("# TYPE ").append(name).append(" histogram\n");
    for (int i = 0; i < BUCKETS.length; i++) {
      out.append(name).append("_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
          .append(webhookLatency.buckets.get(i)).append('\n');
    }
    out.append(name).append("_bucket{le=\"+Inf\"} ").append(webhookLatency.count.sum()).append('\n');
    out.append(name).append("_sum ").append(webhookLatency.sum.sum()).append('\n');
    out.append(name).append("_count ").append(webhookLatency.count.sum()).append('\n');
    return out.toString();
  }

  private static String labelText(String... labels) {
    if (labels.length == 0) {
      return "";
    }
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (i > 0) {
        text.append(',');
      }
      text.append(labels[i]).append("=\"")
          .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    }
    return text.append('}').toString();
  }
}
