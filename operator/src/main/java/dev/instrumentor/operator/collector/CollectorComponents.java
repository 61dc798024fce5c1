package dev.instrumentor.operator.collector;

import dev.instrumentor.api.DidYouMean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The component types an official collector image ships, from the lists generated per distribution
 * and version ({@code tools/collector-components/generate.sh}: each component's metadata.yaml at the
 * release's manifest), so that {@code otlpp} is refused before rollout rather than crash-looping the
 * pods. An image that is not an official distribution at a version we have a list for is not checked.
 */
public final class CollectorComponents {

  /** Repository (without registry prefix variants) to distribution. */
  private static final Map<String, String> DISTRIBUTIONS = Map.of(
      "otel/opentelemetry-collector-contrib", "otelcol-contrib",
      "otel/opentelemetry-collector", "otelcol",
      "otel/opentelemetry-collector-k8s", "otelcol-k8s",
      "otel/opentelemetry-collector-otlp", "otelcol-otlp");
  private static final String GHCR = "ghcr.io/open-telemetry/opentelemetry-collector-releases/";
  private static final Pattern TAG = Pattern.compile("^(.+?):v?(\\d+\\.\\d+\\.\\d+)(@sha256:[0-9a-f]{64})?$");
  private static final Map<String, Optional<CollectorComponents>> LOADED = new ConcurrentHashMap<>();
  /** Config section to component kind. */
  private static final Map<String, String> KINDS = Map.of("receivers", "receiver", "processors", "processor",
      "exporters", "exporter", "connectors", "connector", "extensions", "extension");

  private final String distribution;
  private final String version;
  private final Map<String, Set<String>> types;

  private CollectorComponents(String distribution, String version, Map<String, Set<String>> types) {
    this.distribution = distribution;
    this.version = version;
    this.types = types;
  }

  /** The list for {@code image}, or empty when it is not an official distribution at a listed version. */
  public static Optional<CollectorComponents> forImage(String image) {
    Matcher matcher = TAG.matcher(image == null ? "" : image.trim());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String repository = matcher.group(1);
    for (String prefix : List.of("docker.io/", "index.docker.io/")) {
      if (repository.startsWith(prefix)) {
        repository = repository.substring(prefix.length());
      }
    }
    if (repository.startsWith(GHCR)) {
      repository = "otel/" + repository.substring(GHCR.length());
    }
    String distribution = DISTRIBUTIONS.get(repository);
    if (distribution == null) {
      return Optional.empty();
    }
    String resource = distribution + "-" + matcher.group(2) + ".tsv";
    return LOADED.computeIfAbsent(resource, name -> load(name, distribution, matcher.group(2)));
  }

  private static Optional<CollectorComponents> load(String resource, String distribution, String version) {
    try (InputStream in = CollectorComponents.class.getResourceAsStream("components/" + resource)) {
      if (in == null) {
        return Optional.empty();
      }
      Map<String, Set<String>> types = new HashMap<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] kindAndType = line.split("\t");
        types.computeIfAbsent(kindAndType[0], kind -> new TreeSet<>()).add(kindAndType[1].trim());
      }
      return Optional.of(new CollectorComponents(distribution, version, Map.copyOf(types)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * All that is wrong with {@code config} on {@code image}: its own problems, then component types the
   * image does not ship (when we know the image's list).
   */
  public static List<String> problems(CollectorConfig config, String image) {
    List<String> problems = new ArrayList<>(config.problems());
    forImage(image).ifPresent(components -> problems.addAll(components.problems(config)));
    return problems;
  }

  /** "otelcol-contrib 0.139.0". */
  public String describe() {
    return distribution + " " + version;
  }

  /**
   * Every component the config defines whose type this image does not ship (the collector refuses
   * to start on any, used in a pipeline or not), naming a close type when there is one.
   */
  public List<String> problems(CollectorConfig config) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> section : new TreeMap<>(KINDS).entrySet()) {
      Set<String> known = types.getOrDefault(section.getValue(), Set.of());
      for (String id : new TreeSet<>(config.defined(section.getKey()))) {
        ComponentId parsed = ComponentId.parse(id);
        if (parsed == null || known.contains(parsed.type())) {
          continue;
        }
        String close = DidYouMean.closest(parsed.type(), known, 2);
        problems.add(section.getKey() + "." + id + ": " + describe() + " has no " + section.getValue() + " of type \""
            + parsed.type() + "\"" + (close == null ? "" : " (did you mean \"" + close + "\"?)"));
      }
    }
    return problems;
  }
}
