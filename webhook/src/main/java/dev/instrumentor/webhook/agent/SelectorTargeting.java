package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSelector;
import dev.instrumentor.api.v1alpha1.SelectorLanguage;
import dev.instrumentor.webhook.json.LabelSelectors;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.mutation.PodSelection;
import dev.instrumentor.webhook.mutation.Resolved;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Instrumentations' {@code spec.selector}: which of them chooses a pod that no annotation asks about, and
 * which language each of its containers gets.
 *
 * <p>Precedence: an inject-* annotation of any language on the pod or its Namespace (ours or the OpenTelemetry
 * Operator's, any value, {@code "false"} too) decides the pod alone; the label {@code instrumentor.dev/inject:
 * "false"} keeps it out of every selector. A podSelector chooses pods of its Instrumentation's namespace; a
 * namespaceSelector, pods of the namespaces it chooses, only for Instrumentations in {@code clusterNamespaces}
 * (elsewhere such a selector chooses nothing, and its status says so). Of several that choose one pod, the one
 * in the pod's namespace wins, then the oldest, then by namespace and name; the outcome names the others.
 */
public final class SelectorTargeting implements PodSelection {

  /** Every annotation asking for a language: ours and the OpenTelemetry Operator's. */
  private static final List<String> LANGUAGE_ANNOTATIONS = languageAnnotations();

  private final InstrumentationSource instrumentations;
  private final Set<String> clusterNamespaces;

  /**
   * @param clusterNamespaces the namespaces whose Instrumentations' namespaceSelector is honoured ({@code *}: all)
   */
  public SelectorTargeting(InstrumentationSource instrumentations, Set<String> clusterNamespaces) {
    this.instrumentations = instrumentations;
    this.clusterNamespaces = Set.copyOf(clusterNamespaces);
  }

  private static List<String> languageAnnotations() {
    List<String> keys = new ArrayList<>();
    for (Language language : Language.values()) {
      keys.add(language.injectAnnotation());
      keys.add(language.upstreamInjectAnnotation());
    }
    return List.copyOf(keys);
  }

  /** Whether an Instrumentation in {@code namespace} may choose pods of other namespaces. */
  public boolean clusterWide(String namespace) {
    return clusterNamespaces.contains("*") || clusterNamespaces.contains(namespace);
  }

  @Override
  public Selection select(PodJson pod, PodContext context) {
    List<Instrumentation> selecting = instrumentations.selecting();
    if (selecting.isEmpty() || "false".equals(pod.labels().get(InstrumentorAnnotations.INJECT_LABEL))
        || asks(pod.annotations()) || asks(context.namespaceAnnotations())) {
      return Selection.NONE;
    }
    List<Instrumentation> choosing = selecting.stream().filter(i -> chooses(i, pod.labels(), context))
        .sorted(order(context.namespace())).toList();
    if (choosing.isEmpty()) {
      return Selection.NONE;
    }
    Instrumentation chosen = choosing.get(0);
    String reference = Resolved.reference(chosen);
    StringBuilder why = new StringBuilder("chosen by spec.selector of ").append(key(chosen));
    if (choosing.size() > 1) {
      why.append(" (also by ").append(String.join(", ", choosing.subList(1, choosing.size()).stream().map(SelectorTargeting::key)
          .toList())).append(": ").append(chosen.getMetadata().getNamespace().equals(context.namespace())
          ? "it is in the pod's namespace" : "it is the oldest").append(')');
    }
    return detect(pod, chosen, why.toString(), reference);
  }

  /** Each container's language, as the chosen Instrumentation's selector allows. */
  private static Selection detect(PodJson pod, Instrumentation chosen, String why, String reference) {
    InstrumentationSelector selector = chosen.getSpec().getSelector();
    Set<Language> allowed = EnumSet.noneOf(Language.class);
    boolean sdk = false;
    if (selector.getLanguages() == null || selector.getLanguages().isEmpty()
        || selector.getLanguages().contains(SelectorLanguage.AUTO)) {
      allowed.addAll(LanguageDetection.DETECTABLE.values());
    } else {
      for (SelectorLanguage language : selector.getLanguages()) {
        if (language == SelectorLanguage.SDK) {
          sdk = true;
        } else {
          allowed.add(Language.valueOf(language.name()));
        }
      }
    }
    Map<Language, List<String>> containers = new LinkedHashMap<>();
    Map<Language, List<String>> reasons = new LinkedHashMap<>();
    List<String> alone = new ArrayList<>();
    for (PodContainer container : pod.containers()) {
      LanguageDetection.Detected detected = LanguageDetection.detect(container, selector.getImages());
      Language language = detected.language();
      String reason = container.name() + ": " + (language == null ? detected.reason()
          : language.key() + " (" + detected.reason() + ")");
      if (language != null && allowed.contains(language)) {
        containers.computeIfAbsent(language, l -> new ArrayList<>()).add(container.name());
        reasons.computeIfAbsent(language, l -> new ArrayList<>()).add(reason);
      } else if (language == null && sdk) {
        containers.computeIfAbsent(Language.SDK, l -> new ArrayList<>()).add(container.name());
        reasons.computeIfAbsent(Language.SDK, l -> new ArrayList<>()).add(reason + ", so the SDK's environment");
      } else {
        alone.add(language == null ? reason : reason + ", which spec.selector.languages does not list");
      }
    }
    Map<String, InjectionRequestValue.Selected> requests = new LinkedHashMap<>();
    containers.forEach((language, names) -> requests.put(language.key(), new InjectionRequestValue.Selected(
        chosen.getMetadata().getNamespace(), chosen.getMetadata().getName(), names,
        why + "; detected " + String.join("; ", reasons.get(language)))));
    List<InjectionOutcome> outcomes = alone.isEmpty() ? List.of() : List.of(InjectionOutcome.skipped(
        PodMutator.SELECTION, why + "; left alone: " + String.join("; ", alone), reference));
    return new Selection(requests, outcomes);
  }

  private static boolean asks(Map<String, String> annotations) {
    if (annotations == null || annotations.isEmpty()) {
      return false;
    }
    for (String key : LANGUAGE_ANNOTATIONS) {
      if (annotations.containsKey(key)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code instrumentation}'s selector chooses a pod labelled {@code labels} in {@code context}'s namespace. */
  public boolean chooses(Instrumentation instrumentation, Map<String, String> labels, PodContext context) {
    InstrumentationSelector selector = instrumentation.getSpec() == null ? null : instrumentation.getSpec().getSelector();
    if (selector == null) {
      return false;
    }
    String namespace = instrumentation.getMetadata().getNamespace();
    if (selector.getNamespaceSelector() != null) {
      if (!clusterWide(namespace) || !matches(selector.getNamespaceSelector(), context.namespaceLabels())) {
        return false;
      }
    } else if (!namespace.equals(context.namespace())) {
      return false;
    }
    return selector.getPodSelector() == null || matches(selector.getPodSelector(), labels);
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    return LabelSelectors.matches(PodJson.tree(selector), labels, true);
  }

  /** The pod's namespace's first, then the oldest, then by namespace and name. */
  private static Comparator<Instrumentation> order(String podNamespace) {
    return Comparator.comparing((Instrumentation i) -> !podNamespace.equals(i.getMetadata().getNamespace()))
        .thenComparing(i -> Objects.requireNonNullElse(i.getMetadata().getCreationTimestamp(), ""))
        .thenComparing(i -> i.getMetadata().getNamespace()).thenComparing(i -> i.getMetadata().getName());
  }

  /** {@code namespace/name}. */
  private static String key(Instrumentation instrumentation) {
    return instrumentation.getMetadata().getNamespace() + "/" + instrumentation.getMetadata().getName();
  }
}
