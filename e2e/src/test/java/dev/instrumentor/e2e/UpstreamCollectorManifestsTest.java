package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.UpstreamOperator;
import dev.instrumentor.e2e.harness.UpstreamOperator.Manifest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Migration of collectors from the OpenTelemetry Operator, judged by its own e2e suites: every
 * {@code OpenTelemetryCollector} (v1beta1) its collector suites create, changed as a user changes it (apiVersion
 * and kind, nothing else), is accepted by the real API server with strict field validation, and nothing it sets
 * is pruned. What each field then does is {@code UpstreamCollectorFieldsTest}'s (operator) and the condition
 * Supported names what is accepted without effect.
 */
class UpstreamCollectorManifestsTest {

  static E2eCluster cluster;
  static String namespace;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real(), "needs a real API server: strict field validation, CEL and pruning are its");
    namespace = cluster.namespace("upstream-collectors", Map.of());
  }

  @Test
  void everyCollectorOfUpstreamsSuitesIsAcceptedStrictlyAndNothingIsPruned() {
    List<Manifest> manifests = UpstreamOperator.manifests(UpstreamOperator.COLLECTOR_SUITES,
        "opentelemetry.io/v1beta1", "OpenTelemetryCollector");
    // v0.153.0: 72 documents in 58 files; fewer means the fetch or the walk lost some
    assertThat(manifests).as("upstream's collectors").hasSizeGreaterThanOrEqualTo(72);
    List<String> refused = new ArrayList<>();
    Map<String, ObjectNode> previous = new HashMap<>();
    for (Manifest manifest : manifests) {
      ObjectNode object = manifest.object().deepCopy();
      // a step may apply a document without a spec (new labels): chainsaw merges it into the object an earlier
      // step of the same test created, and so does this test
      String key = Path.of(manifest.file()).getParent() + "/" + object.path("metadata").path("name").asText();
      if (!object.has("spec") && previous.containsKey(key)) {
        object = merged(previous.get(key).deepCopy(), object);
      }
      previous.put(key, object.deepCopy());
      object.put("apiVersion", "instrumentor.dev/v1alpha1");
      object.put("kind", "TelemetryCollector");
      ((ObjectNode) object.path("metadata")).put("namespace", namespace);
      GenericKubernetesResource resource = cluster.client().getKubernetesSerialization()
          .convertValue(object, GenericKubernetesResource.class);
      try {
        GenericKubernetesResource created = cluster.client().resource(resource)
            .dryRun().fieldValidation(FieldValidateable.Validation.STRICT).create();
        JsonNode kept = cluster.client().getKubernetesSerialization().convertValue(created, JsonNode.class);
        List<String> pruned = new ArrayList<>();
        missing(object.path("spec"), kept.path("spec"), "spec", pruned);
        if (!pruned.isEmpty()) {
          refused.add(manifest + ": pruned " + pruned);
        }
      } catch (KubernetesClientException e) {
        refused.add(manifest + ": " + e.getStatus().getMessage());
      }
    }
    assertThat(refused).as("refused or pruned, of %d", manifests.size()).isEmpty();
  }

  private static ObjectNode merged(ObjectNode into, ObjectNode patch) {
    patch.fields().forEachRemaining(field -> {
      if (field.getValue().isObject() && into.path(field.getKey()).isObject()) {
        merged((ObjectNode) into.get(field.getKey()), (ObjectNode) field.getValue());
      } else {
        into.set(field.getKey(), field.getValue());
      }
    });
    return into;
  }

  /** Paths of {@code sent} that {@code kept} lacks or holds otherwise (defaults the server adds are not counted). */
  private static void missing(JsonNode sent, JsonNode kept, String path, List<String> out) {
    if (sent.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = sent.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getValue().isNull()) {
          continue; // null is "not set": the API server drops it
        }
        if (!kept.has(field.getKey())) {
          out.add(path + "." + field.getKey());
        } else {
          missing(field.getValue(), kept.get(field.getKey()), path + "." + field.getKey(), out);
        }
      }
    } else if (sent.isArray()) {
      if (!kept.isArray() || kept.size() != sent.size()) {
        out.add(path);
        return;
      }
      for (int i = 0; i < sent.size(); i++) {
        missing(sent.get(i), kept.get(i), path + "[" + i + "]", out);
      }
    } else if (!sent.asText().equals(kept.asText())) {
      out.add(path + " (" + sent + " became " + kept + ")");
    }
  }
}
