package dev.instrumentor.webhook.inject;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Composes a container's environment from four layers, highest precedence first: the container's
 * own variables, the language block's ({@code java.env}), the Instrumentation's ({@code spec.env}),
 * and the generated OTEL_* variables. The result defines no name twice, defines every
 * {@code $(VAR)} before its use where the references allow it, keeps the container's own variables
 * where they were, and merges OTEL_RESOURCE_ATTRIBUTES key by key so that keys set by a higher layer
 * win.
 */
final class EnvComposer {

  static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
  static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
  static final String SAMPLER = "OTEL_TRACES_SAMPLER";
  static final String SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.\\-]*)\\)");

  private final List<EnvVar> container;
  private final List<List<EnvVar>> userLayers; // container, language, spec: highest first
  private final List<String> layerNames = List.of("CONTAINER", "LANGUAGE", "SPEC");

  EnvComposer(List<EnvVar> container, List<EnvVar> language, List<EnvVar> spec) {
    this.container = container == null ? List.of() : container;
    this.userLayers = List.of(this.container, nullToEmpty(language), nullToEmpty(spec));
  }

  private static List<EnvVar> nullToEmpty(List<EnvVar> env) {
    return env == null ? List.of() : env;
  }

  /** The highest-precedence user definition of {@code name}, or null. */
  EnvVar userDefinition(String name) {
    for (List<EnvVar> layer : userLayers) {
      EnvVar found = last(layer, name);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  boolean userDefines(String name) {
    return userDefinition(name) != null;
  }

  /** Keys of OTEL_RESOURCE_ATTRIBUTES that users set in plain values of any layer. */
  Set<String> userResourceAttributeKeys() {
    Set<String> keys = new HashSet<>();
    for (List<EnvVar> layer : userLayers) {
      EnvVar attributes = last(layer, RESOURCE_ATTRIBUTES);
      if (attributes != null && attributes.getValue() != null) {
        keys.addAll(ResourceAttributes.parse(attributes.getValue()).keySet());
      }
    }
    return keys;
  }

  private static EnvVar last(List<EnvVar> layer, String name) {
    EnvVar found = null;
    for (EnvVar var : layer) {
      if (name.equals(var.getName())) {
        found = var;
      }
    }
    return found;
  }

  /**
   * The container's new environment.
   *
   * @param generated          generated variables, in order; those a user layer defines are dropped
   * @param attributes         resource attributes below the user layers, lowest precedence first
   *                           merged already (generated, then the CR's, then annotations)
   * @param optionsVariable    a variable to which {@code optionsSuffix} is appended (JAVA_TOOL_OPTIONS),
   *                           or null
   * @param optionsSuffix      what to append, e.g. {@code -javaagent:/instrumentor/java/javaagent.jar}
   */
  List<EnvVar> compose(List<EnvVar> generated, Map<String, String> attributes, String optionsVariable,
      String optionsSuffix) {
    List<EnvVar> result = new ArrayList<>(container.size() + generated.size() + 8);
    Set<String> special = new HashSet<>();
    special.add(RESOURCE_ATTRIBUTES);
    if (optionsVariable != null) {
      special.add(optionsVariable);
    }
    Set<String> taken = new HashSet<>();
    // the container's own variables stay; the special ones are rewritten in place
    for (EnvVar var : container) {
      taken.add(var.getName());
      if (optionsVariable != null && optionsVariable.equals(var.getName()) && var == last(container, optionsVariable)) {
        appendOptions(result, var, optionsSuffix);
      } else if (RESOURCE_ATTRIBUTES.equals(var.getName()) && var == last(container, RESOURCE_ATTRIBUTES)) {
        appendAttributes(result, attributes);
      } else {
        result.add(var);
      }
    }
    for (EnvVar var : generated) {
      if (!userDefines(var.getName()) && taken.add(var.getName())) {
        result.add(var);
      }
    }
    // spec.env, then java.env: lower layers first so that references into higher ones resolve
    for (int layer = userLayers.size() - 1; layer >= 1; layer--) {
      for (EnvVar var : userLayers.get(layer)) {
        if (special.contains(var.getName()) || userDefinition(var.getName()) != var || !taken.add(var.getName())) {
          continue;
        }
        result.add(var);
      }
    }
    if (optionsVariable != null && taken.add(optionsVariable)) {
      EnvVar definition = userDefinition(optionsVariable);
      appendOptions(result, definition == null ? new EnvVar(optionsVariable, null, null) : definition, optionsSuffix);
    }
    if (taken.add(RESOURCE_ATTRIBUTES)) {
      appendAttributes(result, attributes);
    }
    return definedBeforeUse(result);
  }

  private void appendOptions(List<EnvVar> result, EnvVar existing, String suffix) {
    String name = existing.getName();
    if (existing.getValueFrom() != null) {
      String helper = "INSTRUMENTOR_ORIGINAL_" + name;
      result.add(new EnvVarBuilder().withName(helper).withValueFrom(existing.getValueFrom()).build());
      result.add(new EnvVar(name, "$(" + helper + ") " + suffix, null));
    } else if (existing.getValue() == null || existing.getValue().isBlank()) {
      result.add(new EnvVar(name, suffix, null));
    } else if (existing.getValue().contains(suffix)) {
      result.add(existing);
    } else {
      result.add(new EnvVar(name, existing.getValue() + " " + suffix, null));
    }
  }

  /** Merges the layers of OTEL_RESOURCE_ATTRIBUTES: keys of higher layers win, none appears twice. */
  private void appendAttributes(List<EnvVar> result, Map<String, String> below) {
    Map<String, String> merged = new LinkedHashMap<>(below);
    List<String> references = new ArrayList<>();
    for (int layer = userLayers.size() - 1; layer >= 0; layer--) {
      EnvVar var = last(userLayers.get(layer), RESOURCE_ATTRIBUTES);
      if (var == null) {
        continue;
      }
      if (var.getValueFrom() != null) {
        // the value is unknown here: define it under a helper name and list it last, so its keys win
        String helper = "INSTRUMENTOR_" + layerNames.get(layer) + "_" + RESOURCE_ATTRIBUTES;
        result.add(new EnvVarBuilder().withName(helper).withValueFrom(var.getValueFrom()).build());
        references.add("$(" + helper + ")");
      } else {
        ResourceAttributes.parse(var.getValue()).forEach(merged::put);
      }
    }
    String value = ResourceAttributes.format(merged);
    for (String reference : references) {
      value = value.isEmpty() ? reference : value + "," + reference;
    }
    if (!value.isEmpty()) {
      result.add(new EnvVar(RESOURCE_ATTRIBUTES, value, null));
    }
  }

  /**
   * Reorders as little as possible so that each variable comes after the variables its
   * {@code $(...)} references name (Kubernetes expands only earlier ones). Cycles keep their order.
   */
  static List<EnvVar> definedBeforeUse(List<EnvVar> env) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < env.size(); i++) {
      index.put(env.get(i).getName(), i);
    }
    List<EnvVar> ordered = new ArrayList<>(env.size());
    boolean[] placed = new boolean[env.size()];
    boolean[] visiting = new boolean[env.size()];
    for (int i = 0; i < env.size(); i++) {
      place(i, env, index, placed, visiting, ordered);
    }
    return ordered;
  }

  private static void place(int i, List<EnvVar> env, Map<String, Integer> index, boolean[] placed,
      boolean[] visiting, List<EnvVar> ordered) {
    if (placed[i] || visiting[i]) {
      return;
    }
    visiting[i] = true;
    String value = env.get(i).getValue();
    if (value != null && value.indexOf("$(") >= 0) {
      Matcher reference = REFERENCE.matcher(value);
      while (reference.find()) {
        Integer dependency = index.get(reference.group(1));
        if (dependency != null && dependency > i) {
          place(dependency, env, index, placed, visiting, ordered);
        }
      }
    }
    visiting[i] = false;
    placed[i] = true;
    ordered.add(env.get(i));
  }
}
