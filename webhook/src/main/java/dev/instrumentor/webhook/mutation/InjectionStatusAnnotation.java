package dev.instrumentor.webhook.mutation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
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
    Map<String, InjectionOutcome> byLanguage = new LinkedHashMap<>();
    outcomes.forEach(outcome -> byLanguage.put(outcome.language(), outcome));
    StringWriter text = new StringWriter(128);
    try (JsonGenerator out = JSON.getFactory().createGenerator(text)) {
      out.writeStartObject();
      // entries already there keep their place; this admission's outcomes replace theirs
      for (Map.Entry<String, JsonNode> entry : parse(previous).properties()) {
        InjectionOutcome outcome = byLanguage.remove(entry.getKey());
        out.writeFieldName(entry.getKey());
        if (outcome == null) {
          out.writeTree(entry.getValue());
        } else {
          write(out, outcome);
        }
      }
      for (InjectionOutcome outcome : byLanguage.values()) {
        out.writeFieldName(outcome.language());
        write(out, outcome);
      }
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void write(JsonGenerator out, InjectionOutcome outcome) throws IOException {
    out.writeStartObject();
    out.writeStringField("status", outcome.status().value());
    out.writeStringField("reason", outcome.reason());
    if (outcome.instrumentation() != null) {
      out.writeStringField("instrumentation", outcome.instrumentation());
    }
    if (!outcome.containers().isEmpty()) {
      out.writeArrayFieldStart("containers");
      for (String container : outcome.containers()) {
        out.writeString(container);
      }
      out.writeEndArray();
    }
    if (outcome.requestedWith() != null) {
      out.writeStringField("requestedWith", outcome.requestedWith());
    }
    out.writeEndObject();
  }

  /** The status per injection name, e.g. {@code java -> injected}; empty when absent or malformed. */
  public static Map<String, String> statuses(String value) {
    ObjectNode status = parse(value);
    Map<String, String> result = new LinkedHashMap<>();
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
