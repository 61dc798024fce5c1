package dev.instrumentor.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.json.PatchOperation;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edits are recorded, then applied at once: the pod's tree changes and the JSON patch written beside it
 * makes the same change to the pod as the API server holds it, touching only what changed.
 */
class PodEditsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode pod(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static JsonNode patchOf(List<PatchOperation> operations) {
    ArrayNode patch = JSON.createArrayNode();
    operations.forEach(operation -> patch.add(operation.toJson()));
    return patch;
  }

  @Test
  void nothingChangesUntilAppliedThenThePatchMakesTheSameChange() throws Exception {
    ObjectNode node = pod("""
        {"metadata": {"name": "web", "annotations": {"a/b": "1"}},
         "spec": {"initContainers": [{"name": "setup", "image": "busybox"}],
                  "containers": [{"name": "app", "image": "shop/app:1", "env": [{"name": "A", "value": "1"}]}]}}
        """);
    JsonNode original = node.deepCopy();
    PodJson pod = PodJson.of(node);
    PodJson.PodContainer app = pod.containers().get(0);
    PodEdits edits = new PodEdits(pod)
        .setEnv(app, List.of(app.env().get(0), PodJson.envVar("OTEL_SERVICE_NAME", "web")))
        .addVolumeMounts(app, List.of(JSON.readTree("{\"name\": \"agent\", \"mountPath\": \"/instrumentor\"}")))
        .addVolumes(List.of(JSON.readTree("{\"name\": \"agent\", \"emptyDir\": {}}")))
        .insertInitContainers(0, List.of(JSON.readTree("{\"name\": \"copy-agent\", \"image\": \"agent:1\"}")))
        .putAnnotation("instrumentor.dev/injection-status", "{}");
    assertThat(node).as("recorded, not applied").isEqualTo(original);

    List<PatchOperation> operations = new ArrayList<>();
    edits.applyTo(operations);
    assertThat(JsonPatch.apply(patchOf(operations), original)).as("the patch makes the same change").isEqualTo(node);
    assertThat(node.at("/spec/initContainers/0/name").asText()).isEqualTo("copy-agent");
    assertThat(node.at("/spec/initContainers/1/name").asText()).isEqualTo("setup");
    assertThat(node.at("/metadata/annotations/a~1b").asText()).as("other annotations kept").isEqualTo("1");
    // the env is appended to (its own entries first and unchanged), not replaced
    assertThat(operations).extracting(PatchOperation::path).contains("/spec/containers/0/env/1")
        .doesNotContain("/spec/containers/0/env");
  }

  @Test
  void anEnvWhoseOwnEntriesMoveIsReplacedWhole() throws Exception {
    ObjectNode node = pod("""
        {"spec": {"containers": [{"name": "app", "image": "x", "env": [{"name": "A", "value": "$(B)"}]}]}}
        """);
    JsonNode original = node.deepCopy();
    PodJson pod = PodJson.of(node);
    PodJson.PodContainer app = pod.containers().get(0);
    List<PatchOperation> operations = new ArrayList<>();
    new PodEdits(pod).setEnv(app, List.of(PodJson.envVar("B", "1"), app.env().get(0))).applyTo(operations);
    assertThat(operations).extracting(PatchOperation::path).containsExactly("/spec/containers/0/env");
    assertThat(JsonPatch.apply(patchOf(operations), original)).isEqualTo(node);
  }

  @Test
  void aPodWithoutTheListsGetsThemCreated() throws Exception {
    ObjectNode node = pod("{\"spec\": {\"containers\": [{\"name\": \"app\", \"image\": \"x\"}]}}");
    JsonNode original = node.deepCopy();
    PodJson pod = PodJson.of(node);
    PodEdits edits = new PodEdits(pod).addVolumes(List.of(JSON.readTree("{\"name\": \"v\", \"emptyDir\": {}}")))
        .addVolumeMounts(pod.containers().get(0), List.of(JSON.readTree("{\"name\": \"v\", \"mountPath\": \"/v\"}")))
        .putAnnotation("k", "v");
    List<PatchOperation> operations = new ArrayList<>();
    edits.applyTo(operations);
    assertThat(JsonPatch.apply(patchOf(operations), original)).isEqualTo(node);
    assertThat(node.at("/metadata/annotations/k").asText()).isEqualTo("v");
    assertThat(node.at("/spec/volumes/0/name").asText()).isEqualTo("v");
  }

  @Test
  void keysAreEscapedAsJsonPointersWant() {
    assertThat(PodEdits.escape("instrumentor.dev/injection-status")).isEqualTo("instrumentor.dev~1injection-status");
    assertThat(PodEdits.escape("a~b")).isEqualTo("a~0b");
  }
}
