package dev.instrumentor.operator.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.LanguagePods;
import dev.instrumentor.api.v1alpha1.UnresolvedPods;
import dev.instrumentor.api.v1alpha1.WorkloadPods;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.Resolved;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Pure code: which pods use which Instrumentation, read from what every pod carries — the annotations
 * that ask for a language (the pod's or its Namespace's, ours or the OpenTelemetry Operator's) and the
 * webhook's outcome ({@code instrumentor.dev/injection-status}, with {@code namespace/name@generation}).
 * A pod that asked is injected (current generation), stale (an older one) or missed (no outcome: created
 * while the webhook was down or before the operator; or a skipped or error outcome).
 */
public final class Fleet {

  /** Language to the annotation that asks for it (upstream's equivalent is honoured too). */
  public static final Map<String, String> LANGUAGES = orderedLanguages();
  /** Workloads listed in status (and warned about with an Event), the most affected first. */
  public static final int MAX_WORKLOADS = 20;
  /** Workloads with a missed-pods metric series, per Instrumentation. */
  public static final int MAX_WORKLOAD_SERIES = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TEMPLATE_HASH = "pod-template-hash";
  private static final String ROLLED_BACK = InjectionOutcome.Status.ROLLED_BACK.value();

  private static Map<String, String> orderedLanguages() {
    Map<String, String> languages = new LinkedHashMap<>();
    for (Language language : Language.values()) {
      languages.put(language.key(), language.injectAnnotation());
    }
    return Collections.unmodifiableMap(languages);
  }

  /**
   * What became of one language's request in a pod: injected with the current generation, an older one, not
   * injected, or not injected because its workload was rolled back at the current generation.
   */
  public enum State { INJECTED, STALE, MISSED, ROLLED_BACK }

  /** Why a request resolves to no Instrumentation (the webhook admits such a pod uninstrumented). */
  public enum Reason {
    /** {@code "true"} with several Instrumentations in the namespace. */
    AMBIGUOUS("Ambiguous"),
    /** {@code "true"} with none in the namespace. */
    NO_INSTRUMENTATION("NoInstrumentation"),
    /** A name that does not exist. */
    NOT_FOUND("NotFound"),
    /** Neither true, false nor a name. */
    INVALID_VALUE("InvalidValue");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** As status and metrics show it. */
    public String label() {
      return label;
    }
  }

  /**
   * One language's request in a pod: the Instrumentation it resolves to ({@code namespace/name}), or
   * why none, in the webhook's words.
   */
  public record Ask(String language, String instrumentation, Reason reason, String problem) {
  }

  /** Pods of {@code namespace} asking for {@code language} that resolve to nothing, for {@code reason}. */
  public record Unresolved(String namespace, String language, Reason reason, String problem) {
  }

  /** A pod's owning workload: Deployment (through its ReplicaSet), StatefulSet, DaemonSet, Job, ReplicaSet or Pod. */
  public record Workload(String kind, String namespace, String name) implements Comparable<Workload> {

    /** Whether a restart is ours to make: Deployments, StatefulSets and DaemonSets, never bare pods or Jobs. */
    public boolean restartable() {
      return kind.equals("Deployment") || kind.equals("StatefulSet") || kind.equals("DaemonSet");
    }

    @Override
    public int compareTo(Workload other) {
      return Comparator.comparing(Workload::namespace).thenComparing(Workload::kind).thenComparing(Workload::name)
          .compare(this, other);
    }

    @Override
    public String toString() {
      return kind + " " + namespace + "/" + name;
    }
  }

  /**
   * One Instrumentation's pods.
   *
   * @param languages per language {injected, stale, missed, rolled back}
   * @param workloads workloads with stale or missed pods: language -> {stale, missed}
   * @param troubled  injected pods (current or older generation) the cache keeps a health digest for, by workload,
   *                  with what each got ({@link Health}); empty while every injected pod is healthy
   */
  public record View(Map<String, int[]> languages, Map<Workload, Map<String, int[]>> workloads,
      Map<Unresolved, Integer> unresolved, Map<Workload, Map<Pod, Health.Injected>> troubled) {

    public View(Map<String, int[]> languages, Map<Workload, Map<String, int[]>> workloads,
        Map<Unresolved, Integer> unresolved) {
      this(languages, workloads, unresolved, Map.of());
    }

    /** Pods of the Instrumentation's namespace whose request resolves to no Instrumentation. */
    public int unresolvedTotal() {
      return unresolved.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The status list: by language and reason, the most pods first. */
    public List<UnresolvedPods> unresolvedPods() {
      List<UnresolvedPods> result = new ArrayList<>();
      unresolved.entrySet().stream()
          .sorted(Map.Entry.<Unresolved, Integer>comparingByValue().reversed()
              .thenComparing(entry -> entry.getKey().language()).thenComparing(entry -> entry.getKey().problem()))
          .limit(MAX_WORKLOADS).forEach(entry -> {
            UnresolvedPods pods = new UnresolvedPods();
            pods.setLanguage(entry.getKey().language());
            pods.setReason(entry.getKey().reason().label());
            pods.setMessage(entry.getKey().problem());
            pods.setPods(entry.getValue());
            result.add(pods);
          });
      return result;
    }

    public int total(State state) {
      return languages.values().stream().mapToInt(counts -> counts[state.ordinal()]).sum();
    }

    /** The status lists: counts per language (those asked for), the most affected workloads first. */
    public List<LanguagePods> languagePods() {
      List<LanguagePods> result = new ArrayList<>();
      languages.forEach((language, counts) -> {
        LanguagePods pods = new LanguagePods();
        pods.setLanguage(language);
        pods.setInjected(counts[0]);
        pods.setStale(counts[1]);
        pods.setMissed(counts[2]);
        pods.setRolledBack(counts[3] == 0 ? null : counts[3]);
        result.add(pods);
      });
      return result;
    }

    public List<WorkloadPods> workloadPods() {
      List<WorkloadPods> result = new ArrayList<>();
      workloads.forEach((workload, byLanguage) -> byLanguage.forEach((language, counts) -> {
        WorkloadPods pods = new WorkloadPods();
        pods.setKind(workload.kind());
        pods.setNamespace(workload.namespace());
        pods.setName(workload.name());
        pods.setLanguage(language);
        pods.setStale(counts[0]);
        pods.setMissed(counts[1]);
        result.add(pods);
      }));
      result.sort(Comparator.comparingInt((WorkloadPods w) -> -(w.getStale() + w.getMissed()))
          .thenComparing(WorkloadPods::getNamespace).thenComparing(WorkloadPods::getKind).thenComparing(WorkloadPods::getName)
          .thenComparing(WorkloadPods::getLanguage));
      return result.size() > MAX_WORKLOADS ? List.copyOf(result.subList(0, MAX_WORKLOADS)) : result;
    }

    /**
     * The {@code limit} workloads with the most missed pods, most first (Events and metric series are
     * bounded: 10,000 bare pods are 10,000 workloads).
     */
    public Map<Workload, Integer> mostMissed(int limit) {
      Map<Workload, Integer> result = new LinkedHashMap<>();
      missedByWorkload().entrySet().stream()
          .sorted(Map.Entry.<Workload, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(limit).forEach(entry -> result.put(entry.getKey(), entry.getValue()));
      return result;
    }

    /** Workloads with missed pods. */
    public Map<Workload, Integer> missedByWorkload() {
      Map<Workload, Integer> result = new TreeMap<>();
      workloads.forEach((workload, byLanguage) -> {
        int missed = byLanguage.values().stream().mapToInt(counts -> counts[1]).sum();
        if (missed > 0) {
          result.put(workload, missed);
        }
      });
      return result;
    }
  }

  private Fleet() {
  }

  /**
   * The pods of {@code pods} that ask for {@code instrumentation}, by language and state, and those of its
   * namespace whose request resolves to none.
   *
   * @param namespaceAnnotations a pod's Namespace's annotations (may return null)
   * @param instrumentations     to resolve "true" (the only Instrumentation of the pod's namespace)
   */
  public static View view(Instrumentation instrumentation, Iterable<Pod> pods,
      Function<String, Map<String, String>> namespaceAnnotations, InstrumentationSource instrumentations) {
    String key = key(instrumentation);
    String namespace = instrumentation.getMetadata().getNamespace();
    Map<String, int[]> languages = new LinkedHashMap<>();
    Map<Workload, Map<String, int[]>> workloads = new TreeMap<>();
    Map<Unresolved, Integer> unresolved = new LinkedHashMap<>();
    Map<Workload, Map<Pod, Health.Injected>> troubled = new TreeMap<>();
    for (Pod pod : pods) {
      if (!live(pod)) {
        continue;
      }
      for (Ask ask : asks(pod, namespaceAnnotations.apply(pod.getMetadata().getNamespace()), instrumentations)) {
        if (ask.instrumentation() == null) {
          if (namespace.equals(pod.getMetadata().getNamespace())) {
            unresolved.merge(new Unresolved(namespace, ask.language(), ask.reason(), ask.problem()), 1, Integer::sum);
          }
          continue;
        }
        if (!ask.instrumentation().equals(key)) {
          continue;
        }
        String language = ask.language();
        State state = state(pod, language, Resolved.reference(instrumentation));
        languages.computeIfAbsent(language, l -> new int[State.values().length])[state.ordinal()]++;
        if (state == State.STALE || state == State.MISSED) {
          workloads.computeIfAbsent(workload(pod), w -> new TreeMap<>())
              .computeIfAbsent(language, l -> new int[2])[state == State.STALE ? 0 : 1]++;
        }
        if ((state == State.INJECTED || state == State.STALE) && inTrouble(pod)) {
          Health.Injected injected = troubled.computeIfAbsent(workload(pod), w -> new LinkedHashMap<>())
              .computeIfAbsent(pod, p -> new Health.Injected(new TreeSet<>(), state == State.INJECTED, new TreeSet<>()));
          injected.languages().add(language);
          outcomes(pod).path(language).path("containers").forEach(name -> injected.containers().add(name.asText()));
        }
      }
    }
    return new View(languages, workloads, unresolved, troubled);
  }

  /**
   * Live pods of every namespace whose request resolves to no Instrumentation, by namespace, language
   * and reason (the reason's message left out: names asked for are unbounded).
   */
  public static Map<Unresolved, Integer> unresolved(Iterable<Pod> pods,
      Function<String, Map<String, String>> namespaceAnnotations, InstrumentationSource instrumentations) {
    Map<Unresolved, Integer> result = new TreeMap<>(Comparator.comparing(Unresolved::namespace)
        .thenComparing(Unresolved::language).thenComparing(Unresolved::reason));
    for (Pod pod : pods) {
      if (!live(pod)) {
        continue;
      }
      for (Ask ask : asks(pod, namespaceAnnotations.apply(pod.getMetadata().getNamespace()), instrumentations)) {
        if (ask.instrumentation() == null) {
          result.merge(new Unresolved(pod.getMetadata().getNamespace(), ask.language(), ask.reason(), null), 1,
              Integer::sum);
        }
      }
    }
    return result;
  }

  /** {@code namespace/name}. */
  public static String key(Instrumentation instrumentation) {
    return instrumentation.getMetadata().getNamespace() + "/" + instrumentation.getMetadata().getName();
  }

  /** Whether the pod cache keeps a health digest for it (a container restarted, waits, or Ready is not True). */
  static boolean inTrouble(Pod pod) {
    return pod.getStatus() != null && (notEmpty(pod.getStatus().getConditions())
        || notEmpty(pod.getStatus().getContainerStatuses()) || notEmpty(pod.getStatus().getInitContainerStatuses()));
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }

  /** Whether the webhook injected the pod with {@code instrumentation} ({@code namespace/name}), any generation. */
  public static boolean injectedBy(Pod pod, String instrumentation) {
    return injected(pod, by -> by.startsWith(instrumentation + "@"));
  }

  /** Whether the webhook injected the pod with {@code reference} ({@code namespace/name@generation}). */
  public static boolean injectedWith(Pod pod, String reference) {
    return injected(pod, reference::equals);
  }

  private static boolean injected(Pod pod, java.util.function.Predicate<String> by) {
    for (Map.Entry<String, JsonNode> outcome : outcomes(pod).properties()) {
      if ("injected".equals(outcome.getValue().path("status").asText())
          && by.test(outcome.getValue().path("instrumentation").asText(""))) {
        return true;
      }
    }
    return false;
  }

  /** A pod that runs or will: not terminating, not finished. */
  public static boolean live(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** Language to the Instrumentation ({@code namespace/name}) the pod asks for; unresolvable requests are left out. */
  public static Map<String, String> requests(Pod pod, Map<String, String> namespaceAnnotations,
      InstrumentationSource instrumentations) {
    Map<String, String> result = new LinkedHashMap<>();
    for (Ask ask : asks(pod, namespaceAnnotations, instrumentations)) {
      if (ask.instrumentation() != null) {
        result.put(ask.language(), ask.instrumentation());
      }
    }
    return result;
  }

  /**
   * Each language the pod asks for, resolved as the webhook resolves it now (not declined ones); where no annotation
   * asks, the languages a selector chose at admission (the outcome's {@code requestedWith}), for the Instrumentation
   * that chose them.
   */
  public static List<Ask> asks(Pod pod, Map<String, String> namespaceAnnotations, InstrumentationSource instrumentations) {
    List<Ask> result = new ArrayList<>(1);
    String namespace = pod.getMetadata().getNamespace();
    JsonNode outcomes = null;
    for (Map.Entry<String, String> language : LANGUAGES.entrySet()) {
      InjectionRequestValue.Decided decided = InjectionRequestValue.decide(language.getValue(),
          InstrumentorAnnotations.Upstream.of(language.getValue()), pod.getMetadata().getAnnotations(),
          namespaceAnnotations, namespace);
      InjectionRequestValue value = decided.value();
      if (value instanceof InjectionRequestValue.NotRequested) {
        outcomes = outcomes == null ? outcomes(pod) : outcomes;
        JsonNode outcome = outcomes.path(language.getKey());
        String chosenBy = outcome.path("instrumentation").asText("");
        if (InjectionRequestValue.SELECTOR.equals(outcome.path("requestedWith").asText()) && !chosenBy.isEmpty()) {
          int at = chosenBy.indexOf('@');
          result.add(new Ask(language.getKey(), at < 0 ? chosenBy : chosenBy.substring(0, at), null, null));
        }
      } else if (value instanceof InjectionRequestValue.Invalid invalid) {
        result.add(new Ask(language.getKey(), null, Reason.INVALID_VALUE, invalid.problem(decided.key())));
      } else if (value instanceof InjectionRequestValue.Named || value instanceof InjectionRequestValue.OnlyOneInNamespace) {
        Resolved<Instrumentation> resolved = Resolved.resolve(value, namespace, "Instrumentation", instrumentations::list,
            instrumentations::get);
        if (resolved.resource() != null) {
          result.add(new Ask(language.getKey(), key(resolved.resource()), null, null));
        } else {
          Reason reason = value instanceof InjectionRequestValue.Named ? Reason.NOT_FOUND
              : instrumentations.list(namespace).isEmpty() ? Reason.NO_INSTRUMENTATION : Reason.AMBIGUOUS;
          result.add(new Ask(language.getKey(), null, reason, resolved.problem()));
        }
      }
    }
    return result;
  }

  /** The webhook's outcomes in the pod's status annotation, per language; a missing node when there are none. */
  private static JsonNode outcomes(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(InstrumentorAnnotations.STATUS);
    if (value == null) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return JSON.missingNode(); // a hand-edited value: the webhook would write a new one
    }
  }

  /** What the webhook's outcome annotation says of {@code language}, {@code current} being the Instrumentation's reference. */
  static State state(Pod pod, String language, String current) {
    JsonNode outcome = outcomes(pod).path(language);
    // the webhook records the Instrumentation it used as Resolved.reference: namespace/name@generation
    boolean currentGeneration = outcome.path("instrumentation").asText("").equals(current);
    String status = outcome.path("status").asText();
    if (ROLLED_BACK.equals(status)) {
      // rolled back at an older generation: the new one tries the agent again, so a restart injects it
      return currentGeneration ? State.ROLLED_BACK : State.MISSED;
    }
    if (!"injected".equals(status)) {
      return State.MISSED;
    }
    return currentGeneration ? State.INJECTED : State.STALE;
  }


  /** The pod's owning workload; a ReplicaSet's pods with {@code pod-template-hash} belong to its Deployment. */
  public static Workload workload(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    OwnerReference owner = pod.getMetadata().getOwnerReferences() == null ? null : pod.getMetadata().getOwnerReferences()
        .stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().orElse(null);
    if (owner == null) {
      return new Workload("Pod", namespace, pod.getMetadata().getName());
    }
    String hash = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(TEMPLATE_HASH);
    if (owner.getKind().equals("ReplicaSet") && hash != null && owner.getName().endsWith("-" + hash)) {
      return new Workload("Deployment", namespace, owner.getName().substring(0, owner.getName().length() - hash.length() - 1));
    }
    return new Workload(owner.getKind(), namespace, owner.getName());
  }

  /**
   * What the operator's pod cache keeps: name, namespace, controller owner, the template-hash label,
   * Instrumentor's and the OpenTelemetry Operator's annotations and the phase — not the spec, so the
   * cache stays small however large the pods — and, for a pod in trouble only, a health digest ({@link Health#digest}). The pod is trimmed in place: the informer hands the very
   * object it cached to its listeners, so no full copy waits in their queue (it did: 10,000 pods listed
   * at once exhausted the chart's heap while the listener caught up).
   */
  public static Pod slim(Pod pod) {
    Map<String, String> annotations = new TreeMap<>();
    if (pod.getMetadata().getAnnotations() != null) {
      pod.getMetadata().getAnnotations().forEach((key, value) -> {
        if (key.startsWith(InstrumentorAnnotations.PREFIX) || key.startsWith(InstrumentorAnnotations.Upstream.PREFIX)) {
          annotations.put(key, value);
        }
      });
    }
    Map<String, String> labels = pod.getMetadata().getLabels() == null || !pod.getMetadata().getLabels()
        .containsKey(TEMPLATE_HASH) ? null : Map.of(TEMPLATE_HASH, pod.getMetadata().getLabels().get(TEMPLATE_HASH));
    pod.setMetadata(new ObjectMetaBuilder().withName(pod.getMetadata().getName())
        .withNamespace(pod.getMetadata().getNamespace()).withUid(pod.getMetadata().getUid())
        .withResourceVersion(pod.getMetadata().getResourceVersion())
        .withDeletionTimestamp(pod.getMetadata().getDeletionTimestamp())
        .withOwnerReferences(pod.getMetadata().getOwnerReferences() == null ? List.of() : pod.getMetadata()
            .getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController())).toList())
        .withLabels(labels).build());
    // never null: JOSDK's informer reads every cached pod's annotations (its "previous" annotation) on each
    // event, and a pod without any would throw there, losing the event (seen with real kubelet updates)
    pod.getMetadata().setAnnotations(annotations.isEmpty() ? Map.of() : annotations);
    pod.setStatus(Health.digest(pod.getStatus()));
    pod.setSpec(null);
    pod.getAdditionalProperties().clear();
    return pod;
  }
}
