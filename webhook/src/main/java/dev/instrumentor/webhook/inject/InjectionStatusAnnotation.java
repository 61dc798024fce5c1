package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The value of {@code instrumentor.dev/injection-status}: one JSON object per injection, e.g.
 * {@code {"java":{"status":"injected","reason":"...","instrumentation":"demo/java@2","containers":["app"]}}}.
 * Entries of injections not evaluated this time (already injected) are kept.
 */
public final class InjectionStatusAnnotation {

  private static final ObjectMapper JSON = new ObjectMapper();

  private InjectionStatusAnnotation() {
  }

  /** The new annotation value: {@code previous} (may be null or malformed) updated with {@code outcomes}. */
  public static String merge(String previous, List<InjectionOutcome> outcomes) {
    ObjectNode status = parse(previous);
    for (InjectionOutcome outcome : outcomes) {
      ObjectNode entry = status.putObject(outcome.language());
      entry.put("status", outcome.status().value());
      entry.put("reason", outcome.reason());
      if (outcome.instrumentation() != null) {
        entry.put("instrumentation", outcome.instrumentation());
      }
      if (!outcome.containers().isEmpty()) {
        ArrayNode containers = entry.putArray("containers");
        outcome.containers().forEach(containers::add);
      }
    }
    try {
      return JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status per injection name, e.g. {@code java -> injected}; empty when absent or malformed. */
  public static Map<String, String> statuses(String value) {
    ObjectNode status = parse(value);
    Map<String, String> result = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : status.properties()) {
      result.put(entry.getKey(), entry.getValue().path("status").asText());
    }
    return result;
  }

  private static ObjectNode parse(String value) {
    if (value != null && !value.isBlank()) {
      try {
        JsonNode node = JSON.readTree(value);
        if (node instanceof ObjectNode object) {
          return object;
        }
      } catch (JsonProcessingException e) {
        // a hand-edited or foreign value: start afresh rather than fail the pod
      }
    }
    return JSON.createObjectNode();
  }
}
