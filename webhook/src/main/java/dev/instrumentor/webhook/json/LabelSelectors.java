package dev.instrumentor.webhook.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' LabelSelector ({@code matchLabels}, {@code matchExpressions}), written as JSON, on a set of labels: the
 * target allocator's monitors and namespaces, an Instrumentation's {@code spec.selector}.
 */
public final class LabelSelectors {

  private LabelSelectors() {
  }

  /**
   * @param nullMatchesAll what an absent selector means: everything (a namespace selector) or nothing (a monitor
   *                       selector, as the Prometheus Operator reads it); an empty one always matches everything
   */
  public static boolean matches(JsonNode selector, Map<String, String> labels, boolean nullMatchesAll) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return nullMatchesAll;
    }
    JsonNode matchLabels = selector.has("matchLabels") ? selector.path("matchLabels") : selector.path("matchlabels");
    var fields = matchLabels.fields();
    while (fields.hasNext()) {
      var entry = fields.next();
      if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    JsonNode expressions = selector.has("matchExpressions") ? selector.path("matchExpressions")
        : selector.path("matchexpressions");
    for (JsonNode expression : expressions) {
      String key = expression.path("key").asText();
      Set<String> values = new HashSet<>();
      expression.path("values").forEach(value -> values.add(value.asText()));
      boolean ok = switch (expression.path("operator").asText()) {
        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
