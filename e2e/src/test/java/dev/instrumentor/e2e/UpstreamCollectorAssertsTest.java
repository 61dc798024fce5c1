package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.e2e.harness.UpstreamOperator;
import dev.instrumentor.e2e.harness.UpstreamOperator.Manifest;
import dev.instrumentor.operator.collector.CollectorConfig;
import dev.instrumentor.operator.collector.CollectorManifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What upstream's collector e2e asserts expect of the objects an OpenTelemetryCollector gets, against what
 * Instrumentor creates for the same collector (converted as a user converts it; rendered offline, as
 * {@code instrumentor render} does): every object they assert of the kinds a collector owns (its workload,
 * Services, ConfigMaps, ServiceAccounts, PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy, Ingress,
 * ServiceMonitor, and the target allocator's) must exist under the same name or the documented one, and what they
 * assert of its {@code spec} (and of a ConfigMap's YAML {@code data}) must hold of ours, field for field (lists:
 * each asserted element matched by one of ours), except the differences in {@code upstream-collector-differences.txt},
 * each with its reason. Status, labels and annotations are not compared (they are the cluster's, or name the
 * operator), nor are objects named by an expression.
 */
class UpstreamCollectorAssertsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Set<String> KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Service", "ConfigMap",
      "ServiceAccount", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "Ingress", "ServiceMonitor");

  @Test
  void theObjectsUpstreamsAssertsExpectAreOursWhereTheMeaningIsTheSame() throws IOException {
    Path root = UpstreamOperator.source();
    // test directory to its collectors as applied, in file order; a file's step is its NN- prefix
    Map<String, List<Manifest>> appliedByTest = new TreeMap<>();
    for (Manifest manifest : UpstreamOperator.manifests(UpstreamOperator.COLLECTOR_SUITES, "opentelemetry.io/v1beta1",
        "OpenTelemetryCollector")) {
      appliedByTest.computeIfAbsent(Path.of(manifest.file()).getParent().toString(), t -> new ArrayList<>()).add(manifest);
    }
    CollectorManifests manifests = new CollectorManifests("otel/opentelemetry-collector-contrib:0.140.0",
        "instrumentor-collector-", "ghcr.io/instrumentor-dev/instrumentor:test");
    List<String> differences = new ArrayList<>();
    int compared = 0;
    int objects = 0;
    for (Map.Entry<String, List<Manifest>> test : appliedByTest.entrySet()) {
      for (Map.Entry<Path, JsonNode> assertion : asserts(root.resolve(test.getKey()))) {
        // the collectors as they are at the assert's step: every document of the steps up to it applied in order
        int step = UpstreamOperator.step(assertion.getKey());
        Map<String, ObjectNode> collectors = new LinkedHashMap<>();
        for (Manifest manifest : test.getValue()) {
          if (UpstreamOperator.step(Path.of(manifest.file())) <= step) {
            // chainsaw's apply merges into the object as it is (a null deletes a field)
            String name = manifest.object().path("metadata").path("name").asText();
            collectors.put(name, collectors.containsKey(name)
                ? UpstreamOperator.mergePatch(collectors.get(name).deepCopy(), manifest.object()) : manifest.object().deepCopy());
          }
        }
        JsonNode expected = assertion.getValue();
        String kind = expected.path("kind").asText();
        String name = expected.path("metadata").path("name").asText("");
        if (!KINDS.contains(kind) || name.isEmpty() || name.startsWith("(")
            || collectors.keySet().stream().noneMatch(c -> name.startsWith(c + "-"))) {
          continue; // not a collector's object, or named by an expression
        }
        objects++;
        Map<String, JsonNode> ours = new TreeMap<>();
        for (ObjectNode upstream : collectors.values()) {
          for (HasMetadata object : render(manifests, upstream)) {
            ours.put(object.getKind() + "/" + object.getMetadata().getName(), SERIALIZATION.convertValue(object,
                JsonNode.class));
          }
        }
        String where = test.getKey() + ": " + kind + "/" + name;
        JsonNode actual = ours.get(kind + "/" + ourName(kind, name));
        if (actual == null) {
          differences.add(where + ": not created");
          continue;
        }
        compared++;
        List<String> paths = new ArrayList<>();
        UpstreamOperator.contained(expected.path("spec"), actual.path("spec"), "spec", paths);
        if (kind.equals("ConfigMap")) {
          data(expected.path("data"), actual.path("data"), paths);
        }
        paths.forEach(path -> differences.add(where + ": " + path));
      }
    }
    Set<String> documented = new TreeSet<>();
    UpstreamOperator.documented("/upstream-collector-differences.txt").forEach(line -> documented.add(line.text()));
    List<String> undocumented = differences.stream().filter(d -> documented.stream().noneMatch(d::startsWith)).toList();
    System.out.printf("upstream's collector asserts: %d objects of a collector asserted, %d created by us and"
        + " compared; %d differences, all documented: %s%n", objects, compared, differences.size(), undocumented.isEmpty());
    differences.forEach(d -> System.out.println("  " + d));
    assertThat(objects).as("objects asserted (v0.153.0); fewer means the walk lost some").isGreaterThanOrEqualTo(40);
    assertThat(undocumented).as("differences not in upstream-collector-differences.txt").isEmpty();
    List<String> stale = documented.stream().filter(d -> differences.stream().noneMatch(x -> x.startsWith(d))).toList();
    assertThat(stale).as("documented differences that are no more").isEmpty();
  }

  private static List<HasMetadata> render(CollectorManifests manifests, ObjectNode upstream) {
    ObjectNode object = upstream.deepCopy();
    object.put("apiVersion", "instrumentor.dev/v1alpha1");
    object.put("kind", "TelemetryCollector");
    ObjectNode metadata = (ObjectNode) object.path("metadata");
    if (!metadata.has("namespace")) {
      metadata.put("namespace", "e2e");
    }
    TelemetryCollector collector = SERIALIZATION.convertValue(object, TelemetryCollector.class);
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    return manifests.desired(collector, config, "");
  }

  /** Upstream names its collector ConfigMap after a hash of the config: ours is {@code <name>-collector}. */
  private static String ourName(String kind, String name) {
    if (kind.equals("ConfigMap") && name.matches(".*-collector-[0-9a-f]{8}")) {
      return name.substring(0, name.length() - 9);
    }
    return name;
  }

  /** The documents of a test's assert files, each with its file. */
  private static List<Map.Entry<Path, JsonNode>> asserts(Path test) {
    List<Map.Entry<Path, JsonNode>> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(test)) {
      for (Path file : files.filter(f -> f.getFileName().toString().contains("assert")
          && f.toString().endsWith(".yaml")).sorted().toList()) {
        UpstreamOperator.documents(file).forEach(document -> documents.add(Map.entry(file, document)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  /** A ConfigMap's values that are YAML documents (a collector's or an allocator's config) compared as YAML. */
  private static void data(JsonNode expected, JsonNode actual, List<String> out) throws IOException {
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!actual.has(entry.getKey())) {
        out.add("data." + entry.getKey() + " missing");
        continue;
      }
      JsonNode want = YAML.readTree(entry.getValue().asText());
      JsonNode have = YAML.readTree(actual.path(entry.getKey()).asText());
      UpstreamOperator.contained(want, have, "data." + entry.getKey(), out);
    }
  }
}
