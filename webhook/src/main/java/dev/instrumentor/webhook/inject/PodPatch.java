package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.Map;

/**
 * The RFC 6902 JSON patch from one object to another. Both sides go through the same
 * serialization, so the patch holds only what changed and applies to the object as the user or the
 * API server wrote it (fields the model does not know included).
 *
 * <p>Built for the admission hot path: objects are compared field by field; a list that only grew
 * at its end gets {@code add} operations for the new items; a list of the same length is compared
 * item by item; any other changed list is replaced whole. No longest-common-subsequence search, so
 * the cost is linear in the size of the pod.
 */
public final class PodPatch {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PodPatch() {
  }

  /** The patch turning {@code before} into {@code after}; an empty array when they are equal. */
  public static JsonNode diff(KubernetesSerialization serialization, Object before, Object after) {
    return diff(serialization.convertValue(before, JsonNode.class), serialization.convertValue(after, JsonNode.class));
  }

  /** The patch turning tree {@code before} into tree {@code after}. */
  public static ArrayNode diff(JsonNode before, JsonNode after) {
    ArrayNode operations = NODES.arrayNode();
    diff(new StringBuilder(), before, after, operations);
    return operations;
  }

  private static void diff(StringBuilder path, JsonNode before, JsonNode after, ArrayNode operations) {
    if (before.equals(after)) {
      return;
    }
    int length = path.length();
    if (before.isObject() && after.isObject()) {
      for (Iterator<String> names = before.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!after.has(name)) {
          operation(operations, "remove", append(path, name), null);
          path.setLength(length);
        }
      }
      for (Map.Entry<String, JsonNode> field : after.properties()) {
        JsonNode old = before.get(field.getKey());
        append(path, field.getKey());
        if (old == null) {
          operation(operations, "add", path, field.getValue());
        } else {
          diff(path, old, field.getValue(), operations);
        }
        path.setLength(length);
      }
      return;
    }
    if (before.isArray() && after.isArray()) {
      int common = Math.min(before.size(), after.size());
      if (after.size() > before.size() && prefixEqual(before, after, common)) {
        for (int i = common; i < after.size(); i++) {
          path.append('/').append(i);
          operation(operations, "add", path, after.get(i));
          path.setLength(length);
        }
        return;
      }
      if (after.size() == before.size()) {
        for (int i = 0; i < common; i++) {
          path.append('/').append(i);
          diff(path, before.get(i), after.get(i), operations);
          path.setLength(length);
        }
        return;
      }
    }
    operation(operations, "replace", path, after);
  }

  private static boolean prefixEqual(JsonNode before, JsonNode after, int count) {
    for (int i = 0; i < count; i++) {
      if (!before.get(i).equals(after.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Appends {@code /name} with RFC 6901 escaping ({@code ~0} for ~, {@code ~1} for /). */
  private static StringBuilder append(StringBuilder path, String name) {
    path.append('/');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '~') {
        path.append("~0");
      } else if (c == '/') {
        path.append("~1");
      } else {
        path.append(c);
      }
    }
    return path;
  }

  private static void operation(ArrayNode operations, String op, CharSequence path, JsonNode value) {
    ObjectNode operation = operations.addObject();
    operation.put("op", op);
    operation.put("path", path.length() == 0 ? "" : path.toString());
    if (value != null) {
      operation.set("value", value);
    }
  }
}
