package dev.instrumentor.webhook.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Real AdmissionReview JSON for tests: a ReplicaSet controller's pod CREATE, and helpers on answers. */
public final class AdmissionReviews {

  public static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionReviews() {
  }

  /** The AdmissionReview kube-apiserver sends for a Deployment's pod (two containers, inject-java "true"). */
  public static ObjectNode deploymentPodCreate() {
    return (ObjectNode) read(Fixtures.resource("/admission/deployment-pod-create.json"));
  }

  /** {@link #deploymentPodCreate()} carrying {@code pod} instead, with a fresh uid. */
  public static ObjectNode forPod(Pod pod) {
    ObjectNode review = deploymentPodCreate();
    ObjectNode request = (ObjectNode) review.get("request");
    request.put("uid", UUID.randomUUID().toString());
    request.set("object", Fixtures.SERIALIZATION.convertValue(pod, JsonNode.class));
    if (pod.getMetadata().getNamespace() != null) {
      request.put("namespace", pod.getMetadata().getNamespace());
    }
    return review;
  }

  public static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON patch of an answer, decoded; null when the answer has none. */
  public static JsonNode patch(JsonNode answer) {
    JsonNode patch = answer.path("response").get("patch");
    return patch == null ? null : read(new String(Base64.getDecoder().decode(patch.asText()), StandardCharsets.UTF_8));
  }

  /** What the API server would store: the request's object with the answer's patch applied. */
  public static JsonNode patchedObject(JsonNode review, JsonNode answer) {
    JsonNode object = review.path("request").path("object");
    JsonNode patch = patch(answer);
    return patch == null ? object : JsonPatch.apply(patch, object);
  }
}
