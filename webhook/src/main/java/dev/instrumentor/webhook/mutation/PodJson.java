package dev.instrumentor.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.json.JsonProjection;
import dev.instrumentor.webhook.json.KubeSerialization;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod as the API server sends it: its JSON tree, read in place. The webhook never binds the pod
 * to a model: fields this version does not know (newer Kubernetes releases add some every year)
 * pass through untouched, and the admission path pays for no conversion. Injections read the pod
 * through this view and record their changes in {@link PodEdits}; they never write the tree.
 */
public final class PodJson {

  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  public static final String CONTAINERS = "containers";
  public static final String INIT_CONTAINERS = "initContainers";
  private static final KubernetesSerialization SERIALIZATION = KubeSerialization.SHARED;

  private static final JsonProjection CONTAINER = JsonProjection.object(
      "name", JsonProjection.WHOLE, "image", JsonProjection.WHOLE, "command", JsonProjection.WHOLE,
      "args", JsonProjection.WHOLE, "env", JsonProjection.WHOLE, "envFrom", JsonProjection.WHOLE, "volumeMounts", JsonProjection.WHOLE,
      "imagePullPolicy", JsonProjection.WHOLE, "securityContext", JsonProjection.WHOLE);

  /**
   * The parts of a pod that injections read and edit, and so all that the admission path parses:
   * the rest (managed fields, status, probes, resources...) is skipped, never built as a tree. The
   * containers keep their places in their lists, so the patch's paths hold for the whole pod. A
   * test checks that every injection gives the same patch for the projection as for the whole pod.
   */
  public static final JsonProjection PROJECTION = JsonProjection.object(
      "metadata", JsonProjection.object(
          "name", JsonProjection.WHOLE, "generateName", JsonProjection.WHOLE, "namespace", JsonProjection.WHOLE,
          "annotations", JsonProjection.WHOLE, "labels", JsonProjection.WHOLE,
          "ownerReferences", JsonProjection.WHOLE),
      "spec", JsonProjection.object(
          CONTAINERS, JsonProjection.listOf(CONTAINER), INIT_CONTAINERS, JsonProjection.listOf(CONTAINER),
          "volumes", JsonProjection.listOf(JsonProjection.object("name", JsonProjection.WHOLE)),
          "securityContext", JsonProjection.object("runAsUser", JsonProjection.WHOLE, "fsGroup", JsonProjection.WHOLE,
              "runAsNonRoot", JsonProjection.WHOLE),
          "os", JsonProjection.object("name", JsonProjection.WHOLE),
          "shareProcessNamespace", JsonProjection.WHOLE, "hostPID", JsonProjection.WHOLE, "hostUsers", JsonProjection.WHOLE,
          "restartPolicy", JsonProjection.WHOLE,
          "nodeSelector", JsonProjection.object("kubernetes.io/os", JsonProjection.WHOLE)));

  private final ObjectNode pod;
  private Map<String, String> annotations;
  private Map<String, String> labels;

  private PodJson(ObjectNode pod) {
    this.pod = pod;
  }

  public static PodJson of(ObjectNode pod) {
    return new PodJson(pod);
  }

  /** A fabric8 model object (a Pod, a Container, a Quantity...) as JSON, the way the API server writes it. */
  public static ObjectNode tree(Object model) {
    return SERIALIZATION.convertValue(model, ObjectNode.class);
  }

  /** The JSON as a fabric8 model object. */
  public static <T> T model(JsonNode tree, Class<T> type) {
    return SERIALIZATION.convertValue(tree, type);
  }

  /** The tree itself; changed only through {@link PodEdits}. */
  public ObjectNode node() {
    return pod;
  }

  public JsonNode metadata() {
    return pod.path("metadata");
  }

  public JsonNode spec() {
    return pod.path("spec");
  }

  /** The pod's name; empty while the API server has yet to derive it from generateName. */
  public String name() {
    return text(metadata(), "name");
  }

  public String generateName() {
    return text(metadata(), "generateName");
  }

  public String namespace() {
    return text(metadata(), "namespace");
  }

  /** The annotations, never null (read once; the mutator writes annotations last). */
  public Map<String, String> annotations() {
    if (annotations == null) {
      annotations = stringMap(metadata().path("annotations"));
    }
    return annotations;
  }

  public Map<String, String> labels() {
    if (labels == null) {
      labels = stringMap(metadata().path("labels"));
    }
    return labels;
  }

  /** Forgets what was read: the tree changed. */
  void changed() {
    annotations = null;
    labels = null;
  }

  /** The regular containers, in order. */
  public List<PodContainer> containers() {
    return containers(CONTAINERS);
  }

  /** The init containers (native sidecars included), in order. */
  public List<PodContainer> initContainers() {
    return containers(INIT_CONTAINERS);
  }

  private List<PodContainer> containers(String field) {
    JsonNode list = spec().path(field);
    if (!list.isArray() || list.isEmpty()) {
      return List.of();
    }
    List<PodContainer> containers = new ArrayList<>(list.size());
    for (JsonNode container : list) {
      containers.add(new PodContainer(field, (ObjectNode) container));
    }
    return containers;
  }

  /**
   * Which of the pod's containers is named {@code name}, said for a message ("a container", "an init
   * container"), or null. Containers and init containers share one set of names: adding a container
   * of a name either list has makes the API server refuse the pod.
   */
  public String containerNamed(String name) {
    if (initContainers().stream().anyMatch(container -> name.equals(container.name()))) {
      return "an init container";
    }
    return containers().stream().anyMatch(container -> name.equals(container.name())) ? "a container" : null;
  }

  /** Whether {@code spec.volumes} has one named {@code name}. */
  public boolean hasVolume(String name) {
    for (JsonNode volume : spec().path("volumes")) {
      if (name.equals(text(volume, "name"))) {
        return true;
      }
    }
    return false;
  }

  /** {@code spec.securityContext.runAsUser}, or null. */
  public Long runAsUser() {
    JsonNode user = spec().path("securityContext").path("runAsUser");
    return user.isIntegralNumber() ? user.asLong() : null;
  }

  /** Whether the pod sets {@code securityContext.fsGroup} (volumes are then writable by its group). */
  public boolean hasFsGroup() {
    return spec().path("securityContext").path("fsGroup").isIntegralNumber();
  }

  /** Whether the pod runs on Windows: {@code spec.os.name}, or a {@code kubernetes.io/os} node selector. */
  public boolean windows() {
    return "windows".equals(spec().path("os").path("name").asText(""))
        || "windows".equals(spec().path("nodeSelector").path("kubernetes.io/os").asText(""));
  }

  /**
   * Why the tree is not a pod the injections can read (a field of the wrong JSON type where they
   * look), or null. The API server validates pods only after mutating webhooks, so anything can
   * arrive here.
   */
  public String problem() {
    JsonNode metadata = pod.get("metadata");
    if (!objectOrAbsent(metadata)) {
      return "metadata is not an object";
    }
    if (metadata != null) {
      for (String field : List.of("annotations", "labels")) {
        JsonNode map = metadata.get(field);
        if (!objectOrAbsent(map)) {
          return "metadata." + field + " is not an object";
        }
        if (map != null) {
          for (Map.Entry<String, JsonNode> entry : map.properties()) {
            if (!entry.getValue().isTextual() && !entry.getValue().isNull()) {
              return "metadata." + field + "[" + entry.getKey() + "] is not a string";
            }
          }
        }
      }
      String problem = arrayOfObjects(metadata.get("ownerReferences"), "metadata.ownerReferences");
      if (problem != null) {
        return problem;
      }
    }
    JsonNode spec = pod.get("spec");
    if (!objectOrAbsent(spec)) {
      return "spec is not an object";
    }
    if (spec == null) {
      return null;
    }
    if (!objectOrAbsent(spec.get("securityContext"))) {
      return "spec.securityContext is not an object";
    }
    String problem = arrayOfObjects(spec.get("volumes"), "spec.volumes");
    for (String field : List.of(CONTAINERS, INIT_CONTAINERS)) {
      problem = problem != null ? problem : arrayOfObjects(spec.get(field), "spec." + field);
      if (problem == null && spec.get(field) != null) {
        for (int i = 0; i < spec.get(field).size() && problem == null; i++) {
          JsonNode container = spec.get(field).get(i);
          String at = "spec." + field + "[" + i + "]";
          problem = arrayOfObjects(container.get("env"), at + ".env");
          problem = problem != null ? problem : arrayOfObjects(container.get("volumeMounts"), at + ".volumeMounts");
        }
      }
    }
    return problem;
  }

  private static boolean objectOrAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isObject();
  }

  private static String arrayOfObjects(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      return path + " is not a list";
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isObject()) {
        return path + "[" + i + "] is not an object";
      }
    }
    return null;
  }

  // ---- reading and building JSON

  /** The text of {@code node.field}, or "" when it is absent or not text. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : "";
  }

  /** The text of {@code node.field}, or null when it is absent or not text. */
  public static String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static Map<String, String> stringMap(JsonNode node) {
    if (!node.isObject() || node.isEmpty()) {
      return Map.of();
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (entry.getValue().isTextual()) {
        map.put(entry.getKey(), entry.getValue().textValue());
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /** {@code {"name": name, "value": value}}. */
  public static ObjectNode envVar(String name, String value) {
    ObjectNode var = NODES.objectNode();
    var.put("name", name);
    var.put("value", value);
    return var;
  }

  /** {@code {"name": name, "valueFrom": valueFrom}}. */
  public static ObjectNode envVarFrom(String name, JsonNode valueFrom) {
    ObjectNode var = NODES.objectNode();
    var.put("name", name);
    var.set("valueFrom", valueFrom);
    return var;
  }

  /** A variable set from the pod's own field, e.g. {@code metadata.name}. */
  public static ObjectNode fieldRef(String name, String fieldPath) {
    ObjectNode valueFrom = NODES.objectNode();
    valueFrom.putObject("fieldRef").put("fieldPath", fieldPath);
    return envVarFrom(name, valueFrom);
  }

  public static ObjectNode volumeMount(String name, String mountPath, boolean readOnly) {
    ObjectNode mount = NODES.objectNode();
    mount.put("name", name);
    mount.put("mountPath", mountPath);
    if (readOnly) {
      mount.put("readOnly", true);
    }
    return mount;
  }

  public static ArrayNode strings(String... values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (String value : values) {
      array.add(value);
    }
    return array;
  }

  /**
   * One container of the pod.
   *
   * @param field {@code containers} or {@code initContainers}
   * @param node  the container's JSON
   */
  public record PodContainer(String field, ObjectNode node) {

    public String name() {
      return text(node, "name");
    }

    /** The image, or null. */
    public String image() {
      return textOrNull(node, "image");
    }

    /** The command (the image's entrypoint replaced), possibly empty. */
    public List<String> command() {
      return strings(node.get("command"));
    }

    /** The arguments, possibly empty. */
    public List<String> args() {
      return strings(node.get("args"));
    }

    private static List<String> strings(JsonNode list) {
      if (list == null || !list.isArray() || list.isEmpty()) {
        return List.of();
      }
      List<String> values = new ArrayList<>(list.size());
      list.forEach(value -> values.add(value.asText()));
      return values;
    }

    /** The environment entries, in order (possibly empty). */
    public List<JsonNode> env() {
      JsonNode env = node.get("env");
      if (env == null || !env.isArray() || env.isEmpty()) {
        return List.of();
      }
      List<JsonNode> vars = new ArrayList<>(env.size());
      env.forEach(vars::add);
      return vars;
    }

    /** Whether a volume mount is named {@code name}. */
    /** The name of the volume this container mounts at {@code path}, or null. */
    public String volumeMountedAt(String path) {
      for (JsonNode mount : node.path("volumeMounts")) {
        if (path.equals(text(mount, "mountPath"))) {
          return text(mount, "name");
        }
      }
      return null;
    }

    /** What {@code envFrom} brings in, as {@code ConfigMap x} / {@code Secret y}; empty without it. */
    public List<String> envFromSources() {
      List<String> sources = new ArrayList<>();
      for (JsonNode source : node.path("envFrom")) {
        if (source.has("configMapRef")) {
          sources.add("ConfigMap " + text(source.path("configMapRef"), "name"));
        } else if (source.has("secretRef")) {
          sources.add("Secret " + text(source.path("secretRef"), "name"));
        }
      }
      return sources;
    }

    /** The container's own {@code securityContext.runAsUser}, or null. */
    public Long runAsUser() {
      JsonNode user = node.path("securityContext").path("runAsUser");
      return user.isIntegralNumber() ? user.asLong() : null;
    }

    public boolean mounts(String name) {
      for (JsonNode mount : node.path("volumeMounts")) {
        if (name.equals(text(mount, "name"))) {
          return true;
        }
      }
      return false;
    }

    // identity: two containers with equal JSON are still two containers
    @Override
    public boolean equals(Object other) {
      return other instanceof PodContainer that && that.node == node;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(node);
    }
  }
}
