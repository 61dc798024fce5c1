package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.webhook.mutation.PodJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Composes a container's environment from four layers, highest precedence first: the container's
 * own variables, the language block's ({@code java.env}), the Instrumentation's ({@code spec.env}),
 * and the generated OTEL_* variables. The result defines no name twice, defines every
 * {@code $(VAR)} before its use where the references allow it, keeps the container's own variables
 * where they were, and merges OTEL_RESOURCE_ATTRIBUTES key by key so that keys set by a higher layer
 * win. Variables are JSON objects as in a pod ({@code name}, {@code value} or {@code valueFrom}); the
 * container's own are returned as the same nodes.
 */
final class EnvComposer {

  static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
  static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
  static final String SAMPLER = "OTEL_TRACES_SAMPLER";
  static final String SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";

  private final List<JsonNode> container;
  private final List<List<JsonNode>> userLayers; // container, language, spec: highest first
  private final List<String> layerNames = List.of("CONTAINER", "LANGUAGE", "SPEC");

  private final Map<String, JsonNode> definitions = new HashMap<>();

  EnvComposer(List<JsonNode> container, List<JsonNode> language, List<JsonNode> spec) {
    this.container = container == null ? List.of() : container;
    this.userLayers = List.of(this.container, nullToEmpty(language), nullToEmpty(spec));
    // lowest layer first, so that a higher layer's (and within a layer the last) definition wins
    for (int layer = userLayers.size() - 1; layer >= 0; layer--) {
      for (JsonNode var : userLayers.get(layer)) {
        definitions.put(name(var), var);
      }
    }
  }

  private static List<JsonNode> nullToEmpty(List<JsonNode> env) {
    return env == null ? List.of() : env;
  }

  /** The highest-precedence user definition of {@code name}, or null. */
  JsonNode userDefinition(String name) {
    return definitions.get(name);
  }

  boolean userDefines(String name) {
    return userDefinition(name) != null;
  }

  /** Keys of OTEL_RESOURCE_ATTRIBUTES that users set in plain values of any layer. */
  Set<String> userResourceAttributeKeys() {
    Set<String> keys = new HashSet<>();
    for (List<JsonNode> layer : userLayers) {
      JsonNode attributes = last(layer, RESOURCE_ATTRIBUTES);
      if (attributes != null && value(attributes) != null) {
        keys.addAll(ResourceAttributes.parse(value(attributes)).keySet());
      }
    }
    return keys;
  }

  private static JsonNode last(List<JsonNode> layer, String name) {
    JsonNode found = null;
    for (JsonNode var : layer) {
      if (name.equals(name(var))) {
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
   * @param loaders            the variables that load the agent (JAVA_TOOL_OPTIONS, PYTHONPATH, NODE_OPTIONS, ...),
   *                           with what goes around their values
   */
  List<JsonNode> compose(List<JsonNode> generated, Map<String, String> attributes, List<AgentLanguage.Loader> loaders) {
    Map<String, AgentLanguage.Loader> byName = new HashMap<>();
    for (AgentLanguage.Loader loader : loaders) {
      byName.put(loader.name(), loader);
    }
    List<JsonNode> result = new ArrayList<>(container.size() + generated.size() + 8);
    Set<String> special = new HashSet<>(byName.keySet());
    special.add(RESOURCE_ATTRIBUTES);
    Set<String> taken = new HashSet<>();
    // what users wrote keeps its relative order; only what is added here may move
    Set<JsonNode> fixed = Collections.newSetFromMap(new IdentityHashMap<>());
    // the container's own variables stay; the special ones are rewritten in place
    for (JsonNode var : container) {
      String name = name(var);
      taken.add(name);
      AgentLanguage.Loader loader = byName.get(name);
      if (loader != null && var == last(container, name)) {
        appendLoader(result, var, loader);
        fixed.add(result.get(result.size() - 1));
      } else if (RESOURCE_ATTRIBUTES.equals(name) && var == last(container, RESOURCE_ATTRIBUTES)) {
        int before = result.size();
        appendAttributes(result, attributes);
        if (result.size() > before && RESOURCE_ATTRIBUTES.equals(name(result.get(result.size() - 1)))) {
          fixed.add(result.get(result.size() - 1));
        }
      } else {
        result.add(var);
        fixed.add(var);
      }
    }
    for (JsonNode var : generated) {
      if (!userDefines(name(var)) && taken.add(name(var))) {
        result.add(var);
      }
    }
    // spec.env, then java.env: lower layers first so that references into higher ones resolve
    for (int layer = userLayers.size() - 1; layer >= 1; layer--) {
      for (JsonNode var : userLayers.get(layer)) {
        if (special.contains(name(var)) || userDefinition(name(var)) != var || !taken.add(name(var))) {
          continue;
        }
        result.add(var);
        fixed.add(var);
      }
    }
    for (AgentLanguage.Loader loader : loaders) {
      if (taken.add(loader.name())) {
        JsonNode definition = userDefinition(loader.name());
        appendLoader(result, definition == null ? PodJson.envVar(loader.name(), null) : definition, loader);
      }
    }
    if (taken.add(RESOURCE_ATTRIBUTES)) {
      appendAttributes(result, attributes);
    }
    return definedBeforeUse(result, fixed);
  }

  private static void appendLoader(List<JsonNode> result, JsonNode existing, AgentLanguage.Loader loader) {
    String name = name(existing);
    String value = value(existing);
    if (valueFrom(existing) != null) {
      // the value is unknown here: kept under a helper name that the new value references
      String helper = "INSTRUMENTOR_ORIGINAL_" + name;
      result.add(PodJson.envVarFrom(helper, valueFrom(existing)));
      result.add(PodJson.envVar(name, loader.around("$(" + helper + ")")));
    } else if (value == null || value.isBlank()) {
      result.add(PodJson.envVar(name, loader.around(null)));
    } else if (loader.loadsAgent(value)) {
      result.add(existing);
    } else {
      result.add(PodJson.envVar(name, loader.around(value)));
    }
  }

  /** Merges the layers of OTEL_RESOURCE_ATTRIBUTES: keys of higher layers win, none appears twice. */
  private void appendAttributes(List<JsonNode> result, Map<String, String> below) {
    Map<String, String> merged = new LinkedHashMap<>(below);
    List<String> references = new ArrayList<>();
    for (int layer = userLayers.size() - 1; layer >= 0; layer--) {
      JsonNode var = last(userLayers.get(layer), RESOURCE_ATTRIBUTES);
      if (var == null) {
        continue;
      }
      if (valueFrom(var) != null) {
        // the value is unknown here: define it under a helper name and list it last, so its keys win
        String helper = "INSTRUMENTOR_" + layerNames.get(layer) + "_" + RESOURCE_ATTRIBUTES;
        result.add(PodJson.envVarFrom(helper, valueFrom(var)));
        references.add("$(" + helper + ")");
      } else {
        ResourceAttributes.parse(value(var)).forEach(merged::put);
      }
    }
    String value = ResourceAttributes.format(merged);
    for (String reference : references) {
      value = value.isEmpty() ? reference : value + "," + reference;
    }
    if (!value.isEmpty()) {
      result.add(PodJson.envVar(RESOURCE_ATTRIBUTES, value));
    }
  }

  /**
   * Orders {@code env} so that each added variable comes after the variables its {@code $(...)}
   * references name and before the variables that reference it (Kubernetes expands only earlier
   * ones), while the {@code fixed} ones — what users wrote — keep their relative order: a user's
   * forward reference stays literal, as Kubernetes leaves it. An added variable stays where it is,
   * or comes earlier when a fixed one references it; one that references a fixed variable defined
   * after it waits until a fixed one needs it, else goes last. Cycles keep their order.
   */
  static List<JsonNode> definedBeforeUse(List<JsonNode> env, Set<JsonNode> fixed) {
    List<JsonNode> ordered = new ArrayList<>(env.size());
    boolean[] placed = new boolean[env.size()];
    boolean[] visiting = new boolean[env.size()];
    // the fixed ones in their order, each after the added variables it references; an added variable
    // where it stands unless it waits for a later fixed one
    for (int i = 0; i < env.size(); i++) {
      if (fixed.contains(env.get(i))) {
        placeDependencies(i, env, fixed, placed, visiting, ordered);
        placed[i] = true;
        ordered.add(env.get(i));
      } else {
        place(i, env, fixed, placed, visiting, ordered);
      }
    }
    for (int i = 0; i < env.size(); i++) {
      place(i, env, fixed, placed, visiting, ordered);
    }
    return ordered;
  }

  private static void place(int i, List<JsonNode> env, Set<JsonNode> fixed, boolean[] placed, boolean[] visiting,
      List<JsonNode> ordered) {
    if (placed[i] || visiting[i] || fixed.contains(env.get(i)) || waitsForFixed(i, env, fixed, placed)) {
      return;
    }
    visiting[i] = true;
    placeDependencies(i, env, fixed, placed, visiting, ordered);
    visiting[i] = false;
    placed[i] = true;
    ordered.add(env.get(i));
  }

  /** Whether the added variable {@code i} references a fixed variable that is not placed yet. */
  private static boolean waitsForFixed(int i, List<JsonNode> env, Set<JsonNode> fixed, boolean[] placed) {
    boolean[] waits = {false};
    forEachReference(env, i, dependency -> {
      if (fixed.contains(env.get(dependency)) && !placed[dependency]) {
        waits[0] = true;
      }
    });
    return waits[0];
  }

  /** Places the added variables that {@code i} references and that are defined after it. */
  private static void placeDependencies(int i, List<JsonNode> env, Set<JsonNode> fixed, boolean[] placed,
      boolean[] visiting, List<JsonNode> ordered) {
    forEachReference(env, i, dependency -> place(dependency, env, fixed, placed, visiting, ordered));
  }

  /** Calls {@code action} with the index of each later variable that {@code env[i]}'s value references. */
  private static void forEachReference(List<JsonNode> env, int i, IntConsumer action) {
    String value = value(env.get(i));
    if (value == null) {
      return;
    }
    // Kubernetes' expansion: $(NAME) is a reference, $$ an escaped $
    int at = value.indexOf('$');
    while (at >= 0 && at + 1 < value.length()) {
      char next = value.charAt(at + 1);
      int resume = at + 2;
      if (next == '(') {
        int close = value.indexOf(')', at + 2);
        if (close < 0) {
          break;
        }
        int dependency = laterDefinition(env, i, value, at + 2, close);
        if (dependency >= 0) {
          action.accept(dependency);
        }
        resume = close + 1;
      }
      at = value.indexOf('$', resume);
    }
  }

  /** The index after {@code i} of the variable named {@code value[from, to)}, or -1 (a short list: no map). */
  private static int laterDefinition(List<JsonNode> env, int i, String value, int from, int to) {
    int length = to - from;
    for (int j = env.size() - 1; j > i; j--) {
      String name = name(env.get(j));
      if (name.length() == length && value.startsWith(name, from)) {
        return j;
      }
    }
    return -1;
  }

  static String name(JsonNode var) {
    return PodJson.text(var, "name");
  }

  /** The literal value, or null when there is none. */
  static String value(JsonNode var) {
    return PodJson.textOrNull(var, "value");
  }

  static JsonNode valueFrom(JsonNode var) {
    JsonNode from = var.get("valueFrom");
    return from == null || from.isNull() ? null : from;
  }
}
