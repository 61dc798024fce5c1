package dev.instrumentor.operator.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.operator.yaml.InputException;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.Owners;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The offline preview: mutates the pod template of every workload in a set of manifests exactly as
 * the webhook would mutate its pods, and passes every other document through unchanged. Namespace
 * documents in the input supply namespace annotations.
 */
public final class ManifestInjector {

  /** Where each workload kind keeps its pod template. */
  private static final Map<String, List<String>> TEMPLATE_PATHS = Map.of(
      "Deployment", List.of("spec", "template"),
      "StatefulSet", List.of("spec", "template"),
      "DaemonSet", List.of("spec", "template"),
      "ReplicaSet", List.of("spec", "template"),
      "Job", List.of("spec", "template"),
      "CronJob", List.of("spec", "jobTemplate", "spec", "template"),
      "Pod", List.of());

  private final PodMutator mutator;
  /** The labels of the Namespaces in the manifests (a namespaceSelector reads them), per inject call. */
  private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
  private final ObjectMapper json = new ObjectMapper();

  public ManifestInjector(PodMutator mutator) {
    this.mutator = mutator;
  }

  /**
   * @param documents output documents, one per input document, in order
   * @param report    one line per workload: what happened to it
   * @param problems  annotations the webhook would ignore or refuse: unknown keys (with what they most likely
   *                  meant) and inject values that are neither true, false nor a name
   */
  public record Result(List<JsonNode> documents, List<String> report, List<String> problems) {
  }

  /**
   * @throws InputException when a workload's pod template cannot be read as a pod
   */
  public Result inject(String source, List<JsonNode> input) throws InputException {
    Map<String, Map<String, String>> namespaceAnnotations = new HashMap<>();
    namespaceLabels.clear();
    List<String> problems = new ArrayList<>();
    for (JsonNode document : input) {
      if ("Namespace".equals(document.path("kind").asText())) {
        String name = document.path("metadata").path("name").asText();
        Map<String, String> annotations = stringMap(document.path("metadata").path("annotations"));
        namespaceAnnotations.put(name, annotations);
        Map<String, String> labels = new HashMap<>(stringMap(document.path("metadata").path("labels")));
        labels.put("kubernetes.io/metadata.name", name); // as the API server sets it
        namespaceLabels.put(name, labels);
        check("Namespace " + name, annotations, name, "namespace", problems);
      }
    }
    List<JsonNode> output = new ArrayList<>();
    List<String> report = new ArrayList<>();
    for (JsonNode document : input) {
      output.add(process(source, document, namespaceAnnotations, report, problems));
    }
    return new Result(output, report, problems);
  }

  /** Unknown keys and inject values the webhook would skip, of one object's annotations. */
  private static void check(String label, Map<String, String> annotations, String namespace, String where,
      List<String> problems) {
    InstrumentorAnnotations.unknownKeys(annotations).forEach(problem -> problems.add(label + ": " + problem));
    new TreeMap<>(annotations).forEach((key, value) -> {
      if ((key.startsWith(InstrumentorAnnotations.PREFIX + "inject-")
          || key.startsWith(InstrumentorAnnotations.Upstream.PREFIX + "inject-"))
          && InstrumentorAnnotations.KNOWN.contains(key) && !key.endsWith("-container-names")
          && InjectionRequestValue.resolve(key, where.equals("pod") ? Map.of(key, value) : null,
              where.equals("pod") ? null : Map.of(key, value), namespace) instanceof InjectionRequestValue.Invalid invalid) {
        problems.add(label + ": " + invalid.problem(key));
      }
    });
  }

  private JsonNode process(String source, JsonNode document, Map<String, Map<String, String>> namespaceAnnotations,
      List<String> report, List<String> problems) throws InputException {
    String kind = document.path("kind").asText();
    if ("List".equals(kind) && document.path("items").isArray()) {
      ObjectNode list = document.deepCopy();
      for (int i = 0; i < list.path("items").size(); i++) {
        ((ArrayNode) list.get("items"))
            .set(i, process(source, list.path("items").get(i), namespaceAnnotations, report, problems));
      }
      return list;
    }
    List<String> path = TEMPLATE_PATHS.get(kind);
    if (path == null || !document.isObject()) {
      return document;
    }
    String name = document.path("metadata").path("name").asText();
    String namespace = document.path("metadata").path("namespace").asText("");
    if (namespace.isEmpty()) {
      namespace = "default";
    }
    String label = kind + " " + namespace + "/" + (name.isEmpty() ? "(unnamed)" : name);
    ObjectNode copy = document.deepCopy();
    JsonNode template = copy;
    for (String step : path) {
      template = template.path(step);
    }
    if (!template.isObject()) {
      report.add(label + ": no pod template, unchanged");
      return document;
    }
    ObjectNode templateNode = (ObjectNode) template;
    check(label, stringMap(templateNode.path("metadata").path("annotations")), namespace, "pod", problems);
    ObjectNode podNode = json.createObjectNode();
    if (templateNode.has("metadata")) {
      podNode.set("metadata", templateNode.get("metadata"));
    }
    podNode.set("spec", templateNode.path("spec").isObject() ? templateNode.get("spec") : json.createObjectNode());
    PodJson pod = PodJson.of(podNode);
    String problem = pod.problem();
    if (problem != null) {
      throw new InputException(source, label + ": the pod template is not a valid pod: " + problem);
    }
    Owners owners = "Pod".equals(kind) ? Owners.fromPod(pod.metadata()) : Owners.ofWorkload(kind, name);
    PodMutator.Result result = mutator.mutate(pod,
        new PodContext(namespace, namespaceAnnotations.getOrDefault(namespace, Map.of()), owners,
            namespaceLabels.getOrDefault(namespace, Map.of("kubernetes.io/metadata.name", namespace))));
    report.add(label + ": " + describe(result) + addedAtAdmission(kind, result));
    if (!result.changed()) {
      return document;
    }
    // the mutation changed podNode in place; its metadata and spec are the template's own nodes, or new ones
    for (Map.Entry<String, JsonNode> field : podNode.properties()) {
      templateNode.set(field.getKey(), field.getValue());
    }
    return copy;
  }

  /**
   * What the webhook adds to real pods that a template cannot show: the name of the controller a
   * Deployment or CronJob creates in between (its hash or time is known only then).
   */
  private static String addedAtAdmission(String kind, PodMutator.Result result) {
    boolean injected = result.outcomes().stream().anyMatch(o -> o.status() == InjectionOutcome.Status.INJECTED);
    if (!injected) {
      return "";
    }
    return switch (kind) {
      case "Deployment" -> " (each pod also gets k8s.replicaset.name from its ReplicaSet at admission)";
      case "CronJob" -> " (each pod also gets k8s.job.name from its Job at admission)";
      default -> "";
    };
  }

  private static String describe(PodMutator.Result result) {
    if (result.outcomes().isEmpty()) {
      return "unchanged (nothing asks for injection, or already injected)";
    }
    return result.outcomes().stream().map(InjectionOutcome::describe).collect(Collectors.joining("; "));
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new HashMap<>();
    node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }
}
