package dev.instrumentor.webhook.json;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One RFC 6902 operation ({@code add}, {@code replace}, or {@code remove} without a value) of an admission patch.
 * The value may be shared with other patches (values built once per Instrumentation): never change it.
 */
public record PatchOperation(String op, String path, JsonNode value) {

  /** The operation as JSON, with a copy of the value. */
  public ObjectNode toJson() {
    ObjectNode operation = JsonNodeFactory.instance.objectNode();
    operation.put("op", op);
    operation.put("path", path);
    if (value != null) {
      operation.set("value", value.deepCopy());
    }
    return operation;
  }
}
