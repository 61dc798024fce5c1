package dev.instrumentor.operator.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.json.KubeSerialization;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.function.Function;

/**
 * Brings an owned object to its desired state with as few API calls as possible: none when the
 * cached object already holds every desired field ({@link #matches}), else one write — server-side
 * apply in production, or create / update (desired fields merged onto the live object) where
 * server-side apply is unavailable (the fabric8 mock server).
 */
public final class ResourceApplier {

  public static final String FIELD_MANAGER = "instrumentor";

  private final KubernetesClient client;
  private final boolean serverSideApply;
  private final KubernetesSerialization serialization = KubeSerialization.SHARED;

  public ResourceApplier(KubernetesClient client, boolean serverSideApply) {
    this.client = client;
    this.serverSideApply = serverSideApply;
  }

  /**
   * @param actual the object as cached, or null when it does not exist
   * @return the written object, or null when nothing needed writing
   */
  public <T extends HasMetadata> T apply(T desired, T actual) {
    return apply(desired, actual, client::resource);
  }

  /**
   * A custom resource of an API the client need not discover: {@code api} names its plural, so the write is
   * the only request.
   */
  public GenericKubernetesResource apply(ResourceDefinitionContext api, GenericKubernetesResource desired,
      GenericKubernetesResource actual) {
    return apply(desired, actual, object -> client.genericKubernetesResources(api)
        .inNamespace(object.getMetadata().getNamespace()).resource(object));
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> T apply(T desired, T actual, Function<T, Resource<T>> resource) {
    if (actual != null && matches(desired, actual)) {
      return null;
    }
    if (serverSideApply) {
      return resource.apply(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
    if (actual == null) {
      return resource.apply(desired).create();
    }
    JsonNode merged = merge(serialization.convertValue(actual, JsonNode.class).deepCopy(),
        serialization.convertValue(desired, JsonNode.class));
    T update = (T) serialization.convertValue(merged, desired.getClass());
    update.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
    return resource.apply(update).update();
  }

  /**
   * True when every field set in {@code desired} has the same value in {@code actual}; fields the
   * API server or others added (defaults, status, other metadata) are ignored.
   */
  public boolean matches(HasMetadata desired, HasMetadata actual) {
    JsonNode d = serialization.convertValue(desired, JsonNode.class);
    JsonNode a = serialization.convertValue(actual, JsonNode.class);
    JsonNode desiredMeta = d.path("metadata");
    JsonNode actualMeta = a.path("metadata");
    for (String field : new String[] {"labels", "annotations", "ownerReferences"}) {
      if (desiredMeta.has(field) && !contains(actualMeta.path(field), desiredMeta.get(field))) {
        return false;
      }
    }
    for (Map.Entry<String, JsonNode> field : d.properties()) {
      String name = field.getKey();
      if (!name.equals("metadata") && !name.equals("status") && !contains(a.path(name), field.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code actual} holds everything in {@code desired}. */
  static boolean contains(JsonNode actual, JsonNode desired) {
    if (desired.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> field : desired.properties()) {
        if (!contains(actual.path(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return false;
      }
      for (int i = 0; i < desired.size(); i++) {
        if (!contains(actual.get(i), desired.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (desired.isNull()) {
      return actual.isMissingNode() || actual.isNull();
    }
    // numbers and quantities may come back as text or number: compare their text
    return !actual.isMissingNode() && actual.asText().equals(desired.asText());
  }

  /** {@code desired} merged onto {@code target}: objects field by field, everything else replaced. */
  static JsonNode merge(JsonNode target, JsonNode desired) {
    if (!(target instanceof ObjectNode object) || !desired.isObject()) {
      return desired;
    }
    for (Map.Entry<String, JsonNode> field : desired.properties()) {
      JsonNode existing = object.get(field.getKey());
      object.set(field.getKey(), existing == null ? field.getValue() : merge(existing, field.getValue()));
    }
    return object;
  }
}
