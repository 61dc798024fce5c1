package dev.instrumentor.webhook.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.webhook.json.PatchOperation;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod mutation: from a pod's JSON, its context and the available resources to the mutated pod, the
 * RFC 6902 patch that makes the same change, and an outcome per injection. Never throws for a pod:
 * an internal error in one injection leaves the pod as that injection found it and is reported as
 * an {@code error} outcome (fail open). Calling it again on its own output changes nothing.
 */
public final class PodMutator {

  private static final Logger LOG = LoggerFactory.getLogger(PodMutator.class);

  private final List<Injector> injectors;
  private final PodSelection selection;

  public PodMutator(List<Injector> injectors) {
    this(injectors, PodSelection.NONE);
  }

  /** With {@code selection} choosing what to inject into pods that no annotation asks about. */
  public PodMutator(List<Injector> injectors, PodSelection selection) {
    this.injectors = List.copyOf(injectors);
    this.selection = selection;
  }

  static final String WINDOWS = "Windows pods are not instrumented: the agents and the collector are Linux"
      + " images, and the API server refuses their Linux security settings on a Windows pod";

  /** This mutator's injections, then {@code more} (e.g. the collector sidecar, injected last). */
  public PodMutator then(Injector more) {
    List<Injector> all = new ArrayList<>(injectors);
    all.add(more);
    return new PodMutator(all, selection);
  }

  /**
   * Whether {@code injector} injected this pod before (a reinvocation, or a pod spec copied from a
   * running pod): its containers and volumes are there and the status annotation says so. Names like
   * ours without that annotation are the user's: the injector reports them as a collision.
   */
  private static boolean alreadyInjected(Injector injector, PodJson pod, String status) {
    return injector.alreadyInjected(pod)
        && InjectionOutcome.Status.INJECTED.value().equals(InjectionStatusAnnotation.statuses(status).get(injector.name()));
  }

  /**
   * Mutates {@code pod}'s tree in place (the admission path owns the request's tree; copy it first
   * to keep the original).
   */
  public Result mutate(PodJson pod, PodContext context) {
    Map<String, String> podAnnotations = pod.annotations();
    String previous = podAnnotations.get(InstrumentorAnnotations.STATUS);
    List<InjectionOutcome> outcomes = new ArrayList<>(injectors.size());
    List<PatchOperation> patch = new ArrayList<>();
    PodSelection.Selection selected = select(pod, context);
    for (Injector injector : injectors) {
      InjectionRequestValue.Decided decided = InjectionRequestValue.decide(injector.annotation(),
          injector.upstreamAnnotation(), podAnnotations, context.namespaceAnnotations(), context.namespace());
      InjectionRequestValue request = decided.value();
      String key = decided.key();
      if (request instanceof InjectionRequestValue.NotRequested && selected.requests().containsKey(injector.name())) {
        request = selected.requests().get(injector.name());
        key = InjectionRequestValue.SELECTOR;
      }
      if (request instanceof InjectionRequestValue.NotRequested || alreadyInjected(injector, pod, previous)) {
        continue;
      }
      String requestedWith = key.equals(injector.annotation()) ? null : key;
      if (request instanceof InjectionRequestValue.Disabled disabled) {
        outcomes.add(InjectionOutcome.disabled(injector.name(), key + " is \"false\" on the " + disabled.where())
            .requestedWith(requestedWith));
        continue;
      }
      if (request instanceof InjectionRequestValue.Invalid invalid) {
        outcomes.add(InjectionOutcome.skipped(injector.name(), invalid.problem(key), null).requestedWith(requestedWith));
        continue;
      }
      if (pod.windows()) {
        outcomes.add(InjectionOutcome.skipped(injector.name(), WINDOWS, null).requestedWith(requestedWith));
        continue;
      }
      PodEdits edits = new PodEdits(pod);
      InjectionOutcome outcome;
      try {
        outcome = injector.inject(pod, context, request, edits);
        if (outcome.status() == InjectionOutcome.Status.INJECTED) {
          edits.applyTo(patch);
        }
      } catch (RuntimeException e) {
        LOG.warn("{} injection failed for a pod in namespace {}; admitting it unchanged", injector.name(),
            context.namespace(), e);
        outcome = InjectionOutcome.error(injector.name(), "internal error: " + e, null);
      }
      outcomes.add(outcome.requestedWith(requestedWith));
    }
    outcomes.addAll(selected.outcomes());
    if (!outcomes.isEmpty()) {
      recordOutcomes(pod, previous, outcomes, patch);
    }
    return new Result(pod.node(), outcomes, patch, null);
  }

  /**
   * The status annotation merged with this admission's outcomes, and the instrumented label, where they change.
   * Its own method: the admission's hot loop above stays small enough for the JIT to inline what it calls.
   */
  private static void recordOutcomes(PodJson pod, String previous, List<InjectionOutcome> outcomes,
      List<PatchOperation> patch) {
    String status = InjectionStatusAnnotation.merge(previous, outcomes);
    PodEdits metadata = new PodEdits(pod);
    if (!status.equals(previous) || !patch.isEmpty()) {
      metadata.putAnnotation(InstrumentorAnnotations.STATUS, status);
    }
    // the statuses from what is at hand, not by parsing the value just written: the previous one is parsed only
    // on a reinvocation (or a copied pod), which carries it
    Map<String, String> statuses = new LinkedHashMap<>(previous == null ? Map.of() : InjectionStatusAnnotation.statuses(previous));
    outcomes.forEach(outcome -> statuses.put(outcome.language(), outcome.status().value()));
    String label = instrumentedLabel(statuses);
    if (label != null && !label.equals(pod.labels().get(InstrumentorAnnotations.INSTRUMENTED_LABEL))) {
      metadata.putLabel(InstrumentorAnnotations.INSTRUMENTED_LABEL, label);
    }
    metadata.applyTo(patch);
  }

  /** What the selectors choose; nothing, and an error outcome, when choosing fails (the pod is admitted). */
  private PodSelection.Selection select(PodJson pod, PodContext context) {
    try {
      return selection.select(pod, context);
    } catch (RuntimeException e) {
      LOG.warn("selecting Instrumentations for a pod in namespace {} failed; admitting it as its annotations ask",
          context.namespace(), e);
      return new PodSelection.Selection(Map.of(),
          List.of(InjectionOutcome.error(SELECTION, "internal error choosing by spec.selector: " + e, null)));
    }
  }

  /** The key of the selection's own outcome in the status annotation (containers whose language was not told). */
  public static final String SELECTION = "selector";

  /**
   * The {@link InstrumentorAnnotations#INSTRUMENTED_LABEL} for a pod whose outcomes are {@code statuses} (per injection,
   * e.g. {@code java -> injected}): the languages injected, {@code "false"} when none was; null when the outcomes are
   * only the collector sidecar's.
   */
  static String instrumentedLabel(Map<String, String> statuses) {
    List<String> injected = new ArrayList<>(1);
    boolean languages = false;
    for (Language language : Language.values()) {
      String outcome = statuses.get(language.key());
      languages |= outcome != null;
      if (InjectionOutcome.Status.INJECTED.value().equals(outcome)) {
        injected.add(language.key());
      }
    }
    if (!languages && statuses.keySet().stream().allMatch(SIDECAR::equals)) {
      return null;
    }
    return injected.isEmpty() ? "false" : String.join("_", injected);
  }

  private static final String SIDECAR = "sidecar";

  /** Mutates a copy of {@code pod}, which is not changed; for callers holding a fabric8 Pod. */
  public Result mutate(Pod pod, PodContext context) {
    Result result = mutate(PodJson.of(PodJson.tree(pod)), context);
    return new Result(result.tree(), result.outcomes(), result.operations(), pod);
  }

  /** What a mutation did. */
  public static final class Result {

    private final ObjectNode tree;
    private final List<InjectionOutcome> outcomes;
    private final List<PatchOperation> operations;
    private final Pod original;
    private Pod pod;

    Result(ObjectNode tree, List<InjectionOutcome> outcomes, List<PatchOperation> operations, Pod original) {
      this.tree = tree;
      this.outcomes = List.copyOf(outcomes);
      this.operations = List.copyOf(operations);
      this.original = original;
    }

    /** The pod's tree after the mutation. */
    public ObjectNode tree() {
      return tree;
    }

    /** One per injection the pod or its Namespace asked about. */
    public List<InjectionOutcome> outcomes() {
      return outcomes;
    }

    /** The RFC 6902 patch from the pod as given to {@link #tree()}; empty when nothing changed. */
    public List<PatchOperation> operations() {
      return operations;
    }

    /** The patch as JSON. */
    public ArrayNode patch() {
      ArrayNode patch = PodJson.NODES.arrayNode(operations.size());
      operations.forEach(operation -> patch.add(operation.toJson()));
      return patch;
    }

    public boolean changed() {
      return !operations.isEmpty();
    }

    /** The mutated pod as a fabric8 Pod; the given Pod itself when it was given one and nothing changed. */
    public Pod pod() {
      if (original != null && !changed()) {
        return original;
      }
      if (pod == null) {
        pod = PodJson.model(tree, Pod.class);
      }
      return pod;
    }

    /** Outcomes the user should be told about (asked for, not injected). */
    public List<String> warnings() {
      return outcomes.stream().filter(InjectionOutcome::warrantsWarning)
          .map(o -> "instrumentor: " + o.describe()).toList();
    }
  }
}
