package dev.instrumentor.e2e.otlp;

import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.Map;

/** A metric as received (its data points included), with its resource's attributes. */
public record ReceivedMetric(Map<String, String> resource, Metric metric) {

  public String name() {
    return metric.getName();
  }
}
