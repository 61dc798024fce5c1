package dev.instrumentor.webhook.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSelector;
import dev.instrumentor.api.v1alpha1.SelectorLanguage;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectorTargetingTest {

  private static final Container JAVA = new ContainerBuilder().withName("cart").withImage("eclipse-temurin:21-jre").build();
  private static final Container PYTHON = new ContainerBuilder().withName("web").withImage("registry.example.com/shop/web:3")
      .withCommand("gunicorn", "shop.wsgi").build();
  private static final Container NODE = new ContainerBuilder().withName("front").withImage("node:22-slim").build();
  private static final Container REDIS = new ContainerBuilder().withName("cache").withImage("redis:7.2").build();

  private static Instrumentation selecting(String namespace, String name, InstrumentationSelector selector) {
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, name, "http://collector.observability:4318");
    instrumentation.getMetadata().setCreationTimestamp("2026-12-01T00:00:0" + name.length() + "Z");
    instrumentation.getSpec().setSelector(selector);
    return instrumentation;
  }

  private static InstrumentationSelector podSelector(String key, String value) {
    InstrumentationSelector selector = new InstrumentationSelector();
    selector.setPodSelector(new LabelSelectorBuilder().addToMatchLabels(key, value).build());
    return selector;
  }

  private static Pod pod(String namespace, Map<String, String> labels, Map<String, String> annotations, Container... containers) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withGenerateName("shop-").withLabels(labels)
        .withAnnotations(annotations).endMetadata().withNewSpec().withContainers(containers).endSpec().build();
  }

  private static PodMutator.Result mutate(List<Instrumentation> instrumentations, Set<String> clusterNamespaces, Pod pod,
      Map<String, String> namespaceLabels) {
    PodMutator mutator = Agents.mutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults(),
        clusterNamespaces);
    PodJson json = PodJson.of(PodJson.tree(pod));
    return mutator.mutate(json, PodContext.forPod(json, pod.getMetadata().getNamespace(), Map.of(), namespaceLabels));
  }

  private static Map<String, InjectionOutcome> byLanguage(PodMutator.Result result) {
    return result.outcomes().stream().collect(java.util.stream.Collectors.toMap(InjectionOutcome::language, o -> o));
  }

  @Test
  void anUnannotatedPodChosenByLabelGetsEachContainersLanguageAndTheRedisIsLeftAlone() {
    PodMutator.Result result = mutate(List.of(selecting("shop", "everything", podSelector("team", "shop"))), Set.of(),
        pod("shop", Map.of("team", "shop"), Map.of(), JAVA, PYTHON, NODE, REDIS), Map.of());
    Map<String, InjectionOutcome> outcomes = byLanguage(result);
    assertThat(outcomes.get("java").status()).isEqualTo(InjectionOutcome.Status.INJECTED);
    assertThat(outcomes.get("java").containers()).containsExactly("cart");
    assertThat(outcomes.get("java").reason()).contains("chosen by spec.selector of shop/everything")
        .contains("cart: java (its image is eclipse-temurin:21-jre)");
    assertThat(outcomes.get("java").requestedWith()).isEqualTo("spec.selector");
    assertThat(outcomes.get("python").containers()).containsExactly("web");
    assertThat(outcomes.get("python").reason()).contains("web: python (its command starts gunicorn)");
    assertThat(outcomes.get("nodejs").containers()).containsExactly("front");
    assertThat(outcomes.get("selector").status()).isEqualTo(InjectionOutcome.Status.SKIPPED);
    assertThat(outcomes.get("selector").reason()).contains("cache: neither its image redis:7.2");
    Pod mutated = result.pod();
    assertThat(mutated.getMetadata().getLabels()).containsEntry(InstrumentorAnnotations.INSTRUMENTED_LABEL, "java_nodejs_python");
    Container cache = mutated.getSpec().getContainers().get(3);
    assertThat(cache).as("the redis container untouched").isEqualTo(REDIS);
    assertThat(mutated.getSpec().getContainers().get(0).getEnv()).anyMatch(var -> var.getName().equals("JAVA_TOOL_OPTIONS"));
    assertThat(mutated.getSpec().getContainers().get(1).getEnv()).anyMatch(var -> var.getName().equals("PYTHONPATH"));
    assertThat(mutated.getSpec().getContainers().get(2).getEnv()).anyMatch(var -> var.getName().equals("NODE_OPTIONS"));
    PodMutator.Result again = mutate(List.of(selecting("shop", "everything", podSelector("team", "shop"))), Set.of(),
        mutated, Map.of());
    assertThat(again.changed()).as("a reinvocation changes nothing").isFalse();
  }

  @Test
  void annotationsWinTheOptOutLabelKeepsThePodOutAndOtherPodsAreNotChosen() {
    List<Instrumentation> instrumentations = List.of(selecting("shop", "everything", podSelector("team", "shop")),
        Fixtures.instrumentation("shop", "annotated", "http://collector:4318"));
    PodMutator.Result annotated = mutate(instrumentations, Set.of(), pod("shop", Map.of("team", "shop"),
        Map.of(InstrumentorAnnotations.INJECT_PYTHON, "annotated"), JAVA, PYTHON), Map.of());
    assertThat(annotated.outcomes()).extracting(InjectionOutcome::language).containsExactly("python");
    assertThat(annotated.outcomes().get(0).instrumentation()).startsWith("shop/annotated");
    assertThat(annotated.outcomes().get(0).containers()).as("the annotation's default target").containsExactly("cart");
    PodMutator.Result declined = mutate(instrumentations, Set.of(), pod("shop", Map.of("team", "shop"),
        Map.of(InstrumentorAnnotations.INJECT_JAVA, "false"), JAVA), Map.of());
    assertThat(declined.outcomes()).extracting(InjectionOutcome::status).containsExactly(InjectionOutcome.Status.DISABLED);
    assertThat(declined.pod().getMetadata().getLabels()).containsEntry(InstrumentorAnnotations.INSTRUMENTED_LABEL, "false");
    PodMutator.Result optedOut = mutate(instrumentations, Set.of(), pod("shop",
        Map.of("team", "shop", InstrumentorAnnotations.INJECT_LABEL, "false"), Map.of(), JAVA), Map.of());
    assertThat(optedOut.changed()).isFalse();
    assertThat(optedOut.outcomes()).isEmpty();
    PodMutator.Result other = mutate(instrumentations, Set.of(), pod("shop", Map.of("team", "billing"), Map.of(), JAVA),
        Map.of());
    assertThat(other.changed()).isFalse();
    PodMutator.Result elsewhere = mutate(instrumentations, Set.of(), pod("billing", Map.of("team", "shop"), Map.of(), JAVA),
        Map.of());
    assertThat(elsewhere.changed()).as("a podSelector chooses in its own namespace only").isFalse();
  }

  @Test
  void aNamespaceSelectorChoosesOtherNamespacesOnlyFromAnAllowedNamespace() {
    InstrumentationSelector selector = new InstrumentationSelector();
    selector.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("instrument", "yes").build());
    List<Instrumentation> instrumentations = List.of(selecting("platform", "cluster", selector));
    Pod pod = pod("shop", Map.of(), Map.of(), JAVA);
    assertThat(byLanguage(mutate(instrumentations, Set.of("platform"), pod, Map.of("instrument", "yes"))).get("java")
        .status()).isEqualTo(InjectionOutcome.Status.INJECTED);
    assertThat(mutate(instrumentations, Set.of("platform"), pod, Map.of("instrument", "no")).changed()).isFalse();
    assertThat(mutate(instrumentations, Set.of("instrumentor"), pod, Map.of("instrument", "yes")).changed())
        .as("a tenant's Instrumentation cannot choose another's pods").isFalse();
    assertThat(mutate(instrumentations, Set.of("*"), pod, Map.of("instrument", "yes")).changed()).isTrue();
  }

  @Test
  void ofSeveralThatChooseOneThePodsNamespacesWinsThenTheOldestAndTheOutcomeNamesTheOthers() {
    InstrumentationSelector cluster = new InstrumentationSelector();
    cluster.setNamespaceSelector(new LabelSelectorBuilder().build());
    List<Instrumentation> instrumentations = List.of(selecting("platform", "cluster-wide", cluster),
        selecting("shop", "b", podSelector("team", "shop")), selecting("shop", "aa", podSelector("team", "shop")));
    InjectionOutcome java = byLanguage(mutate(instrumentations, Set.of("platform"), pod("shop", Map.of("team", "shop"),
        Map.of(), JAVA), Map.of())).get("java");
    assertThat(java.instrumentation()).as("the pod's namespace's, the oldest of them").startsWith("shop/b");
    assertThat(java.reason()).contains("also by shop/aa, platform/cluster-wide: it is in the pod's namespace");
  }

  @Test
  void aListOfLanguagesLimitsWhatIsInjectedAndSdkCoversTheUndetected() {
    InstrumentationSelector selector = podSelector("team", "shop");
    selector.setLanguages(List.of(SelectorLanguage.PYTHON, SelectorLanguage.SDK));
    Map<String, InjectionOutcome> outcomes = byLanguage(mutate(List.of(selecting("shop", "some", selector)), Set.of(),
        pod("shop", Map.of("team", "shop"), Map.of(), JAVA, PYTHON, REDIS), Map.of()));
    assertThat(outcomes).containsOnlyKeys("python", "sdk", "selector");
    assertThat(outcomes.get("sdk").containers()).containsExactly("cache");
    assertThat(outcomes.get("selector").reason()).contains("cart: java (its image is eclipse-temurin:21-jre), which"
        + " spec.selector.languages does not list");
  }
}
