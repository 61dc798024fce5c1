package dev.instrumentor.webhook.inject;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.instrumentor.api.v1alpha1.ExporterProtocol;
import dev.instrumentor.api.v1alpha1.Extension;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import dev.instrumentor.api.v1alpha1.Propagator;
import dev.instrumentor.api.v1alpha1.PullPolicy;
import dev.instrumentor.api.v1alpha1.Resource;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.api.v1alpha1.Tls;
import dev.instrumentor.webhook.inject.InjectionOutcome.Status;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JavaInjectionTest {

  private static final String INJECT = "instrumentor.dev/inject-java";
  private final List<Instrumentation> instrumentations = new ArrayList<>();

  private Instrumentation java() {
    Instrumentation java = instrumentation("demo", "java", "http://collector.observability:4317");
    instrumentations.add(java);
    return java;
  }

  private PodMutator.Result mutate(Pod pod) {
    return mutate(pod, Map.of());
  }

  private PodMutator.Result mutate(Pod pod, Map<String, String> namespaceAnnotations) {
    PodMutator mutator = PodMutator.forJava(InstrumentationSource.of(instrumentations), InjectorSettings.defaults());
    PodMutator.Result result = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", namespaceAnnotations));
    assertEveryReferenceDefinedBeforeUse(result.pod());
    return result;
  }

  /** A Deployment's pod that asks for Java, with {@code app} as its only container. */
  private static Pod podWith(Container app) {
    return deploymentPod("checkout", Map.of(INJECT, "true")).editSpec().withContainers(app).endSpec().build();
  }

  private static Container container(Pod pod, String name) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    return all.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      assertThat(env).as("%s defined twice in %s", var.getName(), container.getName()).doesNotContainKey(var.getName());
      env.put(var.getName(), var.getValue() != null ? var.getValue()
          : var.getValueFrom().getFieldRef() != null ? "fieldRef:" + var.getValueFrom().getFieldRef().getFieldPath()
          : "valueFrom");
    }
    return env;
  }

  private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)"); // $$( is an escaped $

  /** Kubernetes expands $(VAR) only when VAR is defined earlier in the same container. */
  private static void assertEveryReferenceDefinedBeforeUse(Pod pod) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container container : all) {
      Set<String> defined = new HashSet<>();
      for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
        if (var.getValue() != null) {
          Matcher m = REFERENCE.matcher(var.getValue());
          while (m.find()) {
            if (m.group(1).startsWith("OTEL_") || m.group(1).startsWith("INSTRUMENTOR_")) {
              assertThat(defined).as("%s uses $(%s) in %s", var.getName(), m.group(1), container.getName())
                  .contains(m.group(1));
            }
          }
        }
        defined.add(var.getName());
      }
    }
  }

  @Test
  void injectsTheAgentIntoTheFirstContainerOfADeploymentPod() {
    java();
    Pod pod = deploymentPod("checkout");

    PodMutator.Result result = mutate(pod);

    assertThat(result.changed()).isTrue();
    assertThat(result.outcomes()).containsExactly(
        InjectionOutcome.injected("java", "Java agent attached", "demo/java@1", List.of("app")));
    assertThat(result.warnings()).isEmpty();
    Pod mutated = result.pod();

    Volume volume = mutated.getSpec().getVolumes().get(0);
    assertThat(volume.getName()).isEqualTo("instrumentor-java-agent");
    assertThat(volume.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("200Mi"));

    Container init = mutated.getSpec().getInitContainers().get(0);
    assertThat(mutated.getSpec().getInitContainers()).hasSize(1);
    assertThat(init.getName()).isEqualTo("instrumentor-java-agent");
    assertThat(init.getImage()).isEqualTo(AgentImages.DEFAULT_JAVA);
    assertThat(init.getCommand()).containsExactly("cp", "/javaagent.jar", "/instrumentor/java/javaagent.jar");
    assertThat(init.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("instrumentor-java-agent");
      assertThat(m.getMountPath()).isEqualTo("/instrumentor/java");
      assertThat(m.getReadOnly()).isNull();
    });
    assertThat(init.getResources().getRequests()).containsExactly(
        entry("cpu", new Quantity("50m")), entry("memory", new Quantity("64Mi")));
    assertThat(init.getResources().getLimits()).containsExactly(
        entry("cpu", new Quantity("500m")), entry("memory", new Quantity("256Mi")));
    assertThat(init.getSecurityContext()).isEqualTo(new SecurityContextBuilder()
        .withRunAsNonRoot(true).withRunAsUser(65532L).withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build());
    assertThat(init.getImagePullPolicy()).isNull();

    Container app = container(mutated, "app");
    assertThat(app.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("instrumentor-java-agent");
      assertThat(m.getMountPath()).isEqualTo("/instrumentor/java");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(env(app)).containsExactly(
        entry("SPRING_PROFILES_ACTIVE", "prod"),
        entry("OTEL_NODE_IP", "fieldRef:status.hostIP"),
        entry("OTEL_POD_IP", "fieldRef:status.podIP"),
        entry("OTEL_SERVICE_NAME", "checkout"),
        entry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317"),
        entry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        entry("OTEL_RESOURCE_ATTRIBUTES_POD_NAME", "fieldRef:metadata.name"),
        entry("OTEL_RESOURCE_ATTRIBUTES_NODE_NAME", "fieldRef:spec.nodeName"),
        entry("JAVA_TOOL_OPTIONS", "-javaagent:/instrumentor/java/javaagent.jar"),
        entry("OTEL_RESOURCE_ATTRIBUTES", "k8s.namespace.name=demo,"
            + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
            + "k8s.container.name=app,k8s.deployment.name=checkout,k8s.replicaset.name=checkout-7d4b9c8f6d,"
            + "service.namespace=demo,service.instance.id=demo.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,"
            + "service.version=1.4.2"));

    assertThat(mutated.getMetadata().getAnnotations()).containsEntry("instrumentor.dev/injection-status",
        "{\"java\":{\"status\":\"injected\",\"reason\":\"Java agent attached\","
            + "\"instrumentation\":\"demo/java@1\",\"containers\":[\"app\"]}}");
  }

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

  // ---- containers

  private static Pod twoContainerPod(Map<String, String> annotations) {
    return deploymentPod("checkout", annotations)
        .editSpec()
          .addNewContainer().withName("worker").withImage("registry.example.com/shop/worker:2.0").endContainer()
          .addNewInitContainer().withName("migrate").withImage("registry.example.com/shop/migrate:1").endInitContainer()
        .endSpec().build();
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
  void javaContainerNamesWinsOverContainerNames() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true", "instrumentor.dev/container-names", "app",
        "instrumentor.dev/java-container-names", "worker"));
    assertThat(mutate(pod).outcomes().get(0).containers()).containsExactly("worker");
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

  // ---- JAVA_TOOL_OPTIONS

  private Pod podWithEnv(EnvVar... env) {
    return deploymentPod("checkout", Map.of(INJECT, "true"))
        .editSpec().editFirstContainer().withEnv(env).endContainer().endSpec().build();
  }

  @Test
  void agentIsAppendedToAPlainJavaToolOptions() {
    java();
    PodMutator.Result result = mutate(podWithEnv(new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseG1GC", null)));
    List<EnvVar> env = container(result.pod(), "app").getEnv();
    assertThat(env.get(0)).isEqualTo(
        new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseG1GC -javaagent:/instrumentor/java/javaagent.jar", null));
  }

  @Test
  void javaToolOptionsFromValueFromMovesToAHelperDefinedFirst() {
    java();
    EnvVar fromConfigMap = new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS")
        .withNewValueFrom().withNewConfigMapKeyRef("jvm-options", "jvm", false).endValueFrom().build();

    PodMutator.Result result = mutate(podWithEnv(new EnvVar("A", "1", null), fromConfigMap));

    List<EnvVar> env = container(result.pod(), "app").getEnv();
    assertThat(env.subList(0, 3)).containsExactly(
        new EnvVar("A", "1", null),
        new EnvVarBuilder().withName("INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS").withValueFrom(fromConfigMap.getValueFrom()).build(),
        new EnvVar("JAVA_TOOL_OPTIONS", "$(INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS) -javaagent:/instrumentor/java/javaagent.jar", null));
  }

  @Test
  void javaToolOptionsFromTheInstrumentationGetsTheAgentToo() {
    java().getSpec().setEnv(List.of(new EnvVar("JAVA_TOOL_OPTIONS", "-Dfrom=spec", null)));
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setEnv(List.of(new EnvVar("JAVA_TOOL_OPTIONS", "-Dfrom=java", null)));
    instrumentations.get(0).getSpec().setJava(javaSpec);

    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("JAVA_TOOL_OPTIONS", "-Dfrom=java -javaagent:/instrumentor/java/javaagent.jar");
  }

  @Test
  void extensionsAreCopiedAndPassedToTheAgent() {
    JavaSpec javaSpec = new JavaSpec();
    Extension extension = new Extension();
    extension.setImage("registry.example.com/otel-ext:1.0");
    extension.setDir("/extensions");
    javaSpec.setExtensions(List.of(extension));
    java().getSpec().setJava(javaSpec);

    Pod mutated = mutate(deploymentPod("checkout")).pod();

    Container copy = mutated.getSpec().getInitContainers().get(1);
    assertThat(copy.getName()).isEqualTo("instrumentor-java-agent-extension-0");
    assertThat(copy.getImage()).isEqualTo("registry.example.com/otel-ext:1.0");
    assertThat(copy.getCommand()).containsExactly("cp", "-r", "/extensions/.", "/instrumentor/java/extensions");
    assertThat(env(container(mutated, "app"))).containsEntry("JAVA_TOOL_OPTIONS",
        "-javaagent:/instrumentor/java/javaagent.jar -Dotel.javaagent.extensions=/instrumentor/java/extensions");
  }

  // ---- precedence

  @Test
  void containerEnvWinsOverJavaEnvOverSpecEnvOverGenerated() {
    Instrumentation java = java();
    java.getSpec().setEnv(List.of(
        new EnvVar("OTEL_SERVICE_NAME", "from-spec", null),
        new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", "http://from-spec:4318", null),
        new EnvVar("OTEL_METRICS_EXPORTER", "none", null),
        new EnvVar("ONLY_SPEC", "s", null)));
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setEnv(List.of(
        new EnvVar("OTEL_SERVICE_NAME", "from-java", null),
        new EnvVar("OTEL_METRICS_EXPORTER", "otlp", null)));
    java.getSpec().setJava(javaSpec);

    Map<String, String> env = env(container(mutate(podWithEnv(new EnvVar("OTEL_SERVICE_NAME", "mine", null))).pod(), "app"));

    assertThat(env).containsEntry("OTEL_SERVICE_NAME", "mine")
        .containsEntry("OTEL_METRICS_EXPORTER", "otlp")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://from-spec:4318")
        .containsEntry("ONLY_SPEC", "s");
    assertThat(new ArrayList<>(env.keySet()).indexOf("OTEL_SERVICE_NAME")).isZero();
  }

  @Test
  void samplerIsGeneratedOnlyWhenTheUserSetNeitherVariable() {
    Sampler sampler = new Sampler();
    sampler.setType(SamplerType.PARENTBASED_TRACEIDRATIO);
    sampler.setArgument("0.25");
    java().getSpec().setSampler(sampler);

    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
        .containsEntry("OTEL_TRACES_SAMPLER_ARG", "0.25");
    Map<String, String> userSampler = env(container(mutate(podWithEnv(
        new EnvVar("OTEL_TRACES_SAMPLER", "always_on", null))).pod(), "app"));
    assertThat(userSampler).containsEntry("OTEL_TRACES_SAMPLER", "always_on").doesNotContainKey("OTEL_TRACES_SAMPLER_ARG");
    Map<String, String> userArg = env(container(mutate(podWithEnv(
        new EnvVar("OTEL_TRACES_SAMPLER_ARG", "1", null))).pod(), "app"));
    assertThat(userArg).containsEntry("OTEL_TRACES_SAMPLER_ARG", "1").doesNotContainKey("OTEL_TRACES_SAMPLER");
  }

  @Test
  void propagatorsInOrder() {
    java().getSpec().setPropagators(List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE, Propagator.B3MULTI));
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("OTEL_PROPAGATORS", "tracecontext,baggage,b3multi");
  }

  @ParameterizedTest
  @CsvSource({
      "http://collector:4317, , grpc",
      "https://collector.example.com:4317/, , grpc",
      "http://collector:4318, , http/protobuf",
      "https://otlp.example.com, , http/protobuf",
      "http://collector:4317, http/protobuf, http/protobuf",
      "http://collector:9999, grpc, grpc",
      "http://user@collector:4317/v1, , grpc",
      "http://[fd00::1]:4317, , grpc",
      "http://[fd00::4317], , http/protobuf",
      "collector:4317, , grpc",
      "http://collector/path:4317, , http/protobuf",
  })
  void protocolFromTheSpecOrTheEndpointPort(String endpoint, String protocol, String expected) {
    Instrumentation java = java();
    java.getSpec().getExporter().setEndpoint(endpoint);
    if (protocol != null) {
      java.getSpec().getExporter().setProtocol(ExporterProtocol.fromValue(protocol));
    }
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", expected);
  }

  @Test
  void noEndpointMeansNoExporterVariables() {
    java().getSpec().setExporter(null);
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .doesNotContainKeys("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL");
  }

  @Test
  void tlsSecretAndConfigMapAreMountedAndNamedInVariables() {
    Tls tls = new Tls();
    tls.setSecretName("otel-client");
    tls.setConfigMapName("otel-ca");
    tls.setCaFile("ca.crt");
    tls.setCertFile("tls.crt");
    tls.setKeyFile("/etc/custom/tls.key");
    java().getSpec().getExporter().setTls(tls);

    Pod mutated = mutate(deploymentPod("checkout")).pod();

    assertThat(mutated.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly("instrumentor-java-agent", "instrumentor-otlp-tls-secret", "instrumentor-otlp-tls-ca");
    assertThat(mutated.getSpec().getVolumes().get(1).getSecret().getSecretName()).isEqualTo("otel-client");
    assertThat(mutated.getSpec().getVolumes().get(2).getConfigMap().getName()).isEqualTo("otel-ca");
    assertThat(container(mutated, "app").getVolumeMounts()).extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/instrumentor/java", true),
            org.assertj.core.groups.Tuple.tuple("/instrumentor/tls/secret", true),
            org.assertj.core.groups.Tuple.tuple("/instrumentor/tls/ca", true));
    assertThat(env(container(mutated, "app")))
        .containsEntry("OTEL_EXPORTER_OTLP_CERTIFICATE", "/instrumentor/tls/ca/ca.crt")
        .containsEntry("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/instrumentor/tls/secret/tls.crt")
        .containsEntry("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/custom/tls.key");
  }

  // ---- resource attributes and service name

  @Test
  void resourceAttributesMergeWithUserKeysWinningAndNoKeyTwice() {
    Instrumentation java = java();
    Resource resource = new Resource();
    resource.setResourceAttributes(new LinkedHashMap<>(Map.of("deployment.environment.name", "prod", "team", "a, b")));
    resource.setAddK8sUIDAttributes(true);
    java.getSpec().setResource(resource);
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true", "resource.opentelemetry.io/team", "payments"))
        .editSpec().editFirstContainer().withEnv(
            new EnvVar("OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0.0-rc1,k8s.container.name=main", null))
        .endContainer().endSpec().build();

    Map<String, String> env = env(container(mutate(pod).pod(), "app"));

    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).isEqualTo("k8s.namespace.name=demo,"
        + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
        + "k8s.container.name=main,k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID),k8s.deployment.name=checkout,"
        + "k8s.replicaset.name=checkout-7d4b9c8f6d,k8s.replicaset.uid=6f9a2c1e-0000-4000-8000-000000000001,"
        + "service.namespace=demo,service.instance.id=demo.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,"
        + "service.version=2.0.0-rc1,deployment.environment.name=prod,team=payments");
    assertThat(env).containsEntry("OTEL_RESOURCE_ATTRIBUTES_POD_UID", "fieldRef:metadata.uid");
    // the container's own OTEL_RESOURCE_ATTRIBUTES is rewritten where it was
    assertThat(container(mutate(pod).pod(), "app").getEnv().get(0).getName()).isNotEqualTo("OTEL_RESOURCE_ATTRIBUTES");
  }

  @Test
  void literalAttributeValuesAreEncoded() {
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("owner", "team a,b=c%"));
    java().getSpec().setResource(resource);
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .endsWith(",owner=team%20a%2Cb%3Dc%25");
  }

  @Test
  void resourceAttributesFromValueFromAreKeptThroughAHelperListedLast() {
    java();
    EnvVar fromSecret = new EnvVarBuilder().withName("OTEL_RESOURCE_ATTRIBUTES")
        .withNewValueFrom().withNewSecretKeyRef("attrs", "otel-attrs", false).endValueFrom().build();

    Map<String, String> env = env(container(mutate(podWithEnv(fromSecret)).pod(), "app"));

    assertThat(env).containsEntry("INSTRUMENTOR_CONTAINER_OTEL_RESOURCE_ATTRIBUTES", "valueFrom");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).startsWith("k8s.namespace.name=demo,")
        .endsWith(",$(INSTRUMENTOR_CONTAINER_OTEL_RESOURCE_ATTRIBUTES)");
  }

  @Test
  void serviceNameFromAnnotationThenLabelsThenOwnerThenPodThenContainer() {
    Instrumentation java = java();
    Pod annotated = deploymentPod("checkout", Map.of(INJECT, "true", "resource.opentelemetry.io/service.name", "shop"))
        .editMetadata().addToLabels("app.kubernetes.io/name", "labelled").endMetadata().build();
    assertThat(env(container(mutate(annotated).pod(), "app"))).containsEntry("OTEL_SERVICE_NAME", "shop");

    Pod labelled = deploymentPod("checkout", Map.of(INJECT, "true"))
        .editMetadata().addToLabels("app.kubernetes.io/name", "labelled").endMetadata().build();
    assertThat(env(container(mutate(labelled).pod(), "app"))).containsEntry("OTEL_SERVICE_NAME", "checkout");
    dev.instrumentor.api.v1alpha1.Defaults defaults = new dev.instrumentor.api.v1alpha1.Defaults();
    defaults.setUseLabelsForResourceAttributes(true);
    java.getSpec().setDefaults(defaults);
    assertThat(env(container(mutate(labelled).pod(), "app"))).containsEntry("OTEL_SERVICE_NAME", "labelled");

    Pod bare = new PodBuilder().withNewMetadata().withName("debug-pod").withNamespace("demo")
        .addToAnnotations(INJECT, "true").endMetadata()
        .withNewSpec().addNewContainer().withName("jshell").withImage("eclipse-temurin:21").endContainer().endSpec().build();
    assertThat(env(container(mutate(bare).pod(), "jshell"))).containsEntry("OTEL_SERVICE_NAME", "debug-pod");

    Pod nameless = new PodBuilder(bare).editMetadata().withName(null).withGenerateName("x-").endMetadata().build();
    assertThat(env(container(mutate(nameless).pod(), "jshell"))).containsEntry("OTEL_SERVICE_NAME", "jshell");
  }

  @Test
  void aServiceNameAttributeSetByTheUserIsNotOverriddenByAGeneratedServiceName() {
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("service.name", "billing"));
    java().getSpec().setResource(resource);
    Map<String, String> env = env(container(mutate(deploymentPod("checkout")).pod(), "app"));
    assertThat(env).doesNotContainKey("OTEL_SERVICE_NAME");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).contains("service.name=billing");
  }

  @Test
  void labelsGiveTheVersionWhenEnabledAndServiceNamespaceFollowsTheSemanticConventions() {
    dev.instrumentor.api.v1alpha1.Defaults defaults = new dev.instrumentor.api.v1alpha1.Defaults();
    defaults.setUseLabelsForResourceAttributes(true);
    java().getSpec().setDefaults(defaults);
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true")).editMetadata()
        .addToLabels("app.kubernetes.io/version", "3.1.0").addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().build();
    // part-of is not service.namespace: the conventions say the annotation, else the Kubernetes namespace
    assertThat(env(container(mutate(pod).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .contains("service.namespace=demo", "service.version=3.1.0");
    Pod annotated = deploymentPod("checkout", Map.of(INJECT, "true", "resource.opentelemetry.io/service.namespace", "shop")).build();
    assertThat(env(container(mutate(annotated).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .contains("service.namespace=shop").doesNotContain("service.namespace=demo");
  }

  @ParameterizedTest
  @CsvSource({
      "registry.example.com/app:1.2.3, 1.2.3",
      "registry.example.com:5000/app:2.0, 2.0",
      "registry.example.com:5000/app, ",
      "app@sha256:abcd, sha256:abcd",
      "app:7@sha256:abcd, 7@sha256:abcd",
      "registry.example.com:5000/app@sha256:abcd, sha256:abcd",
  })
  void serviceVersionIsTheImageTagAndDigest(String image, String version) {
    assertThat(OtelEnvironment.imageVersion(image)).isEqualTo(version);
  }

  // ---- the exporter endpoint a user overrides, node-local collectors

  @ParameterizedTest
  @CsvSource({
      // where the user's endpoint is set, its port decides the protocol
      "CONTAINER, http://collector:4318, http/protobuf",
      "LANGUAGE, http://collector:4318, http/protobuf",
      "SPEC, http://collector:4318, http/protobuf",
      "CONTAINER, http://collector:4317, grpc",
      "CONTAINER, http://collector:9000, http/protobuf",
  })
  void theProtocolFollowsTheEndpointThatWins(String layer, String endpoint, String protocol) {
    Instrumentation java = java(); // its endpoint is :4317, hence grpc
    EnvVar userEndpoint = new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, null);
    Pod pod = deploymentPod("checkout");
    switch (layer) {
      case "CONTAINER" -> pod = podWith(new ContainerBuilder()
          .withName("app").withImage("shop/checkout:1").withEnv(userEndpoint).build());
      case "LANGUAGE" -> {
        JavaSpec javaSpec = new JavaSpec();
        javaSpec.setEnv(List.of(userEndpoint));
        java.getSpec().setJava(javaSpec);
      }
      default -> java.getSpec().setEnv(List.of(userEndpoint));
    }
    Map<String, String> env = env(container(mutate(pod).pod(), "app"));
    assertThat(env).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
  }

  @Test
  void aProtocolTheUserSetWinsAndAnEndpointFromASecretLeavesTheProtocolToTheAgent() {
    java();
    Pod both = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", null),
            new EnvVar("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", null)).build());
    assertThat(env(container(mutate(both).pod(), "app"))).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");

    Pod fromSecret = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVarBuilder().withName("OTEL_EXPORTER_OTLP_ENDPOINT")
            .withNewValueFrom().withNewSecretKeyRef("endpoint", "otlp", false).endValueFrom().build()).build());
    assertThat(env(container(mutate(fromSecret).pod(), "app"))).doesNotContainKey("OTEL_EXPORTER_OTLP_PROTOCOL");
  }

  @Test
  void nodeAndPodIpsAreDefinedBeforeAnEndpointThatUsesThem() {
    Instrumentation java = java();
    java.getSpec().getExporter().setEndpoint("http://$(OTEL_NODE_IP):4318");
    Container app = container(mutate(deploymentPod("checkout")).pod(), "app");
    List<String> names = app.getEnv().stream().map(EnvVar::getName).toList();
    assertThat(app.getEnv()).anySatisfy(var -> {
      assertThat(var.getName()).isEqualTo("OTEL_NODE_IP");
      assertThat(var.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.hostIP");
    }).anySatisfy(var -> {
      assertThat(var.getName()).isEqualTo("OTEL_POD_IP");
      assertThat(var.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
    });
    assertThat(names.indexOf("OTEL_NODE_IP")).isLessThan(names.indexOf("OTEL_EXPORTER_OTLP_ENDPOINT"));
    assertThat(env(app)).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
  }

  // ---- the user's own variables

  @Test
  void theUsersForwardReferencesStayLiteralAndTheirOrderIsKept() {
    java();
    // Kubernetes leaves $(WHO) literal in GREETING: WHO is declared after it
    Pod pod = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVar("GREETING", "hello $(WHO)", null), new EnvVar("WHO", "world", null),
            new EnvVar("SERVICE_LABEL", "svc-$(OTEL_SERVICE_NAME)", null)).build());
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.indexOf("GREETING")).isLessThan(names.indexOf("WHO"));
    assertThat(names.indexOf("WHO")).isLessThan(names.indexOf("SERVICE_LABEL"));
    // an injected variable the user refers to moves before the use
    assertThat(names.indexOf("OTEL_SERVICE_NAME")).isLessThan(names.indexOf("SERVICE_LABEL"));
  }

  @Test
  void anInjectedVariableWaitsForTheUsersVariableItReferences() {
    Instrumentation java = java();
    java.getSpec().getExporter().setEndpoint("http://$(COLLECTOR_HOST):4318");
    Pod pod = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVar("A", "1", null), new EnvVar("COLLECTOR_HOST", "gateway", null))
        .build());
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, 2)).containsExactly("A", "COLLECTOR_HOST");
    assertThat(names.indexOf("OTEL_EXPORTER_OTLP_ENDPOINT")).isGreaterThan(names.indexOf("COLLECTOR_HOST"));
  }

  // ---- resource attribute values

  @Test
  void attributeValuesArePercentEncodedOutsideBaggageOctetsAndTheirDollarsEscaped() {
    Instrumentation java = java();
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("team.name", "Zürich ops, 1st", "cost.center", "$(HOME)-42"));
    java.getSpec().setResource(resource);
    String attributes = env(container(mutate(deploymentPod("checkout")).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES");
    assertThat(attributes).contains("team.name=Z%C3%BCrich%20ops%2C%201st", "cost.center=$$(HOME)-42");
    assertThat(ResourceAttributes.encode("\uD83D\uDE80")).isEqualTo("%F0%9F%9A%80"); // outside the BMP: one code point
    assertThat(ResourceAttributes.encode("plain-value_1.2/x")).isEqualTo("plain-value_1.2/x");
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
    assertThat(result.operations()).as("only the status annotation").hasSize(1);
    assertThat(result.warnings()).singleElement().asString().contains("at most 32");
  }

  // ---- what users should know about an injection that went through

  @Test
  void variablesFromEnvFromThatInjectedOnesShadowAreReportedAndWarnedAbout() {
    java();
    Pod pod = podWith(new ContainerBuilder().withName("app").withImage("shop/checkout:1")
        .addNewEnvFrom().withNewConfigMapRef("jvm", false).endEnvFrom()
        .addNewEnvFrom().withNewSecretRef("otlp", true).endEnvFrom().build());
    PodMutator.Result result = mutate(pod);
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.INJECTED);
      assertThat(outcome.reason()).contains("container app takes variables from envFrom (ConfigMap jvm, Secret otlp)",
          "JAVA_TOOL_OPTIONS, OTEL_*", "overridden");
    });
    assertThat(result.warnings()).singleElement().asString().contains("java injected", "envFrom");
    assertThat(result.pod().getMetadata().getAnnotations().get("instrumentor.dev/injection-status"))
        .contains("envFrom (ConfigMap jvm, Secret otlp)");
  }

  @Test
  void theInitContainerRunsAsTheTargetContainersUser() {
    java();
    Pod pod = podWith(new ContainerBuilder().withName("app").withImage("shop/checkout:1")
        .withNewSecurityContext().withRunAsUser(1001L).endSecurityContext().build());
    Container init = mutate(pod).pod().getSpec().getInitContainers().get(0);
    assertThat(init.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();
    // a second pod of the same Instrumentation gets the shared default again: the copy did not leak
    assertThat(mutate(deploymentPod("checkout")).pod().getSpec().getInitContainers().get(0).getSecurityContext()
        .getRunAsUser()).isEqualTo(65532L);
  }

  @Test
  void anAgentVolumeFromAClaimTemplateWithoutFsGroupIsACaveat() {
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setVolumeClaimTemplate(new PersistentVolumeClaimTemplateBuilder().withNewSpec()
        .withAccessModes("ReadWriteOnce").endSpec().build());
    java().getSpec().setJava(javaSpec);
    PodMutator.Result result = mutate(deploymentPod("checkout"));
    assertThat(result.outcomes().get(0).reason()).contains("no securityContext.fsGroup");
    Pod withGroup = new PodBuilder(deploymentPod("checkout")).editSpec().withNewSecurityContext().withFsGroup(2000L)
        .endSecurityContext().endSpec().build();
    assertThat(mutate(withGroup).outcomes().get(0).reason()).isEqualTo("Java agent attached");
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

  // ---- init container settings

  @Test
  void initContainerUsesThePodUserWhenItIsNonRoot() {
    java();
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true"))
        .editSpec().withNewSecurityContext().withRunAsUser(1000L).endSecurityContext().endSpec().build();
    Container init = mutate(pod).pod().getSpec().getInitContainers().get(0);
    assertThat(init.getSecurityContext().getRunAsUser()).isNull();
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();

    Pod root = deploymentPod("checkout", Map.of(INJECT, "true"))
        .editSpec().withNewSecurityContext().withRunAsUser(0L).endSecurityContext().endSpec().build();
    assertThat(mutate(root).pod().getSpec().getInitContainers().get(0).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
  }

  @Test
  void initContainerSettingsFromTheSpec() {
    Instrumentation java = java();
    java.getSpec().setImagePullPolicy(PullPolicy.IF_NOT_PRESENT);
    java.getSpec().setInitContainerSecurityContext(new SecurityContextBuilder().withRunAsUser(1234L).build());
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setImage("registry.example.com/agents/java:2.9");
    javaSpec.setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128Mi")).build());
    javaSpec.setVolumeLimitSize("300Mi");
    java.getSpec().setJava(javaSpec);

    Pod mutated = mutate(deploymentPod("checkout")).pod();

    Container init = mutated.getSpec().getInitContainers().get(0);
    assertThat(init.getImage()).isEqualTo("registry.example.com/agents/java:2.9");
    assertThat(init.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(init.getSecurityContext()).isEqualTo(new SecurityContextBuilder().withRunAsUser(1234L).build());
    // the missing half comes from the defaults, never contradicting what was given
    assertThat(init.getResources().getLimits()).containsOnly(entry("memory", new Quantity("128Mi")),
        entry("cpu", new Quantity("500m")));
    assertThat(init.getResources().getRequests()).containsOnly(entry("memory", new Quantity("64Mi")),
        entry("cpu", new Quantity("50m")));
    assertThat(mutated.getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("300Mi"));
  }

  @Test
  void requestsAloneGetLimitsSoThatAQuotaOnLimitsAdmitsThePod() {
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("512Mi"))
        .addToRequests("cpu", new Quantity("10m")).build());
    java().getSpec().setJava(javaSpec);
    Container init = mutate(deploymentPod("checkout")).pod().getSpec().getInitContainers().get(0);
    // memory: the default limit (256Mi) is below the request, so the request is the limit; cpu: the default
    assertThat(init.getResources().getLimits()).containsOnly(entry("memory", new Quantity("512Mi")),
        entry("cpu", new Quantity("500m")));
    assertThat(init.getResources().getRequests()).containsOnly(entry("memory", new Quantity("512Mi")),
        entry("cpu", new Quantity("10m")));
  }

  @Test
  void volumeClaimTemplateGivesAnEphemeralVolume() {
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setVolumeClaimTemplate(new PersistentVolumeClaimTemplateBuilder().withNewSpec()
        .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
        .endSpec().build());
    java().getSpec().setJava(javaSpec);

    Volume volume = mutate(deploymentPod("checkout")).pod().getSpec().getVolumes().get(0);

    assertThat(volume.getEmptyDir()).isNull();
    assertThat(volume.getEphemeral().getVolumeClaimTemplate()).isEqualTo(javaSpec.getVolumeClaimTemplate());
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
      public java.util.Optional<Instrumentation> get(String namespace, String name) {
        return java.util.Optional.of(current.get());
      }
    };
    PodMutator mutator = PodMutator.forJava(source, InjectorSettings.defaults());
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
  void theContainersOwnEnvKeepsItsPlaceAndOrder() {
    java();
    Pod pod = podWithEnv(new EnvVar("B", "2", null), new EnvVar("A", "$(B)", null));
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, 2)).containsExactly("B", "A");
  }

  @Test
  void anEscapedReferenceIsNotAReference() {
    java();
    // $$(OTEL_SERVICE_NAME) is the literal text $(OTEL_SERVICE_NAME): nothing to order
    Pod pod = podWithEnv(new EnvVar("LITERAL", "$$(OTEL_SERVICE_NAME)", null), new EnvVar("B", "2", null),
        new EnvVar("A", "$(B) $(UNKNOWN", null));
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, 3)).containsExactly("LITERAL", "B", "A");
  }

  @Test
  void aUserVariableReferringToAGeneratedOneIsMovedAfterIt() {
    java();
    Pod pod = podWithEnv(new EnvVar("APP_NAME", "$(OTEL_SERVICE_NAME)-x", null));
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.indexOf("APP_NAME")).isGreaterThan(names.indexOf("OTEL_SERVICE_NAME"));
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
