package dev.instrumentor.e2e.otlp;

import java.util.Map;

/** A metric's name as received, with its resource's attributes. */
public record ReceivedMetric(Map<String, String> resource, String name) {
}
