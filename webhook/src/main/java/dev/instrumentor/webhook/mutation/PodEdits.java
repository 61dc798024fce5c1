package dev.instrumentor.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.json.PatchOperation;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes one injection makes to a pod, recorded while it reads the pod and applied only when
 * it succeeds: an injection that fails half-way leaves nothing behind. Applying them changes the
 * pod's tree and writes the RFC 6902 operations that make the same change, in the order the API
 * server applies them, so that the patch holds only what changed (no diff of the whole pod) and
 * leaves everything else as the user wrote it.
 */
public final class PodEdits {

  private final PodJson pod;
  private final Map<PodContainer, List<JsonNode>> env = new LinkedHashMap<>();
  private final Map<PodContainer, List<JsonNode>> mounts = new LinkedHashMap<>();
  private final Map<PodContainer, List<Integer>> removedMounts = new LinkedHashMap<>();
  private final List<JsonNode> volumes = new ArrayList<>();
  private final List<JsonNode> containers = new ArrayList<>();
  private final List<JsonNode> initContainers = new ArrayList<>();
  private int initContainersAt;
  private boolean shareProcessNamespace;
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private final Map<String, String> labels = new LinkedHashMap<>();

  PodEdits(PodJson pod) {
    this.pod = pod;
  }

  /** Replaces {@code container}'s environment with {@code vars} (its own entries among them, as they are). */
  public PodEdits setEnv(PodContainer container, List<JsonNode> vars) {
    env.put(container, List.copyOf(vars));
    return this;
  }

  /** Appends volume mounts to {@code container}. */
  public PodEdits addVolumeMounts(PodContainer container, List<? extends JsonNode> added) {
    mounts.computeIfAbsent(container, c -> new ArrayList<>()).addAll(added);
    return this;
  }

  /** Removes {@code container}'s volume mounts at {@code indexes} of its list (before any mount is appended). */
  public PodEdits removeVolumeMounts(PodContainer container, List<Integer> indexes) {
    removedMounts.computeIfAbsent(container, c -> new ArrayList<>()).addAll(indexes);
    return this;
  }

  /** Appends pod volumes. */
  public PodEdits addVolumes(List<? extends JsonNode> added) {
    volumes.addAll(added);
    return this;
  }

  /** Appends regular containers. */
  public PodEdits addContainers(List<? extends JsonNode> added) {
    containers.addAll(added);
    return this;
  }

  /** Inserts init containers before the one now at {@code index} (the count of them: at the end). */
  public PodEdits insertInitContainers(int index, List<? extends JsonNode> added) {
    if (!initContainers.isEmpty()) {
      throw new IllegalStateException("init containers are inserted at one place per injection");
    }
    initContainersAt = index;
    initContainers.addAll(added);
    return this;
  }

  /** Sets the pod's {@code shareProcessNamespace} to true. */
  public PodEdits shareProcessNamespace() {
    shareProcessNamespace = true;
    return this;
  }

  /** Sets a pod annotation. */
  public PodEdits putAnnotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  /** Sets label {@code key} of the pod. */
  public PodEdits putLabel(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /**
   * Applies the edits to the pod's tree, appending the equivalent JSON patch operations to
   * {@code patch}. Container edits come first, while the containers' indexes are still those of the
   * pod as received; then the pod-level lists and the annotations. The tree receives copies of the
   * added values: a later edit of the tree never alters an operation already written, and values
   * shared between requests never enter a tree.
   */
  void applyTo(List<PatchOperation> patch) {
    ObjectNode root = pod.node();
    for (Map.Entry<PodContainer, List<JsonNode>> edit : env.entrySet()) {
      setEnvOf(patch, edit.getKey(), edit.getValue());
    }
    for (Map.Entry<PodContainer, List<Integer>> removal : removedMounts.entrySet()) {
      // the last first: each index stays that of the list as received
      for (int index : removal.getValue().stream().distinct().sorted(java.util.Comparator.reverseOrder()).toList()) {
        patch.add(new PatchOperation("remove", containerPath(removal.getKey()) + "/volumeMounts/" + index, null));
        ((ArrayNode) removal.getKey().node().get("volumeMounts")).remove(index);
      }
    }
    for (Map.Entry<PodContainer, List<JsonNode>> edit : mounts.entrySet()) {
      PodContainer container = edit.getKey();
      append(patch, containerPath(container), container.node(), "volumeMounts", edit.getValue());
    }
    if (!volumes.isEmpty() || !containers.isEmpty() || !initContainers.isEmpty() || shareProcessNamespace) {
      ObjectNode spec = object(patch, "", root, "spec");
      if (shareProcessNamespace && !spec.path("shareProcessNamespace").asBoolean(false)) {
        operation(patch, "add", "/spec/shareProcessNamespace", PodJson.NODES.booleanNode(true));
        spec.put("shareProcessNamespace", true);
      }
      append(patch, "/spec", spec, "volumes", volumes);
      append(patch, "/spec", spec, PodJson.CONTAINERS, containers);
      insert(patch, spec, initContainersAt, initContainers);
    }
    putAll(patch, root, "annotations", annotations);
    putAll(patch, root, "labels", labels);
    pod.changed();
  }

  /** Sets the {@code entries} in map {@code field} (annotations, labels) of the pod's metadata. */
  private static void putAll(List<PatchOperation> patch, ObjectNode root, String field, Map<String, String> entries) {
    if (entries.isEmpty()) {
      return;
    }
    ObjectNode metadata = object(patch, "", root, "metadata");
    ObjectNode existing = object(patch, "/metadata", metadata, field);
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      // "add" replaces a member that exists (RFC 6902, 4.1)
      operation(patch, "add", "/metadata/" + field + "/" + escape(entry.getKey()), PodJson.NODES.textNode(entry.getValue()));
      existing.put(entry.getKey(), entry.getValue());
    }
  }

  /** The env edit: appends when the container's entries stay first and in order, else replaces the list. */
  private void setEnvOf(List<PatchOperation> patch, PodContainer container, List<JsonNode> vars) {
    String path = containerPath(container) + "/env";
    JsonNode old = container.node().get("env");
    if (old == null || old.isNull() || !old.isArray()) {
      ArrayNode value = array(vars);
      operation(patch, "add", path, value);
      container.node().set("env", value.deepCopy());
      return;
    }
    boolean prefix = vars.size() >= old.size();
    for (int i = 0; prefix && i < old.size(); i++) {
      prefix = vars.get(i) == old.get(i);
    }
    if (prefix) {
      ArrayNode list = (ArrayNode) old;
      for (int i = old.size(); i < vars.size(); i++) {
        operation(patch, "add", path + "/" + i, vars.get(i));
        list.add(vars.get(i).deepCopy());
      }
      return;
    }
    ArrayNode value = array(vars);
    operation(patch, "replace", path, value);
    container.node().set("env", value.deepCopy());
  }

  /** Appends {@code items} to list {@code field} of {@code parent}, creating the list when absent. */
  private static void append(List<PatchOperation> patch, String parentPath, ObjectNode parent, String field, List<JsonNode> items) {
    if (items.isEmpty()) {
      return;
    }
    JsonNode list = parent.get(field);
    String path = parentPath + "/" + field;
    if (list == null || !list.isArray()) {
      ArrayNode value = array(items);
      operation(patch, "add", path, value);
      parent.set(field, value.deepCopy());
      return;
    }
    ArrayNode existing = (ArrayNode) list;
    for (JsonNode item : items) {
      operation(patch, "add", path + "/" + existing.size(), item);
      existing.add(item.deepCopy());
    }
  }

  private static void insert(List<PatchOperation> patch, ObjectNode spec, int index, List<JsonNode> items) {
    if (items.isEmpty()) {
      return;
    }
    JsonNode list = spec.get(PodJson.INIT_CONTAINERS);
    if (list == null || !list.isArray()) {
      append(patch, "/spec", spec, PodJson.INIT_CONTAINERS, items);
      return;
    }
    ArrayNode existing = (ArrayNode) list;
    int at = Math.max(0, Math.min(index, existing.size()));
    for (JsonNode item : items) {
      operation(patch, "add", "/spec/" + PodJson.INIT_CONTAINERS + "/" + at, item);
      existing.insert(at++, item.deepCopy());
    }
  }

  /** Object {@code field} of {@code parent}, added (and written to the patch) when absent. */
  private static ObjectNode object(List<PatchOperation> patch, String parentPath, ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing instanceof ObjectNode object) {
      return object;
    }
    ObjectNode created = PodJson.NODES.objectNode();
    operation(patch, "add", parentPath + "/" + field, created.deepCopy());
    parent.set(field, created);
    return created;
  }

  /** {@code /spec/containers/3}: the container's index now, found by identity. */
  private String containerPath(PodContainer container) {
    JsonNode list = pod.node().path("spec").path(container.field());
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == container.node()) {
        return "/spec/" + container.field() + "/" + i;
      }
    }
    throw new IllegalStateException("container " + container.name() + " is no longer in the pod");
  }

  private static ArrayNode array(List<JsonNode> items) {
    ArrayNode array = PodJson.NODES.arrayNode(items.size());
    items.forEach(array::add);
    return array;
  }

  private static void operation(List<PatchOperation> patch, String op, String path, JsonNode value) {
    patch.add(new PatchOperation(op, path, value));
  }

  /** RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
  static String escape(String name) {
    return name.indexOf('~') < 0 && name.indexOf('/') < 0 ? name : name.replace("~", "~0").replace("/", "~1");
  }
}
