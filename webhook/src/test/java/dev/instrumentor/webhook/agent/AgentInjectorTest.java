package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.Injector;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodEdits;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every language's injection does alike, shown with Java: which Instrumentation a pod's annotation
 * resolves to, which containers are targets, collisions with what the pod already has, idempotence, and
 * what is never blocked.
 */
class AgentInjectorTest extends InjectionTestBase {

  @Test
  void leavesTheInputPodUntouched() {
    java();
    Pod pod = deploymentPod("checkout");
    Pod before = new PodBuilder(pod).build();

    mutate(pod);

    assertThat(pod).isEqualTo(before);
  }

  @Test
  void injectingTwiceChangesNothingTheSecondTime() {
    java();
    Pod once = mutate(deploymentPod("checkout")).pod();

    PodMutator.Result again = mutate(once);

    assertThat(again.changed()).isFalse();
    assertThat(again.pod()).isSameAs(once);
    assertThat(again.outcomes()).isEmpty();
  }

  @Test
  void skippedPodsAreAlsoStableUnderReinvocation() {
    Pod once = mutate(deploymentPod("checkout")).pod(); // no Instrumentation: skipped
    PodMutator.Result again = mutate(once);
    assertThat(again.changed()).isFalse();
    assertThat(again.pod()).isSameAs(once);
  }

  @Test
  void podsThatDoNotAskAreNotTouched() {
    java();
    Pod pod = deploymentPod("checkout", Map.of()).build();

    PodMutator.Result result = mutate(pod);

    assertThat(result.changed()).isFalse();
    assertThat(result.pod()).isSameAs(pod);
    assertThat(result.outcomes()).isEmpty();
  }

  @Test
  void trueWithNoInstrumentationIsSkippedWithTheReasonAndAWarning() {
    Pod pod = deploymentPod("checkout");

    PodMutator.Result result = mutate(pod);

    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).isEqualTo(
          "no Instrumentation in namespace demo: create one, or name one in the annotation as <namespace>/<name>");
    });
    assertThat(result.warnings()).containsExactly("instrumentor: java skipped: no Instrumentation in namespace demo:"
        + " create one, or name one in the annotation as <namespace>/<name>");
    assertThat(result.pod().getSpec()).isEqualTo(pod.getSpec());
    assertThat(result.pod().getMetadata().getAnnotations().get("instrumentor.dev/injection-status"))
        .startsWith("{\"java\":{\"status\":\"skipped\",\"reason\":\"no Instrumentation in namespace demo");
  }

  @Test
  void trueWithSeveralInstrumentationsIsSkippedNamingThem() {
    java();
    instrumentations.add(instrumentation("demo", "java-debug", "http://debug:4318"));

    PodMutator.Result result = mutate(deploymentPod("checkout"));

    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).isEqualTo(
          "2 Instrumentations in namespace demo (java, java-debug): name one in the annotation instead of \"true\"");
    });
  }

  @Test
  void aNamedInstrumentationIsUsedEvenAmongSeveral() {
    java();
    instrumentations.add(instrumentation("demo", "java-debug", "http://debug:4318"));
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "java-debug")).build();

    PodMutator.Result result = mutate(pod);

    assertThat(result.outcomes().get(0).instrumentation()).isEqualTo("demo/java-debug@1");
    assertThat(env(container(result.pod(), "app")))
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://debug:4318")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
  }

  @Test
  void aCrossNamespaceInstrumentation() {
    instrumentations.add(instrumentation("observability", "shared", "http://gateway.observability:4318"));
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "observability/shared")).build();

    PodMutator.Result result = mutate(pod);

    assertThat(result.outcomes().get(0).status()).isEqualTo(Status.INJECTED);
    assertThat(result.outcomes().get(0).instrumentation()).isEqualTo("observability/shared@1");
    // resource attributes describe where the pod runs, not where the Instrumentation lives
    assertThat(env(container(result.pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES")).startsWith("k8s.namespace.name=demo,");
  }

  @Test
  void aMissingNamedInstrumentationIsSkipped() {
    java();
    PodMutator.Result result = mutate(deploymentPod("checkout", Map.of(INJECT, "nope")).build());
    assertThat(result.outcomes()).singleElement()
        .isEqualTo(InjectionOutcome.skipped("java", "Instrumentation demo/nope not found", null));
  }

  @Test
  void namespaceAnnotationAsksForEveryPod() {
    java();
    PodMutator.Result result = mutate(deploymentPod("checkout", Map.of()).build(), Map.of(INJECT, "true"));
    assertThat(result.outcomes()).singleElement().extracting(InjectionOutcome::status).isEqualTo(Status.INJECTED);
  }

  @Test
  void podFalseUnderANamespaceTrueIsDisabledWithoutWarning() {
    java();
    PodMutator.Result result = mutate(deploymentPod("checkout", Map.of(INJECT, "false")).build(), Map.of(INJECT, "true"));
    assertThat(result.outcomes()).containsExactly(
        InjectionOutcome.disabled("java", "instrumentor.dev/inject-java is \"false\" on the pod"));
    assertThat(result.warnings()).isEmpty();
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
  }

  @Test
  void podTrueUnderANamespaceNamingOneUsesTheNamedOne() {
    java();
    instrumentations.add(instrumentation("demo", "java-debug", "http://debug:4318"));
    PodMutator.Result result = mutate(deploymentPod("checkout"), Map.of(INJECT, "java-debug"));
    assertThat(result.outcomes().get(0).instrumentation()).isEqualTo("demo/java-debug@1");
  }

  @Test
  void anInvalidValueIsSkippedWithTheAllowedForms() {
    java();
    PodMutator.Result result = mutate(deploymentPod("checkout", Map.of(INJECT, "Yes!")).build());
    assertThat(result.warnings()).containsExactly("instrumentor: java skipped: instrumentor.dev/inject-java on the pod"
        + " is \"Yes!\": use \"true\", \"false\", \"<name>\" or \"<namespace>/<name>\"");
  }

  @Test
  void containerNamesSelectsSeveralContainers() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true", "instrumentor.dev/container-names", "app, worker"));

    PodMutator.Result result = mutate(pod);

    assertThat(result.outcomes().get(0).containers()).containsExactly("app", "worker");
    assertThat(env(container(result.pod(), "worker")))
        .containsEntry("JAVA_TOOL_OPTIONS", "-javaagent:/instrumentor/java/javaagent.jar")
        .containsEntry("OTEL_SERVICE_NAME", "checkout");
    assertThat(env(container(result.pod(), "worker")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .contains("k8s.container.name=worker", "service.instance.id=demo.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).worker",
            "service.version=2.0");
    assertThat(result.pod().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("migrate", "instrumentor-java-agent");
  }

  @Test
  void anInitContainerCanBeATargetAndTheAgentIsCopiedBeforeIt() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true", "instrumentor.dev/java-container-names", "migrate"));

    PodMutator.Result result = mutate(pod);

    assertThat(result.pod().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("instrumentor-java-agent", "migrate");
    assertThat(env(container(result.pod(), "migrate"))).containsKey("JAVA_TOOL_OPTIONS");
    assertThat(container(result.pod(), "app").getVolumeMounts()).isNullOrEmpty();
  }

  @Test
  void unknownContainerNamesSkipTheWholePod() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true", "instrumentor.dev/container-names", "app,web"));

    PodMutator.Result result = mutate(pod);

    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).isEqualTo(
          "container(s) web named by instrumentor.dev/container-names on the pod not found: the pod has app,worker,migrate");
      assertThat(o.instrumentation()).isEqualTo("demo/java@1");
    });
    assertThat(result.pod().getSpec()).isEqualTo(pod.getSpec());
  }

  @Test
  void containerNamesOnTheNamespaceApplyWhenThePodHasNone() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true"));
    PodMutator.Result result = mutate(pod, Map.of("instrumentor.dev/container-names", "worker"));
    assertThat(result.outcomes().get(0).containers()).containsExactly("worker");
  }

  // ---- names and paths the pod already uses

  @Test
  void aUserVolumeNamedLikeOursIsACollisionNotAnInjection() {
    java();
    Pod pod = new PodBuilder(deploymentPod("checkout")).editSpec().addNewVolume().withName("instrumentor-java-agent")
        .withNewEmptyDir().endEmptyDir().endVolume().endSpec().build();
    PodMutator.Result result = mutate(pod);
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.reason()).contains("volume named instrumentor-java-agent that Instrumentor did not add");
    });
  }

  /** Found by the hostile-pod corpus on the real API server: containers and init containers share their names. */
  @Test
  void aContainerNamedLikeOurInitContainerIsACollisionNotAnInjection() {
    java();
    Pod pod = new PodBuilder(deploymentPod("checkout")).editSpec().addNewContainer().withName("instrumentor-java-agent")
        .withImage("busybox").endContainer().endSpec().build();
    PodMutator.Result result = mutate(pod);
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.reason()).contains("a container named instrumentor-java-agent that Instrumentor did not add");
    });
  }

  /**
   * Found by the hostile-pod corpus: our volume and init container without our status annotation are
   * the user's (a hand-made or copied spec), reported as a collision, not silently taken as injected.
   */
  @Test
  void ourNamesWithoutOurStatusAreACollisionAndWithItAnInjectionAlreadyDone() {
    java();
    Pod lookalike = new PodBuilder(deploymentPod("checkout")).editSpec()
        .addNewVolume().withName("instrumentor-java-agent").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("instrumentor-java-agent").withImage("busybox").endInitContainer().endSpec().build();
    assertThat(mutate(lookalike).outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.reason()).contains("that Instrumentor did not add");
    });

    Pod injected = mutate(deploymentPod("checkout")).pod();
    PodMutator.Result again = mutate(injected);
    assertThat(again.changed()).isFalse();
    assertThat(again.outcomes()).isEmpty();
  }

  @Test
  void aContainerThatAlreadyMountsSomethingAtTheAgentsPathIsSkipped() {
    java();
    Pod pod = podWith(new ContainerBuilder().withName("app").withImage("shop/checkout:1")
        .addNewVolumeMount().withName("tools").withMountPath("/instrumentor/java").endVolumeMount().build());
    pod.getSpec().getVolumes().add(new VolumeBuilder().withName("tools").withNewEmptyDir().endEmptyDir().build());
    PodMutator.Result result = mutate(pod);
    assertThat(result.changed()).as("only the status annotation").isTrue();
    assertThat(container(result.pod(), "app").getVolumeMounts()).singleElement()
        .satisfies(mount -> assertThat(mount.getName()).isEqualTo("tools"));
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.reason()).isEqualTo(
          "container app already mounts volume tools at /instrumentor/java, where the agent goes");
    });
  }

  @Test
  void aPodInjectedBeforeIsLeftAlone() {
    java();
    Pod once = mutate(deploymentPod("checkout")).pod();
    PodMutator.Result again = mutate(once);
    assertThat(again.changed()).isFalse();
    assertThat(again.outcomes()).isEmpty();
  }

  @Test
  void aPodNamingThousandsOfContainersGetsAnErrorOutcomeNotAHugePatch() {
    java();
    List<Container> containers = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      containers.add(new ContainerBuilder().withName("c" + i).withImage("busybox").build());
      names.add("c" + i);
    }
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true", "instrumentor.dev/container-names", String.join(",", names)))
        .editSpec().withContainers(containers).endSpec().build();
    PodMutator.Result result = mutate(pod);
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.ERROR);
      assertThat(outcome.reason()).startsWith("2000 containers asked to be instrumented; at most 32 per pod");
    });
    assertThat(result.operations()).as("only the status annotation and the instrumented label").hasSize(2);
    assertThat(result.pod().getMetadata().getLabels()).containsEntry("instrumentor.dev/instrumented", "false");
    assertThat(result.warnings()).singleElement().asString().contains("at most 32");
  }

  // ---- pods the agents cannot run in

  @ParameterizedTest
  @CsvSource({"os", "nodeSelector"})
  void windowsPodsAreSkippedWithTheReason(String how) {
    java();
    PodBuilder pod = new PodBuilder(deploymentPod("checkout"));
    Pod windows = how.equals("os") ? pod.editSpec().withNewOs("windows").endSpec().build()
        : pod.editSpec().addToNodeSelector("kubernetes.io/os", "windows").endSpec().build();
    PodMutator.Result result = mutate(windows);
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.reason()).startsWith("Windows pods are not instrumented");
    });
    assertThat(result.warnings()).singleElement().asString().contains("Windows");
  }

  // ---- fail open

  @Test
  void anInternalErrorAdmitsThePodUnchangedWithAnErrorOutcome() {
    Injector broken = new Injector() {
      @Override
      public String name() {
        return "java";
      }

      @Override
      public String annotation() {
        return INJECT;
      }

      @Override
      public boolean alreadyInjected(PodJson pod) {
        return false;
      }

      @Override
      public InjectionOutcome inject(PodJson pod, PodContext context, InjectionRequestValue request, PodEdits edits) {
        edits.addVolumes(List.of(PodJson.tree(new VolumeBuilder().withName("half-done").build())));
        edits.insertInitContainers(0, List.of(PodJson.tree(new ContainerBuilder().withName("half-done").build())));
        throw new IllegalStateException("boom"); // the edits recorded so far must not leak
      }
    };
    Pod pod = deploymentPod("checkout");

    PodMutator.Result result = new PodMutator(List.of(broken)).mutate(pod, PodContext.forPod(pod, "demo", Map.of()));

    assertThat(result.pod().getSpec()).isEqualTo(pod.getSpec());
    assertThat(result.patch().toString()).doesNotContain("half-done");
    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.ERROR);
      assertThat(o.reason()).isEqualTo("internal error: java.lang.IllegalStateException: boom");
    });
    assertThat(result.warnings()).hasSize(1);
  }

  @Test
  void aPodWithoutContainersIsSkipped() {
    java();
    Pod pod = new PodBuilder().withNewMetadata().withName("empty").addToAnnotations(INJECT, "true").endMetadata()
        .withNewSpec().endSpec().build();
    assertThat(mutate(pod).outcomes()).singleElement()
        .isEqualTo(InjectionOutcome.skipped("java", "the pod has no containers", "demo/java@1"));
  }

  @Test
  void aNewVersionOfTheInstrumentationIsUsedAtOnce() {
    // what an Instrumentation contributes is built once per version: the informer hands out a new object
    AtomicReference<Instrumentation> current = new AtomicReference<>(instrumentation("demo", "java", "http://old:4318"));
    InstrumentationSource source = new InstrumentationSource() {
      @Override
      public List<Instrumentation> list(String namespace) {
        return List.of(current.get());
      }

      @Override
      public Optional<Instrumentation> get(String namespace, String name) {
        return Optional.of(current.get());
      }
    };
    PodMutator mutator = Fixtures.javaMutator(source, InjectorSettings.defaults());
    Pod pod = deploymentPod("checkout");
    Pod first = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of())).pod();
    Instrumentation next = instrumentation("demo", "java", "http://new:4318");
    JavaSpec java = new JavaSpec();
    java.setImage("registry.example.com/agent:9");
    next.getSpec().setJava(java);
    current.set(next);
    Pod second = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of())).pod();
    Pod again = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of())).pod();

    assertThat(again).as("the shared values are not changed by a request").isEqualTo(second);
    assertThat(env(container(first, "app"))).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://old:4318");
    assertThat(env(container(second, "app"))).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://new:4318");
    assertThat(second.getSpec().getInitContainers().get(0).getImage()).isEqualTo("registry.example.com/agent:9");
    assertThat(first.getSpec().getInitContainers().get(0).getImage()).isEqualTo(AgentImages.DEFAULT_JAVA);
  }

  @Test
  void otherContainersAreLeftAlone() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true"));
    Pod mutated = mutate(pod).pod();
    assertThat(container(mutated, "worker")).isEqualTo(container(pod, "worker"));
    assertThat(container(mutated, "migrate")).isEqualTo(container(pod, "migrate"));
  }

  @Test
  void existingVolumesAndInitContainersArePreserved() {
    java();
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true")).editSpec()
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .addToInitContainers(new ContainerBuilder().withName("wait").withImage("busybox").build())
        .endSpec().build();
    Pod mutated = mutate(pod).pod();
    assertThat(mutated.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("data", "instrumentor-java-agent");
    assertThat(mutated.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("wait", "instrumentor-java-agent");
  }
}
