package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetTest {

  private static Instrumentation instrumentation(String namespace, String name, long generation) {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace(namespace);
    instrumentation.getMetadata().setName(name);
    instrumentation.getMetadata().setGeneration(generation);
    return instrumentation;
  }

  private static Pod pod(String namespace, String name, String owner, Map<String, String> annotations) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withAnnotations(annotations).endMetadata();
    if (owner != null) {
      pod.editMetadata().addToLabels("pod-template-hash", "5d8f7").addNewOwnerReference().withKind("ReplicaSet")
          .withName(owner + "-5d8f7").withController(true).endOwnerReference().endMetadata();
    }
    return pod.withNewSpec().addNewContainer().withName("app").withImage("shop/app:1").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build();
  }

  private static String outcome(String language, String status, String instrumentation) {
    return "{\"" + language + "\":{\"status\":\"" + status + "\",\"reason\":\"r\",\"instrumentation\":\"" + instrumentation
        + "\"}}";
  }

  @Test
  void podsAreInjectedStaleOrMissedPerLanguageWithTheirWorkloads() {
    Instrumentation java = instrumentation("shop", "java", 3);
    InstrumentationSource source = InstrumentationSource.of(List.of(java));
    List<Pod> pods = List.of(
        pod("shop", "checkout-1", "checkout", Map.of("instrumentor.dev/inject-java", "true",
            "instrumentor.dev/injection-status", outcome("java", "injected", "shop/java@3"))),
        pod("shop", "checkout-2", "checkout", Map.of("instrumentor.dev/inject-java", "true",
            "instrumentor.dev/injection-status", outcome("java", "injected", "shop/java@2"))),
        // created while the webhook was down: asked, no outcome
        pod("shop", "cart-1", "cart", Map.of("instrumentor.dev/inject-java", "java")),
        // upstream's key, skipped outcome (no Instrumentation then)
        pod("shop", "cart-2", "cart", Map.of("instrumentation.opentelemetry.io/inject-java", "true",
            "instrumentor.dev/injection-status", outcome("java", "skipped", ""))),
        pod("shop", "bare", null, Map.of("instrumentor.dev/inject-java", "true")),
        // declined, another Instrumentation, finished, terminating: not counted
        pod("shop", "declined", "cart", Map.of("instrumentor.dev/inject-java", "false")),
        pod("shop", "other", "cart", Map.of("instrumentor.dev/inject-java", "elsewhere/java")),
        new PodBuilder(pod("shop", "done", "cart", Map.of("instrumentor.dev/inject-java", "true"))).editStatus()
            .withPhase("Succeeded").endStatus().build(),
        new PodBuilder(pod("shop", "leaving", "cart", Map.of("instrumentor.dev/inject-java", "true"))).editMetadata()
            .withDeletionTimestamp("2026-11-30T10:00:00Z").endMetadata().build());
    Fleet.View view = Fleet.view(java, pods, namespace -> null, source);
    assertThat(view.languages().get("java")).containsExactly(1, 1, 3, 0);
    assertThat(view.total(Fleet.State.MISSED)).isEqualTo(3);
    assertThat(view.workloadPods()).extracting(w -> w.getKind() + " " + w.getName() + " " + w.getStale() + "/" + w.getMissed())
        .containsExactly("Deployment cart 0/2", "Deployment checkout 1/0", "Pod bare 0/1");
    assertThat(view.missedByWorkload()).containsEntry(new Fleet.Workload("Deployment", "shop", "cart"), 2)
        .containsEntry(new Fleet.Workload("Pod", "shop", "bare"), 1).hasSize(2);
    assertThat(view.mostMissed(1)).containsOnlyKeys(new Fleet.Workload("Deployment", "shop", "cart"));
    assertThat(new Fleet.Workload("Pod", "shop", "bare").restartable()).isFalse();
    assertThat(new Fleet.Workload("Job", "shop", "x").restartable()).isFalse();
    // the pod naming an Instrumentation that does not exist is the namespace's unresolved one
    assertThat(view.unresolvedTotal()).isEqualTo(1);
    assertThat(view.unresolvedPods()).extracting(u -> u.getLanguage() + " " + u.getReason() + " " + u.getPods() + " "
        + u.getMessage()).containsExactly("java NotFound 1 Instrumentation elsewhere/java not found");
  }

  @Test
  void requestsThatResolveToNothingAreCountedWithTheirReason() {
    Instrumentation a = instrumentation("shop", "a", 1);
    Instrumentation b = instrumentation("shop", "b", 1);
    List<Pod> pods = List.of(
        pod("shop", "web-1", "web", Map.of("instrumentor.dev/inject-python", "true")),
        pod("shop", "web-2", "web", Map.of("instrumentor.dev/inject-python", "true")),
        pod("shop", "typo", null, Map.of("instrumentor.dev/inject-java", "yes please")),
        pod("shop", "named", null, Map.of("instrumentor.dev/inject-java", "a")),
        pod("empty", "lonely", null, Map.of("instrumentation.opentelemetry.io/inject-nodejs", "true")));
    InstrumentationSource two = InstrumentationSource.of(List.of(a, b));
    assertThat(Fleet.unresolved(pods, namespace -> null, two)).containsExactly(
        Map.entry(new Fleet.Unresolved("empty", "nodejs", Fleet.Reason.NO_INSTRUMENTATION, null), 1),
        Map.entry(new Fleet.Unresolved("shop", "java", Fleet.Reason.INVALID_VALUE, null), 1),
        Map.entry(new Fleet.Unresolved("shop", "python", Fleet.Reason.AMBIGUOUS, null), 2));
    Fleet.View ofA = Fleet.view(a, pods, namespace -> null, two);
    assertThat(ofA.languages().get("java")).containsExactly(0, 0, 1, 0);
    assertThat(ofA.unresolvedPods()).extracting(u -> u.getLanguage() + " " + u.getReason() + " " + u.getPods() + " "
        + u.getMessage()).containsExactly(
            "python Ambiguous 2 2 Instrumentations in namespace shop (a, b): name one in the annotation instead of \"true\"",
            "java InvalidValue 1 instrumentor.dev/inject-java on the pod is \"yes please\": use \"true\", \"false\","
                + " \"<name>\" or \"<namespace>/<name>\"");
    // b deleted: "true" is a's again, and nothing is unresolved but the typo
    Fleet.View alone = Fleet.view(a, pods, namespace -> null, InstrumentationSource.of(List.of(a)));
    assertThat(alone.languages().get("python")).containsExactly(0, 0, 2, 0);
    assertThat(alone.unresolvedTotal()).isEqualTo(1);
  }

  @Test
  void theNamespacesAnnotationAsksAndTrueNeedsASingleInstrumentation() {
    Instrumentation java = instrumentation("shop", "java", 1);
    Pod plain = pod("shop", "p", "web", Map.of());
    Map<String, Map<String, String>> namespaces = new HashMap<>();
    namespaces.put("shop", Map.of("instrumentor.dev/inject-java", "true"));
    assertThat(Fleet.view(java, List.of(plain), namespaces::get, InstrumentationSource.of(List.of(java)))
        .languages().get("java")).containsExactly(0, 0, 1, 0);
    // two Instrumentations in the namespace: "true" names none of them (the webhook skips such a pod too)
    assertThat(Fleet.requests(plain, namespaces.get("shop"), InstrumentationSource.of(List.of(java,
        instrumentation("shop", "other", 1))))).isEmpty();
  }

  @Test
  void podsASelectorChoseCountAsTheChoosingInstrumentationsAndAnAnnotationStillWins() {
    Instrumentation shop = instrumentation("shop", "shop", 2);
    InstrumentationSource source = InstrumentationSource.of(List.of(shop));
    String chosen = "{\"python\":{\"status\":\"injected\",\"instrumentation\":\"shop/shop@2\",\"requestedWith\":"
        + "\"spec.selector\"},\"selector\":{\"status\":\"skipped\",\"instrumentation\":\"shop/shop@2\"}}";
    String older = chosen.replace("shop/shop@2", "shop/shop@1");
    List<Pod> pods = List.of(pod("shop", "web-1", "web", Map.of("instrumentor.dev/injection-status", chosen)),
        pod("shop", "web-2", "web", Map.of("instrumentor.dev/injection-status", older)),
        // an outcome without spec.selector is not a request: the pod asked for nothing
        pod("shop", "cart-1", "cart", Map.of("instrumentor.dev/injection-status",
            chosen.replace(",\"requestedWith\":\"spec.selector\"", ""))));
    Fleet.View view = Fleet.view(shop, pods, namespace -> null, source);
    assertThat(view.languages()).containsOnlyKeys("python");
    assertThat(view.languages().get("python")).as("injected, stale, missed, rolled back").containsExactly(1, 1, 0, 0);
    assertThat(Fleet.requests(pods.get(0), null, source)).containsExactly(Map.entry("python", "shop/shop"));
  }

  @Test
  void theCacheKeepsOnlyWhatTheViewReads() {
    Pod pod = pod("shop", "checkout-1", "checkout", Map.of("instrumentor.dev/inject-java", "true",
        "kubectl.kubernetes.io/last-applied-configuration", "{\"huge\":true}"));
    Pod slim = Fleet.slim(pod);
    assertThat(slim.getSpec()).isNull();
    assertThat(slim.getMetadata().getAnnotations()).containsOnlyKeys("instrumentor.dev/inject-java");
    assertThat(slim.getMetadata().getLabels()).containsOnlyKeys("pod-template-hash");
    assertThat(slim.getStatus().getPhase()).isEqualTo("Running");
    assertThat(Fleet.workload(slim)).isEqualTo(new Fleet.Workload("Deployment", "shop", "checkout"));
  }

  @Test
  void aPodWithoutOurAnnotationsKeepsAnEmptyMapForTheInformersEventFilter() {
    Pod slim = Fleet.slim(pod("shop", "plain-1", "plain", Map.of("kubectl.kubernetes.io/restartedAt", "now")));
    // JOSDK's InformerEventSource reads getAnnotations().get("javaoperatorsdk.io/previous") on every event
    assertThat(slim.getMetadata().getAnnotations()).isNotNull().isEmpty();
    assertThat(slim.getMetadata().getAnnotations().get("javaoperatorsdk.io/previous")).isNull();
  }

  @Test
  void podsLeftWithoutTheAgentByARollbackAreCountedApartUntilANewGenerationMakesThemMissed() {
    Instrumentation java = instrumentation("shop", "java", 3);
    InstrumentationSource source = InstrumentationSource.of(List.of(java));
    List<Pod> pods = List.of(
        pod("shop", "cart-1", "cart", Map.of("instrumentor.dev/inject-java", "true",
            "instrumentor.dev/injection-status", outcome("java", "rolled-back", "shop/java@3"))),
        pod("shop", "cart-2", "cart", Map.of("instrumentor.dev/inject-java", "true",
            "instrumentor.dev/injection-status", outcome("java", "rolled-back", "shop/java@2"))));
    Fleet.View view = Fleet.view(java, pods, namespace -> null, source);
    assertThat(view.languages().get("java")).as("injected, stale, missed, rolled back").containsExactly(0, 0, 1, 1);
    assertThat(view.missedByWorkload()).as("only the older generation's is missed (a restart retries it)")
        .containsExactly(Map.entry(new Fleet.Workload("Deployment", "shop", "cart"), 1));
    assertThat(view.languagePods()).singleElement().satisfies(p -> assertThat(p.getRolledBack()).isEqualTo(1));
    assertThat(view.troubled()).isEmpty();
  }
}
