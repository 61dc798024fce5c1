package dev.instrumentor.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.ApiGroup;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a custom resource against the OpenAPI schema of its generated CRD, the way the API server
 * does before any CEL rule: unknown fields, wrong types, enums, patterns, required fields, minimums.
 * Used where no API server stands between the user and us (the {@code inject} command). Each
 * problem names the field path, e.g. {@code spec.sampler.type: "sometimes" is not one of [...]}.
 */
public final class SchemaValidator {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private final JSONSchemaProps root;

  private SchemaValidator(JSONSchemaProps root) {
    this.root = root;
  }

  /** The validator for {@code plural} (e.g. {@code instrumentations}), from the CRD shipped in this jar. */
  public static SchemaValidator forResource(String plural) {
    String path = "/META-INF/instrumentor/crds/" + plural + "." + ApiGroup.GROUP + ".yaml";
    try (InputStream in = SchemaValidator.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("CRD " + path + " is not on the classpath");
      }
      CustomResourceDefinition crd = SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
      return new SchemaValidator(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CRD's OpenAPI schema (read-only), for checks that walk it too (the CEL rules). */
  public JSONSchemaProps schema() {
    return root;
  }

  /** The problems of {@code resource}; empty when it passes. */
  public List<String> validate(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    // metadata, apiVersion and kind are the API server's own business
    JsonNode copy = resource.deepCopy();
    if (copy.isObject()) {
      ((ObjectNode) copy).remove(List.of("metadata", "apiVersion", "kind"));
    }
    check("", copy, root, problems);
    return problems;
  }

  private static void check(String path, JsonNode value, JSONSchemaProps schema, List<String> problems) {
    String at = path.isEmpty() ? "(root)" : path;
    if (value == null || value.isNull()) {
      if (!Boolean.TRUE.equals(schema.getNullable())) {
        problems.add(at + ": must not be null");
      }
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!value.isTextual() && !value.isIntegralNumber()) {
        problems.add(at + ": must be an integer or a string");
      }
      return;
    }
    String type = schema.getType();
    if (type == null) {
      return; // preserve-unknown-fields without a type: anything goes
    }
    switch (type) {
      case "object" -> checkObject(path, at, value, schema, problems);
      case "array" -> {
        if (!value.isArray()) {
          problems.add(at + ": must be a list");
          return;
        }
        if (schema.getItems() != null && schema.getItems().getSchema() != null) {
          for (int i = 0; i < value.size(); i++) {
            check(path + "[" + i + "]", value.get(i), schema.getItems().getSchema(), problems);
          }
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(at + ": must be a string");
          return;
        }
        checkEnum(at, value, schema, problems);
        if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(value.asText()).find()) {
          problems.add(at + ": \"" + value.asText() + "\" does not match " + schema.getPattern());
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(at + ": must be an integer");
          return;
        }
        checkMinimum(at, value, schema, problems);
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(at + ": must be a number");
          return;
        }
        checkMinimum(at, value, schema, problems);
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(at + ": must be true or false");
        }
      }
      default -> {
        // unknown type names: nothing to check
      }
    }
  }

  private static void checkObject(String path, String at, JsonNode value, JSONSchemaProps schema, List<String> problems) {
    if (!value.isObject()) {
      problems.add(at + ": must be an object");
      return;
    }
    if (schema.getRequired() != null) {
      for (String required : schema.getRequired()) {
        if (!value.has(required)) {
          problems.add(join(path, required) + ": required");
        }
      }
    }
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    JSONSchemaProps additional = schema.getAdditionalProperties() == null ? null : schema.getAdditionalProperties().getSchema();
    boolean preserve = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String child = join(path, field.getKey());
      if (properties != null && properties.containsKey(field.getKey())) {
        check(child, field.getValue(), properties.get(field.getKey()), problems);
      } else if (additional != null) {
        check(child, field.getValue(), additional, problems);
      } else if (!preserve) {
        problems.add(child + ": unknown field");
      }
    }
  }

  private static void checkEnum(String at, JsonNode value, JSONSchemaProps schema, List<String> problems) {
    if (schema.getEnum() == null || schema.getEnum().isEmpty()) {
      return;
    }
    List<String> allowed = schema.getEnum().stream().map(JsonNode::asText).toList();
    if (!allowed.contains(value.asText())) {
      problems.add(at + ": \"" + value.asText() + "\" is not one of " + allowed);
    }
  }

  private static void checkMinimum(String at, JsonNode value, JSONSchemaProps schema, List<String> problems) {
    if (schema.getMinimum() != null && value.asDouble() < schema.getMinimum()) {
      problems.add(at + ": must be at least " + schema.getMinimum().longValue());
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
