package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.UpstreamOperator;
import dev.instrumentor.e2e.harness.UpstreamOperator.Documented;
import dev.instrumentor.webhook.agent.Agents;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What upstream's instrumentation e2e asserts ({@code tests/e2e-instrumentation}, v0.153.0) expect of an instrumented
 * pod, against the pod Instrumentor's webhook makes of the same workload, offline. For each test, the documents of its
 * files that are not asserts are applied step by step (a file's step is its {@code NN-} prefix; chainsaw's apply
 * merges into the object as it is): the Instrumentations (converted as a user converts them: only the
 * {@code apiVersion} changes; those without a namespace get the test's, as the workloads do; each of their fields
 * must survive our model, read and written back), the Namespaces (their annotations and labels) and the workloads
 * (the values chainsaw binds with {@code ($NAME)} substituted). For each
 * {@code Pod} of an assert file of step N, the workload of the steps up to N whose pod template carries the asserted
 * pod's labels is given to the webhook's mutator ({@link Agents#mutator}, default {@link InjectorSettings}) as its
 * controller creates its pods (a Deployment's through a ReplicaSet), and what the assert expects is compared with our
 * pod by these rules:
 * <ul>
 *   <li>containers: the assert lists {@code containers} (all of them: ours has no other), or a filter by name
 *   {@code (containers[?name == 'x'])} (no other expression is evaluated); each asserted container is ours of that
 *   name, or, without a name, ours at its position. Of a container only {@code env} and {@code volumeMounts} are
 *   compared: its other fields are the application's own, with what the API server defaults (a port's protocol, a
 *   probe's successThreshold).</li>
 *   <li>{@code env}, when asserted: as a map of name to value. Each asserted variable is ours with an equal
 *   {@code value}, or {@code valueFrom} as a JSON tree ({@code apiVersion: v1} of a fieldRef ignored: the API server
 *   defaults it); one asserted without a value only has to be there; ours has no variable the assert does not list.
 *   A value that is an object of expressions (OTEL_RESOURCE_ATTRIBUTES) holds when each expression of the forms
 *   {@code contains(@, s)}, {@code concat(s, ...)}, {@code join(sep, [s, ...])}, {@code 'literal'}, {@code $namespace}
 *   (the namespace the pod is in here: the test's name) and {@code a || b} gives what it asserts; any other expression is skipped and
 *   counted. The order of the variables is not compared (upstream's differs from ours by design: ours keeps the
 *   container's own first); how many steps have upstream's order is printed.</li>
 *   <li>{@code volumeMounts}, when asserted: by mountPath and name, both ways, except the service account token's
 *   ({@value #SERVICE_ACCOUNT_TOKEN}), which the API server adds, not the webhook.</li>
 *   <li>{@code initContainers}: their names, in order, are ours; of each, the fields the assert gives are ours (a
 *   partial match, {@link UpstreamOperator#contained}), its {@code env} and {@code volumeMounts} as a container's.</li>
 *   <li>the pod's other {@code spec} fields the assert gives ({@code volumes} ...): a partial match.</li>
 *   <li>{@code metadata} and {@code status} are not compared: they are the API server's, the kubelet's and the
 *   controllers'.</li>
 * </ul>
 * Our agents' volumes, init containers and mount paths have our names: {@code upstream-instrumentation-differences.txt}
 * maps upstream's to ours ({@code name A -> B}: a whole value; {@code path A -> B}: inside any value, the longest
 * first), and these mappings apply to what the assert expects before it is compared. Every other difference of a step
 * that was injected must be documented there (a prefix of it), each line with its reason after {@code " # "}; a
 * mapping whose name or path no assert has fails, as does a documented difference that no longer is one (unless its
 * step was not injected), and a step whose language Instrumentor injects and that was not injected. The languages of
 * {@link #NOT_YET_INJECTED} may still be not injected (a skipped outcome): their steps are reported, not compared.
 */
class UpstreamInstrumentationAssertsTest {

  /** The languages, by upstream's annotation {@code inject-<language>}, whose steps may not be injected yet. */
  static final Set<String> NOT_YET_INJECTED = Set.of();

  /** Upstream tests that assert no Pod, and why. */
  private static final Map<String, String> WITHOUT_POD = Map.of("instrumentation-blocked-upgrade",
      "asserts only the Instrumentation's status.upgradeBlockedVersions after the operator's default images change:"
          + " Instrumentor never rewrites an Instrumentation's images (one that names none gets the operator's"
          + " default at each admission), so there is nothing to block");

  private static final String SUITE = "tests/e2e-instrumentation";
  private static final String DIFFERENCES = "/upstream-instrumentation-differences.txt";
  private static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static final String UPSTREAM_INJECT = "instrumentation.opentelemetry.io/inject-";
  private static final String OUR_INJECT = "instrumentor.dev/inject-";
  private static final int ASSERTED_PODS = 32;
  /** A Deployment's pods are its ReplicaSet's, named after this hash of the template (any will do). */
  private static final String TEMPLATE_HASH = "7c9d5b8f64";
  private static final Pattern FILTER = Pattern.compile("^\\(containers\\[\\?name == '([^']+)'\\]\\)$");
  private static final Pattern BOUND = Pattern.compile("^\\(\\$(\\w+)\\)$");
  private static final Map<String, List<String>> TEMPLATE_PATHS = Map.of(
      "Deployment", List.of("spec", "template"),
      "StatefulSet", List.of("spec", "template"),
      "DaemonSet", List.of("spec", "template"),
      "ReplicaSet", List.of("spec", "template"),
      "Job", List.of("spec", "template"),
      "CronJob", List.of("spec", "jobTemplate", "spec", "template"),
      "Pod", List.of());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** A document a test applies, at its file's step. */
  private record Applied(String file, int step, ObjectNode object) {
  }

  /** One asserted Pod: where, its language, what became of it, and its differences. */
  private record Row(String where, String language, String status, List<String> differences, boolean compared,
      boolean envInOrder) {
  }

  @Test
  void thePodsUpstreamsInstrumentationAssertsExpectAreOursWhereTheMeaningIsTheSame() throws IOException {
    Path suite = UpstreamOperator.source().resolve(SUITE);
    Mapping mapping = new Mapping();
    List<String> documented = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Documented line : UpstreamOperator.documented(DIFFERENCES)) {
      if (line.reason().isEmpty()) {
        failures.add(DIFFERENCES + ": no reason after \" # \": " + line.text());
      } else if (!mapping.add(line.text())) {
        documented.add(line.text());
      }
    }
    List<Row> rows = new ArrayList<>();
    List<String> conversions = new ArrayList<>();
    Set<String> withoutPod = new TreeSet<>();
    for (Path test : tests(suite)) {
      List<Applied> applied = applied(test);
      conversions.addAll(conversionLosses(test, applied));
      int before = rows.size();
      for (Path file : assertFiles(test)) {
        for (ObjectNode pod : UpstreamOperator.documents(file)) {
          if ("Pod".equals(pod.path("kind").asText()) && "v1".equals(pod.path("apiVersion").asText())) {
            rows.add(compare(test, file, pod, applied, mapping, failures));
          }
        }
      }
      if (rows.size() == before) {
        withoutPod.add(test.getFileName().toString());
      }
    }
    report(rows, conversions, withoutPod, mapping, documented, failures);
    assertThat(rows.size()).as("Pods asserted (v0.153.0); fewer means the walk lost some")
        .isGreaterThanOrEqualTo(ASSERTED_PODS);
    assertThat(failures).as("see the table above; documented differences are in " + DIFFERENCES).isEmpty();
  }

  /** Prints the table and the summary; adds what fails the test to {@code failures}. */
  private static void report(List<Row> rows, List<String> conversions, Set<String> withoutPod, Mapping mapping,
      List<String> documented, List<String> failures) {
    List<String> differences = new ArrayList<>(conversions);
    rows.stream().filter(Row::compared).forEach(row -> differences.addAll(row.differences()));
    Set<String> used = new HashSet<>();
    System.out.printf("%-50s %-13s %s%n", "upstream test/step", "language", "ours");
    for (Row row : rows) {
      String status = row.status();
      if (row.compared() && !row.differences().isEmpty()) {
        long known = row.differences().stream().filter(d -> documented.stream().anyMatch(d::startsWith)).count();
        status = "differs (" + known + " documented" + (known == row.differences().size() ? ""
            : ", " + (row.differences().size() - known) + " NOT documented") + ")";
      }
      System.out.printf("%-50s %-13s %s%n", row.where(), row.language(), status);
    }
    for (String difference : differences) {
      Optional<String> prefix = documented.stream().filter(difference::startsWith).findFirst();
      prefix.ifPresentOrElse(used::add, () -> failures.add("not documented: " + difference));
      System.out.println("  " + (prefix.isPresent() ? "" : "NOT DOCUMENTED: ") + difference);
    }
    // a step not injected yet keeps its documented differences for the day it is
    List<String> notCompared = rows.stream().filter(r -> !r.compared()).map(r -> r.where() + ":").toList();
    documented.stream().filter(d -> !used.contains(d) && notCompared.stream().noneMatch(d::startsWith))
        .forEach(d -> failures.add("documented, and no more: " + d));
    mapping.unused().forEach(m -> failures.add("mapping of a name or path no asserted pod has: " + m));
    for (String test : withoutPod) {
      if (WITHOUT_POD.containsKey(test)) {
        System.out.println(test + ": no Pod asserted, not compared: " + WITHOUT_POD.get(test));
      } else {
        failures.add(test + " asserts no Pod: say why in WITHOUT_POD");
      }
    }
    WITHOUT_POD.keySet().stream().filter(t -> !withoutPod.contains(t))
        .forEach(t -> failures.add("WITHOUT_POD names " + t + ", which asserts a Pod (or is gone)"));
    long compared = rows.stream().filter(Row::compared).count();
    long matching = rows.stream().filter(r -> r.compared() && r.differences().isEmpty()).count();
    long inOrder = rows.stream().filter(r -> r.compared() && r.envInOrder()).count();
    System.out.printf("upstream's instrumentation asserts: %d Pods asserted, %d injected and compared (%d match),"
        + " %d not injected; %d differences, all documented: %s; %d expressions evaluated, %d not%n", rows.size(),
        compared, matching, rows.size() - compared, differences.size(), differences.stream()
            .allMatch(d -> documented.stream().anyMatch(d::startsWith)), Comparison.evaluatedExpressions,
        Comparison.skippedExpressions);
    System.out.printf("(information) env in upstream's order in %d of %d compared steps%n", inOrder, compared);
  }

  /** The test directories of the suite, by name. */
  private static List<Path> tests(Path suite) throws IOException {
    try (Stream<Path> dirs = Files.list(suite)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static List<Path> assertFiles(Path test) throws IOException {
    try (Stream<Path> files = Files.list(test)) {
      return files.filter(f -> f.getFileName().toString().contains("assert") && f.toString().endsWith(".yaml"))
          .sorted().toList();
    }
  }

  /** The documents the test applies, in file order, with chainsaw's bindings of their file substituted. */
  private static List<Applied> applied(Path test) throws IOException {
    Map<String, Map<String, String>> bindings = bindings(test);
    List<Applied> applied = new ArrayList<>();
    try (Stream<Path> files = Files.list(test)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.contains("assert") || name.contains("error") || name.equals("chainsaw-test.yaml")) {
          continue;
        }
        Map<String, String> bound = bindings.getOrDefault(name, bindings.getOrDefault("", Map.of()));
        for (ObjectNode document : UpstreamOperator.documents(file)) {
          applied.add(new Applied(name, UpstreamOperator.step(file), (ObjectNode) bind(document, bound)));
        }
      }
    }
    return applied;
  }

  /**
   * Chainsaw's bindings: the test's ({@code ""}), and each applied file's with the test's; the values that are
   * expressions evaluated (with {@code $namespace}).
   */
  private static Map<String, Map<String, String>> bindings(Path test) {
    Map<String, Map<String, String>> bindings = new HashMap<>();
    Path chainsaw = test.resolve("chainsaw-test.yaml");
    if (!Files.exists(chainsaw)) {
      return bindings;
    }
    JsonNode spec = UpstreamOperator.documents(chainsaw).get(0).path("spec");
    Map<String, String> common = new HashMap<>(Map.of("namespace", namespace(test)));
    spec.path("bindings").forEach(b -> common.put(b.path("name").asText(), value(b.path("value").asText(), common)));
    bindings.put("", common);
    for (JsonNode step : spec.path("steps")) {
      for (JsonNode operation : step.path("try")) {
        JsonNode apply = operation.path("apply");
        if (apply.has("file") && apply.has("bindings")) {
          Map<String, String> own = new HashMap<>(common);
          apply.path("bindings").forEach(b -> own.put(b.path("name").asText(), value(b.path("value").asText(), own)));
          bindings.put(apply.path("file").asText(), own);
        }
      }
    }
    return bindings;
  }

  /** A binding's value: an expression when in parentheses, else the text. */
  private static String value(String text, Map<String, String> variables) {
    return text.startsWith("(") && text.endsWith(")")
        ? Expression.evaluate(text, null, variables).map(Object::toString).orElse(text) : text;
  }

  /** The document with each value {@code ($NAME)} replaced by the binding's value. */
  private static JsonNode bind(JsonNode node, Map<String, String> bound) {
    if (node.isTextual()) {
      Matcher name = BOUND.matcher(node.asText());
      return name.matches() && bound.containsKey(name.group(1)) ? TextNode.valueOf(bound.get(name.group(1))) : node;
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.properties().forEach(field -> copy.set(field.getKey(), bind(field.getValue(), bound)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(element -> copy.add(bind(element, bound)));
      return copy;
    }
    return node;
  }

  /** Where the test's objects live here, for {@code $namespace} (chainsaw's is random). */
  private static String namespace(Path test) {
    return test.getFileName().toString();
  }

  /** The fields of the test's Instrumentations, converted to ours, that our model does not keep. */
  private static List<String> conversionLosses(Path test, List<Applied> applied) {
    List<String> losses = new ArrayList<>();
    for (Applied document : applied) {
      if (isInstrumentation(document.object())) {
        ObjectNode ours = converted(document.object(), namespace(test));
        JsonNode back = SERIALIZATION.convertValue(SERIALIZATION.convertValue(ours, Instrumentation.class),
            JsonNode.class);
        List<String> lost = new ArrayList<>();
        UpstreamOperator.contained(ours.path("spec"), back.path("spec"), "spec", lost);
        lost.forEach(path -> losses.add(test.getFileName() + "/" + document.file() + ": Instrumentation "
            + ours.path("metadata").path("name").asText() + ": " + path + " (not in our model)"));
      }
    }
    return losses;
  }

  private static boolean isInstrumentation(JsonNode object) {
    return "Instrumentation".equals(object.path("kind").asText())
        && "opentelemetry.io/v1alpha1".equals(object.path("apiVersion").asText());
  }

  /** An upstream Instrumentation as ours: another apiVersion, and a namespace when it has none. */
  private static ObjectNode converted(ObjectNode upstream, String namespace) {
    ObjectNode ours = upstream.deepCopy();
    ours.put("apiVersion", "instrumentor.dev/v1alpha1");
    ObjectNode metadata = object(ours, "metadata");
    if (metadata.path("namespace").asText().isEmpty()) {
      metadata.put("namespace", namespace);
    }
    return ours;
  }

  /** What the test has applied by {@code step}: objects by kind/namespace/name, in the order first applied. */
  private static Map<String, ObjectNode> state(List<Applied> applied, int step, String namespace) {
    Map<String, ObjectNode> objects = new LinkedHashMap<>();
    for (Applied document : applied) {
      if (document.step() > step) {
        continue;
      }
      ObjectNode object = document.object();
      String kind = object.path("kind").asText();
      if (!kind.equals("Namespace") && !TEMPLATE_PATHS.containsKey(kind) && !isInstrumentation(object)) {
        continue;
      }
      if (isInstrumentation(object)) {
        object = converted(object, namespace);
      } else if (!kind.equals("Namespace") && object.path("metadata").path("namespace").asText().isEmpty()) {
        object = object.deepCopy();
        object(object, "metadata").put("namespace", namespace);
      }
      String key = kind + "/" + object.path("metadata").path("namespace").asText() + "/"
          + object.path("metadata").path("name").asText();
      objects.put(key, objects.containsKey(key) ? UpstreamOperator.mergePatch(objects.get(key), object)
          : object.deepCopy());
    }
    return objects;
  }

  /** One asserted Pod of {@code file} compared with ours. */
  private static Row compare(Path test, Path file, ObjectNode asserted, List<Applied> applied, Mapping mapping,
      List<String> failures) {
    int step = UpstreamOperator.step(file);
    String namespace = namespace(test);
    String where = test.getFileName() + "/" + file.getFileName().toString().replaceAll("-.*", "");
    Map<String, ObjectNode> state = state(applied, step, namespace);
    Map<String, String> labels = strings(asserted.path("metadata").path("labels"));
    ObjectNode workload = null;
    for (ObjectNode object : state.values()) {
      String kind = object.path("kind").asText();
      if (TEMPLATE_PATHS.containsKey(kind) && strings(template(object).path("metadata").path("labels"))
          .entrySet().containsAll(labels.entrySet())) {
        workload = object; // the last applied, when several match
      }
    }
    if (workload == null) {
      failures.add(where + ": no workload applied by step " + step + " has the asserted pod's labels " + labels);
      return new Row(where, "?", "no workload", List.of(), false, false);
    }
    ObjectNode pod = podOf(workload, namespace);
    String language = language(pod, state, namespace);
    JsonNode expected = mapping.apply(asserted.path("spec"));
    PodMutator.Result result = mutator(state).mutate(PodJson.of(pod), context(pod, state, namespace));
    boolean injected = result.outcomes().stream().anyMatch(o -> o.status() == InjectionOutcome.Status.INJECTED);
    if (!injected) {
      String outcomes = result.outcomes().isEmpty() ? "no outcome" : String.join("; ",
          result.outcomes().stream().map(o -> o.status().value() + ": " + o.language()).toList());
      boolean allowed = NOT_YET_INJECTED.contains(language) && result.outcomes().stream()
          .anyMatch(o -> o.status() == InjectionOutcome.Status.SKIPPED && o.language().equals(language));
      if (!allowed) {
        failures.add(where + ": " + language + " not injected: " + String.join("; ",
            result.outcomes().stream().map(InjectionOutcome::describe).toList()));
      }
      return new Row(where, language, "not injected (" + outcomes + ")", List.of(), false, false);
    }
    if (NOT_YET_INJECTED.contains(language)) {
      System.out.println(where + ": " + language + " is injected now: take it out of NOT_YET_INJECTED");
    }
    Comparison comparison = new Comparison(where, namespace);
    comparison.spec(expected, result.tree().path("spec"));
    return new Row(where, language, comparison.out.isEmpty() ? "matches" : "differs", comparison.out, true,
        comparison.envInOrder);
  }

  private static JsonNode template(JsonNode workload) {
    JsonNode template = workload;
    for (String field : TEMPLATE_PATHS.get(workload.path("kind").asText())) {
      template = template.path(field);
    }
    return template;
  }

  /**
   * The pod the workload's controller sends to admission: the template, in the namespace, owned by the controller (a
   * Deployment's pods by a ReplicaSet named after the template's hash, labelled with it), its name generated.
   */
  private static ObjectNode podOf(ObjectNode workload, String namespace) {
    String kind = workload.path("kind").asText();
    ObjectNode pod;
    if (kind.equals("Pod")) {
      pod = workload.deepCopy();
    } else {
      JsonNode template = template(workload);
      pod = JSON.createObjectNode();
      pod.set("metadata", template.path("metadata").isObject() ? template.get("metadata").deepCopy()
          : JSON.createObjectNode());
      pod.set("spec", template.path("spec").deepCopy());
      String owner = kind;
      String name = workload.path("metadata").path("name").asText();
      if (kind.equals("Deployment")) {
        owner = "ReplicaSet";
        name = name + "-" + TEMPLATE_HASH;
        object(object(pod, "metadata"), "labels").put("pod-template-hash", TEMPLATE_HASH);
      }
      object(pod, "metadata").put("generateName", name + "-");
      object(pod, "metadata").putArray("ownerReferences").addObject()
          .put("apiVersion", owner.endsWith("Job") ? "batch/v1" : "apps/v1").put("kind", owner).put("name", name)
          .put("uid", "5f0c2a4e-1d3b-4c6a-9e8f-0a1b2c3d4e5f").put("controller", true).put("blockOwnerDeletion", true);
    }
    pod.put("apiVersion", "v1").put("kind", "Pod");
    object(pod, "metadata").put("namespace", namespace);
    return pod;
  }

  /** The language the pod (else its Namespace) asks for, by the inject annotation's suffix. */
  private static String language(ObjectNode pod, Map<String, ObjectNode> state, String namespace) {
    List<Map<String, String>> annotations = List.of(strings(pod.path("metadata").path("annotations")),
        strings(namespaceObject(state, namespace).path("metadata").path("annotations")));
    for (Map<String, String> map : annotations) {
      for (String key : new TreeSet<>(map.keySet())) {
        if (key.startsWith(UPSTREAM_INJECT) || key.startsWith(OUR_INJECT)) {
          return key.substring(key.indexOf("inject-") + "inject-".length());
        }
      }
    }
    return "?";
  }

  private static JsonNode namespaceObject(Map<String, ObjectNode> state, String namespace) {
    return state.getOrDefault("Namespace//" + namespace, JSON.createObjectNode());
  }

  /** The webhook's mutator with the Instrumentations applied so far. */
  private static PodMutator mutator(Map<String, ObjectNode> state) {
    List<Instrumentation> instrumentations = state.values().stream()
        .filter(o -> "instrumentor.dev/v1alpha1".equals(o.path("apiVersion").asText())
            && "Instrumentation".equals(o.path("kind").asText()))
        .map(o -> SERIALIZATION.convertValue(o, Instrumentation.class)).toList();
    return Agents.mutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults(), Set.of("*"));
  }

  /** As admission gives it: the namespace, its Namespace's annotations and labels, the pod's owners. */
  private static PodContext context(ObjectNode pod, Map<String, ObjectNode> state, String namespace) {
    JsonNode metadata = namespaceObject(state, namespace).path("metadata");
    Map<String, String> labels = new HashMap<>(strings(metadata.path("labels")));
    labels.put("kubernetes.io/metadata.name", namespace);
    return PodContext.forPod(PodJson.of(pod), namespace, strings(metadata.path("annotations")), labels);
  }

  /** The object {@code field} of {@code parent}, made when there is none. */
  private static ObjectNode object(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode child ? child : parent.putObject(field);
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new TreeMap<>();
    node.properties().forEach(field -> map.put(field.getKey(), field.getValue().asText()));
    return map;
  }

  /** The differences of one asserted pod's spec from ours, the rules of the class's comment. */
  private static final class Comparison {

    static int skippedExpressions;
    static int evaluatedExpressions;

    final String where;
    final String namespace;
    final List<String> out = new ArrayList<>();
    boolean envInOrder = true;

    Comparison(String where, String namespace) {
      this.where = where;
      this.namespace = namespace;
    }

    void add(String difference) {
      out.add(where + ": " + difference);
    }

    void spec(JsonNode expected, JsonNode ours) {
      expected.properties().forEach(field -> {
        String key = field.getKey();
        Matcher filter = FILTER.matcher(key);
        if (key.equals("containers")) {
          containers(field.getValue(), ours.path("containers"), true);
        } else if (filter.matches()) {
          ArrayNode named = JSON.createArrayNode();
          ours.path("containers").forEach(c -> {
            if (c.path("name").asText().equals(filter.group(1))) {
              named.add(c);
            }
          });
          containers(field.getValue(), named, true);
        } else if (key.startsWith("(") || key.startsWith("~")) {
          skippedExpressions++;
        } else if (key.equals("initContainers")) {
          initContainers(field.getValue(), ours.path("initContainers"));
        } else {
          List<String> paths = new ArrayList<>();
          UpstreamOperator.contained(field.getValue(), ours.path(key), "spec." + key, paths);
          paths.forEach(this::add);
        }
      });
    }

    /** Each asserted container ours (by name, else by position); with {@code all}, none of ours besides. */
    void containers(JsonNode expected, JsonNode ours, boolean all) {
      Set<String> asserted = new HashSet<>();
      for (int i = 0; i < expected.size(); i++) {
        JsonNode container = expected.get(i);
        String name = container.path("name").asText("");
        JsonNode actual = name.isEmpty() ? ours.path(i) : named(ours, name);
        if (actual == null || actual.isMissingNode()) {
          add("container " + (name.isEmpty() ? "[" + i + "]" : name) + " missing");
          continue;
        }
        asserted.add(actual.path("name").asText());
        container(container, actual, "container " + actual.path("name").asText());
      }
      if (all) {
        ours.forEach(c -> {
          if (!asserted.contains(c.path("name").asText())) {
            add("container " + c.path("name").asText() + " not asserted");
          }
        });
      }
    }

    /** The names in order; of each asserted one, what the assert gives. */
    void initContainers(JsonNode expected, JsonNode ours) {
      List<String> want = new ArrayList<>();
      expected.forEach(c -> want.add(c.path("name").asText()));
      List<String> have = new ArrayList<>();
      ours.forEach(c -> have.add(c.path("name").asText()));
      if (!want.equals(have)) {
        add("initContainers are " + have + ", asserted " + want);
      }
      for (JsonNode container : expected) {
        String name = container.path("name").asText();
        JsonNode actual = named(ours, name);
        if (actual == null) {
          continue;
        }
        container(container, actual, "initContainer " + name);
        container.properties().forEach(field -> {
          if (!Set.of("name", "env", "volumeMounts").contains(field.getKey())) {
            List<String> paths = new ArrayList<>();
            UpstreamOperator.contained(field.getValue(), actual.path(field.getKey()), field.getKey(), paths);
            paths.forEach(path -> add("initContainer " + name + ": " + path));
          }
        });
      }
    }

    private static JsonNode named(JsonNode containers, String name) {
      for (JsonNode container : containers) {
        if (container.path("name").asText().equals(name)) {
          return container;
        }
      }
      return null;
    }

    void container(JsonNode expected, JsonNode actual, String label) {
      if (expected.has("env")) {
        env(expected.path("env"), actual.path("env"), label);
      }
      if (expected.has("volumeMounts")) {
        mounts(expected.path("volumeMounts"), actual.path("volumeMounts"), label);
      }
    }

    void env(JsonNode expected, JsonNode actual, String label) {
      Map<String, JsonNode> want = byName(expected);
      Map<String, JsonNode> have = byName(actual);
      want.forEach((name, variable) -> {
        JsonNode ours = have.get(name);
        if (ours == null) {
          add(label + ": env " + name + " missing (asserted " + shown(variable) + ")");
        } else {
          String difference = value(variable, ours);
          if (difference != null) {
            add(label + ": env " + name + " " + difference);
          }
        }
      });
      have.forEach((name, variable) -> {
        if (!want.containsKey(name)) {
          add(label + ": env " + name + " not asserted (" + shown(variable) + ")");
        }
      });
      if (!List.copyOf(want.keySet()).equals(List.copyOf(have.keySet()))) {
        envInOrder = false;
      }
    }

    private static Map<String, JsonNode> byName(JsonNode variables) {
      Map<String, JsonNode> map = new LinkedHashMap<>();
      variables.forEach(variable -> map.put(variable.path("name").asText(), variable));
      return map;
    }

    /** Null when our variable has the asserted value, else how it differs. */
    String value(JsonNode expected, JsonNode ours) {
      if (expected.has("valueFrom")) {
        return ours.has("valueFrom") && normalized(expected.get("valueFrom")).equals(normalized(ours.get("valueFrom")))
            ? null : "is " + shown(ours) + ", asserted " + shown(expected);
      }
      JsonNode value = expected.path("value");
      if (value.isMissingNode() || value.isNull()) {
        return null; // asserted to be there
      }
      if (!ours.has("value")) {
        return "is " + shown(ours) + ", asserted " + shown(expected);
      }
      String text = ours.path("value").asText();
      if (!value.isObject()) {
        return value.asText().equals(text) ? null : "is " + shown(ours) + ", asserted " + shown(expected);
      }
      List<String> failing = new ArrayList<>();
      value.properties().forEach(field -> {
        Optional<Object> result = Expression.evaluate(field.getKey(), text, Map.of("namespace", namespace));
        if (result.isEmpty()) {
          skippedExpressions++;
          return;
        }
        evaluatedExpressions++;
        if (!JSON.valueToTree(result.get()).equals(field.getValue())) {
          failing.add(field.getKey().trim());
        }
      });
      return failing.isEmpty() ? null : "\"" + text + "\" does not hold " + String.join(", ", failing);
    }

    /** A valueFrom without the apiVersion v1 of a fieldRef, which the API server defaults. */
    private static JsonNode normalized(JsonNode valueFrom) {
      JsonNode copy = valueFrom.deepCopy();
      if (copy.path("fieldRef") instanceof ObjectNode fieldRef && "v1".equals(fieldRef.path("apiVersion").asText())) {
        fieldRef.remove("apiVersion");
      }
      return copy;
    }

    private static String shown(JsonNode variable) {
      if (variable.has("valueFrom")) {
        return "valueFrom " + normalized(variable.get("valueFrom"));
      }
      JsonNode value = variable.path("value");
      return value.isMissingNode() || value.isNull() ? "no value" : value.isTextual() ? "\"" + value.asText() + "\""
          : value.toString();
    }

    /** By mountPath and name (when asserted), both ways, the service account token's left out. */
    void mounts(JsonNode expected, JsonNode actual, String label) {
      List<JsonNode> have = new ArrayList<>();
      actual.forEach(mount -> {
        if (!SERVICE_ACCOUNT_TOKEN.equals(mount.path("mountPath").asText())) {
          have.add(mount);
        }
      });
      for (JsonNode mount : expected) {
        String path = mount.path("mountPath").asText();
        String name = mount.path("name").asText(null);
        if (SERVICE_ACCOUNT_TOKEN.equals(path)) {
          continue;
        }
        Optional<JsonNode> match = have.stream().filter(m -> m.path("mountPath").asText().equals(path)
            && (name == null || name.equals(m.path("name").asText()))).findFirst();
        if (match.isPresent()) {
          have.remove(match.get());
        } else {
          add(label + ": volumeMount " + path + " (" + name + ") missing");
        }
      }
      have.forEach(m -> add(label + ": volumeMount " + m.path("mountPath").asText() + " ("
          + m.path("name").asText() + ") not asserted"));
    }
  }

  /**
   * Upstream's names and paths of its agents' objects to ours ({@code name A -> B}: a whole value; {@code path A ->
   * B}: inside any value), applied to what an assert expects; one whose name or path no assert has is stale.
   */
  private static final class Mapping {

    private final Map<String, String> names = new TreeMap<>();
    private final Map<String, String> paths = new TreeMap<>(Comparator.comparing(String::length).reversed()
        .thenComparing(Comparator.naturalOrder()));
    private final Set<String> used = new HashSet<>();

    /** Takes a line that is a mapping; false when it is not one. */
    boolean add(String line) {
      String[] parts = line.split(" -> ", 2);
      if (parts.length != 2 || !(line.startsWith("name ") || line.startsWith("path "))) {
        return false;
      }
      (line.startsWith("name ") ? names : paths).put(parts[0].substring(5).trim(), parts[1].trim());
      return true;
    }

    List<String> unused() {
      List<String> unused = new ArrayList<>();
      names.forEach((from, to) -> {
        if (!used.contains("name " + from)) {
          unused.add("name " + from + " -> " + to);
        }
      });
      paths.forEach((from, to) -> {
        if (!used.contains("path " + from)) {
          unused.add("path " + from + " -> " + to);
        }
      });
      return unused;
    }

    JsonNode apply(JsonNode node) {
      if (node.isTextual()) {
        String text = node.asText();
        if (names.containsKey(text)) {
          used.add("name " + text);
          return TextNode.valueOf(names.get(text));
        }
        for (Map.Entry<String, String> path : paths.entrySet()) {
          if (text.contains(path.getKey())) {
            used.add("path " + path.getKey());
            text = text.replace(path.getKey(), path.getValue());
          }
        }
        return TextNode.valueOf(text);
      }
      if (node.isObject()) {
        ObjectNode copy = JSON.createObjectNode();
        node.properties().forEach(field -> copy.set(field.getKey(), apply(field.getValue())));
        return copy;
      }
      if (node.isArray()) {
        ArrayNode copy = JSON.createArrayNode();
        node.forEach(element -> copy.add(apply(element)));
        return copy;
      }
      return node;
    }
  }

  /**
   * The JMESPath forms the asserts use, evaluated: {@code 'literal'}, {@code @} (the value asserted), {@code $name},
   * {@code [a, ...]}, {@code contains(a, b)}, {@code concat(a, ...)}, {@code join(separator, list)}, {@code a || b}
   * and parentheses. Empty for anything else.
   */
  private static final class Expression {

    private final String text;
    private final String subject;
    private final Map<String, String> variables;
    private int at;

    private Expression(String text, String subject, Map<String, String> variables) {
      this.text = text;
      this.subject = subject;
      this.variables = variables;
    }

    static Optional<Object> evaluate(String text, String subject, Map<String, String> variables) {
      Expression expression = new Expression(text, subject, variables);
      try {
        Object value = expression.or();
        return expression.next("") && expression.at == text.length() ? Optional.of(value) : Optional.empty();
      } catch (IllegalArgumentException | ClassCastException | IndexOutOfBoundsException e) {
        return Optional.empty();
      }
    }

    private Object or() {
      Object left = operand();
      while (next("||")) {
        Object right = operand();
        left = truthy(left) ? left : right;
      }
      return left;
    }

    private Object operand() {
      if (next("(")) {
        Object value = or();
        expect(")");
        return value;
      }
      if (next("'")) {
        int end = text.indexOf('\'', at);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated literal");
        }
        String literal = text.substring(at, end);
        at = end + 1;
        return literal;
      }
      if (next("@")) {
        if (subject == null) {
          throw new IllegalArgumentException("no @ here");
        }
        return subject;
      }
      if (next("$")) {
        String value = variables.get(identifier());
        if (value == null) {
          throw new IllegalArgumentException("unbound variable");
        }
        return value;
      }
      if (next("[")) {
        return arguments("]");
      }
      String function = identifier();
      expect("(");
      List<Object> arguments = arguments(")");
      return switch (function) {
        case "contains" -> ((String) arguments.get(0)).contains((String) arguments.get(1));
        case "concat" -> String.join("", arguments.stream().map(a -> (String) a).toList());
        case "join" -> String.join((String) arguments.get(0),
            ((List<?>) arguments.get(1)).stream().map(a -> (String) a).toList());
        default -> throw new IllegalArgumentException("function " + function);
      };
    }

    private List<Object> arguments(String close) {
      List<Object> arguments = new ArrayList<>();
      if (next(close)) {
        return arguments;
      }
      do {
        arguments.add(or());
      } while (next(","));
      expect(close);
      return arguments;
    }

    private String identifier() {
      next("");
      int start = at;
      while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("identifier expected at " + at);
      }
      return text.substring(start, at);
    }

    /** Skips blanks; takes {@code token} when it comes next. */
    private boolean next(String token) {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
      if (text.startsWith(token, at)) {
        at += token.length();
        return true;
      }
      return false;
    }

    private void expect(String token) {
      if (!next(token)) {
        throw new IllegalArgumentException(token + " expected at " + at);
      }
    }

    private static boolean truthy(Object value) {
      return value instanceof Boolean b ? b : value instanceof String s ? !s.isEmpty()
          : value instanceof List<?> l ? !l.isEmpty() : value != null;
    }
  }
}
