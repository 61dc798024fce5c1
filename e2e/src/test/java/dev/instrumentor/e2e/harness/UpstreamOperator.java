package dev.instrumentor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The OpenTelemetry Operator's source at a release ({@code e2e/upstream/fetch.sh}: from the Go module proxy, cached
 * outside the clone, nothing of it committed), as a judge of compatibility: the manifests of its e2e suites.
 */
public final class UpstreamOperator {

  /** Its e2e suites that create OpenTelemetryCollectors (the issue's list). */
  public static final List<String> COLLECTOR_SUITES = List.of("tests/e2e", "tests/e2e-targetallocator", "tests/e2e-pdb",
      "tests/e2e-autoscale", "tests/e2e-sidecar", "tests/e2e-collector-metrics");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern STEP = Pattern.compile("^(\\d+)-");

  private UpstreamOperator() {
  }

  /** The unpacked module, fetched once per cache. */
  public static Path source() {
    return Commands.buildOutput("e2e/upstream/fetch.sh");
  }

  /**
   * The Prometheus Operator's real CRD of {@code plural} ({@code servicemonitors}, {@code podmonitors} ...), from its
   * source at a pinned release (the same script, from the Go module proxy).
   */
  public static CustomResourceDefinition prometheusOperatorCrd(String plural) {
    Path file = Commands.buildOutput("e2e/upstream/fetch.sh", "prometheus-operator")
        .resolve("example/prometheus-operator-crd/monitoring.coreos.com_" + plural + ".yaml");
    try (var in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates those of the Prometheus Operator's CRDs that the API server does not have yet and waits until they are
   * established; returns the names of those it created (for the caller to delete), none when all were there.
   */
  public static List<String> installPrometheusOperatorCrds(KubernetesClient client, String... plurals) {
    List<String> created = new ArrayList<>();
    for (String plural : plurals) {
      CustomResourceDefinition crd = prometheusOperatorCrd(plural);
      String name = crd.getMetadata().getName();
      CustomResourceDefinition there = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      if (there != null && there.getMetadata().getDeletionTimestamp() != null) {
        client.apiextensions().v1().customResourceDefinitions().withName(name).waitUntilCondition(c -> c == null, 60,
            TimeUnit.SECONDS);
        there = null;
      }
      if (there == null) {
        client.resource(crd).create();
        created.add(name);
      }
      client.apiextensions().v1().customResourceDefinitions().withName(name)
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType())
                  && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
    }
    return created;
  }

  /** Deletes CRDs (those {@link #installPrometheusOperatorCrds} created) and waits until they are gone. */
  public static void uninstallCrds(KubernetesClient client, List<String> names) {
    for (String name : names) {
      client.apiextensions().v1().customResourceDefinitions().withName(name).delete();
      client.apiextensions().v1().customResourceDefinitions().withName(name).waitUntilCondition(c -> c == null, 60,
          TimeUnit.SECONDS);
    }
  }

  /** The YAML documents of {@code file} that are objects, in order. */
  public static List<ObjectNode> documents(Path file) {
    List<ObjectNode> documents = new ArrayList<>();
    try (var parser = YAML.createParser(file.toFile())) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        if (it.next() instanceof ObjectNode object) {
          documents.add(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  /** A test file's step: the number its name starts with (chainsaw's convention in the suites), -1 without one. */
  public static int step(Path file) {
    Matcher number = STEP.matcher(file.getFileName().toString());
    return number.find() ? Integer.parseInt(number.group(1)) : -1;
  }

  /** RFC 7386 merge patch, as chainsaw's apply merges into an object as it is: objects merged, a null removes. */
  public static ObjectNode mergePatch(ObjectNode into, JsonNode patch) {
    patch.properties().forEach(field -> {
      if (field.getValue().isNull()) {
        into.remove(field.getKey());
      } else if (field.getValue().isObject() && into.path(field.getKey()).isObject()) {
        mergePatch((ObjectNode) into.get(field.getKey()), field.getValue());
      } else {
        into.set(field.getKey(), field.getValue().deepCopy());
      }
    });
    return into;
  }

  /**
   * One line of a documented-differences file of the test resources: what it says (a prefix of a difference, or a
   * mapping), and the reason given after {@code " # "} on the same line ({@code ""} when the reason is a comment line
   * above it instead).
   */
  public record Documented(String text, String reason) {
  }

  /**
   * The lines of the test resource {@code name} (e.g. {@code /upstream-collector-differences.txt}) that are neither
   * blank nor a {@code #} comment; none when there is no such resource.
   */
  public static List<Documented> documented(String name) {
    List<Documented> lines = new ArrayList<>();
    try (InputStream in = UpstreamOperator.class.getResourceAsStream(name)) {
      if (in == null) {
        return lines;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.trim().startsWith("#")) {
          continue;
        }
        int comment = line.indexOf(" # ");
        lines.add(comment < 0 ? new Documented(line.trim(), "")
            : new Documented(line.substring(0, comment).trim(), line.substring(comment + 3).trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /**
   * Adds to {@code out} the paths of {@code expected} that {@code actual} does not hold: chainsaw's partial match,
   * without expressions (a key in parentheses or after {@code ~} is skipped); a list's elements each matched by one of
   * {@code actual}'s, in any order.
   */
  public static void contained(JsonNode expected, JsonNode actual, String path, List<String> out) {
    if (expected.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("(") || field.getKey().startsWith("~")) {
          continue; // an expression
        }
        if (!actual.has(field.getKey()) || actual.get(field.getKey()).isNull()) {
          if (!field.getValue().isNull()) {
            out.add(path + "." + field.getKey() + " missing");
          }
          continue;
        }
        contained(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey(), out);
      }
    } else if (expected.isArray()) {
      if (!actual.isArray()) {
        out.add(path + " is not a list");
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        JsonNode element = expected.get(i);
        boolean found = false;
        for (JsonNode candidate : actual) {
          List<String> none = new ArrayList<>();
          contained(element, candidate, path, none);
          if (none.isEmpty()) {
            found = true;
            break;
          }
        }
        if (!found) {
          out.add(path + "[" + i + "] " + summary(element) + " not matched");
        }
      }
    } else if (!expected.asText().equals(actual.asText())) {
      out.add(path + " is " + actual + ", asserted " + expected);
    }
  }

  private static String summary(JsonNode element) {
    String text = element.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  /** A document of a file of its suites, and where it came from. */
  public record Manifest(String file, int index, ObjectNode object) {

    @Override
    public String toString() {
      return file + "#" + index + " (" + object.path("metadata").path("name").asText() + ")";
    }
  }

  /**
   * Every document of {@code kind} and {@code apiVersion} in the given suites' files that a test applies (its
   * {@code *assert*} and {@code *error*} files, which chainsaw compares against, left out), in file order.
   */
  public static List<Manifest> manifests(List<String> suites, String apiVersion, String kind) {
    Path root = source();
    List<Manifest> found = new ArrayList<>();
    for (String suite : suites) {
      Path dir = root.resolve(suite);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.contains("assert") || name.contains("error")) {
            continue;
          }
          int index = 0;
          try (var parser = YAML.createParser(file.toFile())) {
            for (var documents = YAML.readValues(parser, JsonNode.class); documents.hasNext(); index++) {
              JsonNode document = documents.next();
              if (document instanceof ObjectNode object && kind.equals(object.path("kind").asText())
                  && apiVersion.equals(object.path("apiVersion").asText())) {
                found.add(new Manifest(root.relativize(file).toString(), index, object));
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found;
  }
}
