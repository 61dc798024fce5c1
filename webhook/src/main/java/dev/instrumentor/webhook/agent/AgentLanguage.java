package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodJson;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What sets one language's injection apart; everything else (resolving the Instrumentation, the
 * containers, collisions, the OTEL_* environment and its precedence, volumes, init containers'
 * security and resources, outcomes) is {@link AgentInjector}'s, the same for every language.
 */
abstract class AgentLanguage {

  private final Language language;
  private final String volume;
  private final String mountPath;
  private final String attached;

  /**
   * @param language                 its entry in the one list of languages: key, annotations, whether it has an agent
   * @param volume                   the agent's volume, and the name of the init container that fills it;
   *                                 null for a language without an agent
   * @param mountPath                where the volume is mounted, in the init container and the instrumented ones
   * @param attached                 what an injected outcome says, e.g. {@code Java agent attached}
   */
  AgentLanguage(Language language, String volume, String mountPath, String attached) {
    this.language = language;
    this.volume = volume;
    this.mountPath = mountPath;
    this.attached = attached;
  }

  final String name() {
    return language.key();
  }

  final String injectAnnotation() {
    return language.injectAnnotation();
  }

  final String containerNamesAnnotation() {
    return language.containerNamesAnnotation();
  }

  /** Null for a language without an agent. */
  final String volume() {
    return volume;
  }

  /** Null for a language without an agent. */
  final String mountPath() {
    return mountPath;
  }

  final String attached() {
    return attached;
  }

  /** Whether an agent is copied into the pod; without one, the containers get the OTEL_* environment only. */
  final boolean hasAgent() {
    return volume != null;
  }

  /**
   * Whether {@code pod} carries this language's injection (with the status annotation saying so, it is left as it
   * is): the agent's volume and the init container that fills it; a language without an agent leaves no trace but
   * the status annotation.
   */
  boolean presentIn(PodJson pod) {
    return !hasAgent() || pod.hasVolume(volume)
        && pod.initContainers().stream().anyMatch(container -> volume.equals(container.name()));
  }

  /** Whether the agent runs in a sidecar of its own beside the target (Go's eBPF), not inside the target's process. */
  boolean sidecar() {
    return false;
  }

  /** The language block of an Instrumentation; null when it has none. */
  abstract AgentSpec block(InstrumentationSpec spec);

  /** The agent image when the block names none. */
  String defaultImage(InjectorSettings settings) {
    return language.hasAgent() ? settings.agentImages().image(language) : null;
  }

  final Language language() {
    return language;
  }

  /**
   * The variants of the agent a pod can ask for (a C library, a runtime), the first the default;
   * the init containers are prepared once per variant.
   */
  List<String> variants() {
    return List.of("");
  }

  /** The variant {@code pod} asks for, or a {@link Variant#problem()} saying why it cannot be served. */
  Variant variant(PodJson pod, Map<String, String> namespaceAnnotations) {
    return new Variant(variants().get(0), null);
  }

  /** The init containers' copy steps for {@code variant}: the first is the agent's, the volume it fills. */
  List<Copy> copies(AgentSpec block, String agentImage, String variant) {
    // the OpenTelemetry Operator's layout for most languages: the image's /autoinstrumentation, copied whole
    return hasAgent() ? List.of(new Copy("", agentImage, List.of("cp", "-r", "/autoinstrumentation/.", mountPath())))
        : List.of();
  }

  /** The variables through which the process loads the agent, with what is put around their values: none by default. */
  List<Loader> loaders(AgentSpec block, String variant) {
    return List.of();
  }

  /** Variables the agent needs unless a user sets them: lowest precedence, as generated ones. */
  List<JsonNode> defaults(String variant) {
    return List.of();
  }

  /**
   * A variable that, set by the user in the container or the language block, means the agent is
   * configured by hand: the container is then not injected. Null when there is none.
   */
  String configuredByHand() {
    return null;
  }

  /** Whether the agent exports OTLP over HTTP only (no gRPC exporter in its image). */
  boolean httpOnly() {
    return false;
  }

  /** A variant and, when it cannot be served, why. */
  record Variant(String name, String problem) {

    /**
     * The variant named by annotation {@code key} (or its OpenTelemetry Operator equivalent) on the
     * pod, else on its Namespace; the first of {@code variants} when none names one.
     *
     * @param choices how to say the allowed values, for the problem
     */
    static Variant chosen(String key, PodJson pod, Map<String, String> namespaceAnnotations, List<String> variants,
        String choices) {
      AnnotationValue value = AnnotationValue.of(key, pod.annotations(), namespaceAnnotations);
      if (value == null || value.value().isBlank()) {
        return new Variant(variants.get(0), null);
      }
      String name = value.value().trim();
      if (variants.contains(name)) {
        return new Variant(name, null);
      }
      return new Variant(null, value.key() + " on the " + value.where() + " is \"" + value.value() + "\": use " + choices);
    }
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
     * the prefix and the suffix among its {@code separator}-separated parts (a suffix of several
     * parts, such as {@code --require <file>}, as consecutive parts).
     */
    boolean loadsAgent(String value) {
      List<String> parts = split(value);
      return (prefix == null || Collections.indexOfSubList(parts, split(prefix)) >= 0)
          && (suffix == null || Collections.indexOfSubList(parts, split(suffix)) >= 0);
    }

    private List<String> split(String value) {
      return Arrays.stream(value.split(Pattern.quote(separator)))
          .filter(part -> !part.isEmpty()).toList();
    }
  }
}
