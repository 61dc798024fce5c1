package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import java.util.List;
import java.util.Map;

/**
 * What sets one language's injection apart; everything else (resolving the Instrumentation, the
 * containers, collisions, the OTEL_* environment and its precedence, volumes, init containers'
 * security and resources, outcomes) is {@link AgentInjector}'s, the same for every language.
 */
interface AgentLanguage {

  /** The key in outcomes and the status annotation, e.g. {@code java}. */
  String name();

  /** The annotation asking for it, e.g. {@code instrumentor.dev/inject-java}. */
  String injectAnnotation();

  /** The annotation naming its containers, e.g. {@code instrumentor.dev/java-container-names}. */
  String containerNamesAnnotation();

  /** The agent's volume, and the name of the init container that fills it. */
  String volume();

  /** Where the volume is mounted, in the init container and the instrumented ones. */
  String mountPath();

  /** The language block of an Instrumentation; null when it has none. */
  AgentSpec block(InstrumentationSpec spec);

  /** The agent image when the block names none. */
  String defaultImage(InjectorSettings settings);

  /**
   * The variants of the agent a pod can ask for (a C library, a runtime), the first the default;
   * the init containers are prepared once per variant.
   */
  default List<String> variants() {
    return List.of("");
  }

  /** The variant {@code pod} asks for, or a {@link Variant#problem()} saying why it cannot be served. */
  default Variant variant(PodJson pod, Map<String, String> namespaceAnnotations) {
    return new Variant(variants().get(0), null);
  }

  /** The init containers' copy steps for {@code variant}: the first is the agent's, the volume it fills. */
  List<Copy> copies(AgentSpec block, String agentImage, String variant);

  /** The variable through which the process loads the agent, with what is put around its value. */
  Loader loader(AgentSpec block);

  /** Variables the agent needs unless a user sets them: lowest precedence, as generated ones. */
  default List<JsonNode> defaults() {
    return List.of();
  }

  /** Whether the agent exports OTLP over HTTP only (no gRPC exporter in its image). */
  default boolean httpOnly() {
    return false;
  }

  /** What an injected outcome says, e.g. {@code Java agent attached}. */
  String attached();

  /** A variant and, when it cannot be served, why. */
  record Variant(String name, String problem) {
  }

  /** An init container after the agent's, or the agent's own: its name suffix, image and command. */
  record Copy(String suffix, String image, List<String> command) {
  }

  /**
   * A list-valued variable the agent is loaded through: {@code prefix}, the existing value and
   * {@code suffix}, joined by {@code separator} (either end may be absent).
   */
  record Loader(String name, String prefix, String suffix, String separator) {

    /** The new value around {@code existing} (null or blank: none). */
    String around(String existing) {
      StringBuilder value = new StringBuilder();
      for (String part : new String[] {prefix, existing, suffix}) {
        if (part != null && !part.isBlank()) {
          if (!value.isEmpty()) {
            value.append(separator);
          }
          value.append(part);
        }
      }
      return value.toString();
    }

    /**
     * Whether {@code value} has the agent in it already (set by hand, or by an earlier injection):
     * the prefix and the suffix among its {@code separator}-separated parts.
     */
    boolean loadsAgent(String value) {
      java.util.List<String> parts = java.util.Arrays.asList(value.split(java.util.regex.Pattern.quote(separator)));
      return (prefix == null || parts.contains(prefix)) && (suffix == null || parts.contains(suffix));
    }
  }
}
