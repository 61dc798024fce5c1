package dev.instrumentor.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.crd.CrdGeneration;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Realistic resources (the shipped examples and fixtures that set every field) read into the model
 * and write back without losing or changing a field.
 */
class ExamplesRoundTripTest {

  private static final Path EXAMPLES = Path.of("").toAbsolutePath().resolveSibling("examples");
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @ParameterizedTest
  @CsvSource({
      "examples/instrumentation.yaml, dev.instrumentor.api.v1alpha1.Instrumentation",
      "examples/collector.yaml, dev.instrumentor.api.v1alpha1.TelemetryCollector",
      "instrumentation-all-fields.yaml, dev.instrumentor.api.v1alpha1.Instrumentation",
      "collector-all-fields.yaml, dev.instrumentor.api.v1alpha1.TelemetryCollector",
  })
  void roundTripKeepsEveryField(String file, Class<? extends HasMetadata> type) throws IOException {
    String yaml = read(file);

    HasMetadata resource = serialization.unmarshal(yaml, type);
    assertThat(resource).isInstanceOf(type);
    JsonNode original = serialization.unmarshal(yaml, JsonNode.class);
    // through text, so that numbers compare by value (the model holds longs where YAML gives ints)
    JsonNode written = serialization.unmarshal(serialization.asJson(resource), JsonNode.class);

    assertThat(written).isEqualTo(original);
  }

  @ParameterizedTest
  @CsvSource({
      "instrumentation-all-fields.yaml, instrumentations.instrumentor.dev.yaml",
      "collector-all-fields.yaml, telemetrycollectors.instrumentor.dev.yaml",
  })
  void allFieldsFixturesSetEveryFieldOfOurOwnSchema(String file, String crdFile) throws IOException {
    // guards the round trip above: a fixture that left fields out would prove little
    CustomResourceDefinition crd = serialization.unmarshal(
        CrdGeneration.generate(Path.of("src/main/java")).get(crdFile), CustomResourceDefinition.class);
    JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    JsonNode resource = serialization.unmarshal(read(file), JsonNode.class);
    for (String part : List.of("spec", "status")) {
      assertCovers(part, root.getProperties().get(part), resource.get(part));
    }
  }

  private static final List<String> LANGUAGES = List.of("java", "python", "nodejs", "dotnet", "go", "apacheHttpd", "nginx");
  private static final List<String> OWN_OBJECTS = Stream.concat(
      Stream.of("exporter", "tls", "sampler", "resource", "defaults", "extensions", "scale", "autoscaler", "ports",
      "observability", "metrics", "targetAllocator", "prometheusCR", "mtls", "podDisruptionBudget", "ingress", "route",
      "httpRoute", "networkPolicy", "livenessProbe", "configmaps", "selector", "images", "rollback", "rollbacks"), LANGUAGES.stream()).toList();

  /** Fields the schema forbids together: a fixture sets one of each pair. */
  private static final Map<String, String> EXCLUSIVE = exclusive();

  private static Map<String, String> exclusive() {
    Map<String, String> pairs = new HashMap<>();
    for (String language : LANGUAGES) {
      pairs.put("spec." + language + ".volumeLimitSize", "volumeClaimTemplate");
      pairs.put("spec." + language + ".volumeClaimTemplate", "volumeLimitSize");
      pairs.put("spec." + language + ".resources", "resourceRequirements");
      pairs.put("spec." + language + ".resourceRequirements", "resources");
    }
    for (String budget : List.of("spec.podDisruptionBudget", "spec.targetAllocator.podDisruptionBudget")) {
      pairs.put(budget + ".minAvailable", "maxUnavailable");
      pairs.put(budget + ".maxUnavailable", "minAvailable");
    }
    return Map.copyOf(pairs);
  }

  private static void assertCovers(String path, JSONSchemaProps schema, JsonNode value) {
    schema.getProperties().forEach((name, child) -> {
      String alternative = EXCLUSIVE.get(path + "." + name);
      assertThat(value.has(name) || alternative != null && value.has(alternative))
          .as("fixture sets %s.%s", path, name).isTrue();
      if (OWN_OBJECTS.contains(name)) {
        JsonNode childValue = value.get(name).isArray() ? value.get(name).get(0) : value.get(name);
        assertCovers(path + "." + name, child.getItems() != null ? child.getItems().getSchema() : child, childValue);
      }
    });
  }

  private String read(String file) throws IOException {
    if (file.startsWith("examples/")) {
      return Files.readString(EXAMPLES.resolve(file.substring("examples/".length())));
    }
    try (InputStream in = getClass().getResourceAsStream("/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
