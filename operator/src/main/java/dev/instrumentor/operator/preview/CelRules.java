package dev.instrumentor.operator.preview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code x-kubernetes-validations} rules of a CRD's schema, evaluated with CEL (Google's
 * cel-java, the language's reference implementation for the JVM) the way kube-apiserver evaluates
 * them on create: each rule with {@code self} bound to the value of the field that carries it.
 * Transition rules (those reading {@code oldSelf}) need an old object and are left to the API server.
 * Used by the {@code inject} preview, where no API server stands between the user and us.
 */
public final class CelRules {

  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(), ... as in Kubernetes
      .addVar("self", SimpleType.DYN).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JSONSchemaProps root;
  private final Map<ValidationRule, CelRuntime.Program> programs = new HashMap<>();

  public CelRules(JSONSchemaProps root) {
    this.root = root;
  }

  /** The messages of the rules {@code resource} breaks, each prefixed with the field it names. */
  public List<String> validate(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    check("", resource, root, problems);
    return problems;
  }

  private void check(String path, JsonNode value, JSONSchemaProps schema, List<String> problems) {
    if (value == null || value.isNull() || value.isMissingNode() || schema == null) {
      return;
    }
    if (schema.getXKubernetesValidations() != null) {
      for (ValidationRule rule : schema.getXKubernetesValidations()) {
        if (rule.getRule().contains("oldSelf")) {
          continue;
        }
        if (!Boolean.TRUE.equals(evaluate(rule, value))) {
          String field = path + (rule.getFieldPath() == null ? "" : rule.getFieldPath());
          String message = rule.getMessage() != null ? rule.getMessage() : "failed rule: " + rule.getRule();
          problems.add(message.startsWith(field.replaceFirst("^\\.", "")) || field.isEmpty() ? message
              : field.replaceFirst("^\\.", "") + ": " + message);
        }
      }
    }
    if (value.isObject() && schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
        check(path + "." + property.getKey(), value.get(property.getKey()), property.getValue(), problems);
      }
    } else if (value.isArray() && schema.getItems() != null && schema.getItems().getSchema() != null) {
      for (int i = 0; i < value.size(); i++) {
        check(path + "[" + i + "]", value.get(i), schema.getItems().getSchema(), problems);
      }
    }
  }

  private Object evaluate(ValidationRule rule, JsonNode self) {
    try {
      return program(rule).eval(Map.of("self", toCel(self)));
    } catch (CelEvaluationException e) {
      return Boolean.FALSE; // the API server reports an evaluation error as a failed rule too
    }
  }

  private CelRuntime.Program program(ValidationRule rule) {
    return programs.computeIfAbsent(rule, r -> {
      try {
        CelAbstractSyntaxTree ast = COMPILER.compile(r.getRule()).getAst();
        return RUNTIME.createProgram(ast);
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalStateException("the CRD's rule " + r.getRule() + " does not compile: " + e.getMessage(), e);
      }
    });
  }

  /** JSON as CEL values: maps, lists, strings, 64-bit integers, doubles, booleans. */
  static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(entry -> {
        if (!entry.getValue().isNull()) {
          map.put(entry.getKey(), toCel(entry.getValue()));
        }
      });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
