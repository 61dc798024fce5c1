package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.DotNetSpec;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.NodeJsSpec;
import dev.instrumentor.api.v1alpha1.Propagator;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Node.js, .NET and SDK-only injection, several languages in one pod, and the OpenTelemetry
 * Operator's annotations. The .NET contract is read from the OpenTelemetry Operator's
 * {@code internal/instrumentation/dotnet.go} (no .NET runtime runs here); Node.js and SDK-only are
 * also proven with real processes in the e2e module.
 */
class LanguagesInjectionTest {

  private final List<Instrumentation> instrumentations = new ArrayList<>();

  private Instrumentation demo() {
    Instrumentation demo = instrumentation("demo", "all", "http://collector.observability:4317");
    instrumentations.add(demo);
    return demo;
  }

  private PodMutator mutator() {
    return Agents.mutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults());
  }

  private PodMutator.Result mutate(Pod pod, Map<String, String> namespaceAnnotations) {
    PodMutator.Result result = Fixtures.mutateChecked(mutator(), pod,
        PodContext.forPod(pod, "demo", namespaceAnnotations));
    // a reinvocation (or a pod spec copied from a running pod) changes nothing
    if (result.changed()) {
      Pod again = result.pod();
      assertThat(mutator().mutate(again, PodContext.forPod(again, "demo", namespaceAnnotations)).changed())
          .as("mutating the mutated pod again changes it").isFalse();
    }
    return result;
  }

  private PodMutator.Result mutate(Pod pod) {
    return mutate(pod, Map.of());
  }

  private static Pod pod(Map<String, String> annotations, Container... containers) {
    return deploymentPod("shop", new LinkedHashMap<>(annotations)).editSpec().withContainers(containers).endSpec()
        .build();
  }

  private static Container app(String name, EnvVar... env) {
    return Fixtures.app(name, env);
  }

  private static Container container(Pod pod, String name) {
    return Fixtures.container(pod, name);
  }

  private static Map<String, String> env(Container container) {
    return Fixtures.env(container);
  }

  private static List<String> initContainerNames(Pod pod) {
    return pod.getSpec().getInitContainers().stream().map(Container::getName).toList();
  }

  private static JsonNode status(Pod pod) {
    return PodJson.NODES.objectNode().setAll((ObjectNode) Fixtures.SERIALIZATION
        .unmarshal(pod.getMetadata().getAnnotations().get("instrumentor.dev/injection-status"), JsonNode.class));
  }

  // ---- Node.js

  @Test
  void nodejsFollowsTheUpstreamImageContract() {
    demo();
    PodMutator.Result result = mutate(pod(Map.of("instrumentor.dev/inject-nodejs", "true"), app("web")));
    Pod pod = result.pod();

    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.language()).isEqualTo("nodejs");
      assertThat(o.status()).isEqualTo(Status.INJECTED);
      assertThat(o.reason()).isEqualTo("Node.js auto-instrumentation attached");
    });
    Container init = container(pod, "instrumentor-nodejs-agent");
    assertThat(init.getImage()).isEqualTo(AgentImages.DEFAULT_NODEJS);
    assertThat(init.getCommand()).containsExactly("cp", "-r", "/autoinstrumentation/.", "/instrumentor/nodejs");
    assertThat(init.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("instrumentor-nodejs-agent");
      assertThat(m.getMountPath()).isEqualTo("/instrumentor/nodejs");
    });
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();
    Container web = container(pod, "web");
    assertThat(web.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/instrumentor/nodejs");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(env(web)).containsEntry("NODE_OPTIONS", "--require /instrumentor/nodejs/autoinstrumentation.js")
        .containsEntry("OTEL_METRICS_EXPORTER", "otlp")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .containsEntry("OTEL_SERVICE_NAME", "shop")
        .containsKeys("OTEL_NODE_IP", "OTEL_POD_IP", "OTEL_RESOURCE_ATTRIBUTES");
    assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("instrumentor-nodejs-agent");
      assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("200Mi"));
    });
  }

  @Test
  void nodeOptionsOfTheContainerAreKeptBeforeTheRequire() {
    demo();
    Pod plain = mutate(pod(Map.of("instrumentor.dev/inject-nodejs", "true"),
        app("web", new EnvVar("NODE_OPTIONS", "--max-old-space-size=512", null),
            new EnvVar("OTEL_METRICS_EXPORTER", "none", null)))).pod();
    assertThat(env(container(plain, "web")))
        .containsEntry("NODE_OPTIONS", "--max-old-space-size=512 --require /instrumentor/nodejs/autoinstrumentation.js")
        .containsEntry("OTEL_METRICS_EXPORTER", "none");

    EnvVar fromConfigMap = new EnvVarBuilder().withName("NODE_OPTIONS").withNewValueFrom().withNewConfigMapKeyRef()
        .withName("node").withKey("options").endConfigMapKeyRef().endValueFrom().build();
    Pod referenced = mutate(pod(Map.of("instrumentor.dev/inject-nodejs", "true"), app("web", fromConfigMap))).pod();
    List<EnvVar> env = container(referenced, "web").getEnv();
    assertThat(env).extracting(EnvVar::getName)
        .containsSubsequence("INSTRUMENTOR_ORIGINAL_NODE_OPTIONS", "NODE_OPTIONS");
    assertThat(env(container(referenced, "web"))).containsEntry("NODE_OPTIONS",
        "$(INSTRUMENTOR_ORIGINAL_NODE_OPTIONS) --require /instrumentor/nodejs/autoinstrumentation.js");

    Pod already = mutate(pod(Map.of("instrumentor.dev/inject-nodejs", "true"), app("web",
        new EnvVar("NODE_OPTIONS", "--require /instrumentor/nodejs/autoinstrumentation.js --trace-warnings", null)))).pod();
    assertThat(env(container(already, "web"))).as("a --require of the agent is not added twice").containsEntry(
        "NODE_OPTIONS", "--require /instrumentor/nodejs/autoinstrumentation.js --trace-warnings");
  }

  @Test
  void theUpstreamNameOfTheInitContainersResourcesIsHonoured() {
    Instrumentation demo = demo();
    NodeJsSpec nodejs = new NodeJsSpec();
    nodejs.setImage("registry.example.com/otel/nodejs:0.78.0");
    nodejs.setResourceRequirements(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128Mi"))
        .addToRequests("memory", new Quantity("32Mi")).build());
    demo.getSpec().setNodejs(nodejs);
    Container init = container(mutate(pod(Map.of("instrumentor.dev/inject-nodejs", "true"), app("web"))).pod(),
        "instrumentor-nodejs-agent");
    assertThat(init.getImage()).isEqualTo("registry.example.com/otel/nodejs:0.78.0");
    assertThat(init.getResources().getLimits()).containsEntry("memory", new Quantity("128Mi"));
    assertThat(init.getResources().getRequests()).containsEntry("memory", new Quantity("32Mi"));
  }

  // ---- .NET

  @Test
  void dotnetSetsTheProfilerTheStartupHookAndTheStoreForGlibcByDefault() {
    demo();
    Pod pod = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true"), app("api"))).pod();

    Container init = container(pod, "instrumentor-dotnet-agent");
    assertThat(init.getImage()).isEqualTo(AgentImages.DEFAULT_DOTNET);
    assertThat(init.getCommand()).containsExactly("cp", "-r", "/autoinstrumentation/.", "/instrumentor/dotnet");
    assertThat(env(container(pod, "api")))
        .containsEntry("CORECLR_ENABLE_PROFILING", "1")
        .containsEntry("CORECLR_PROFILER", "{918728DD-259F-4A6A-AC2B-B85E1B658318}")
        .containsEntry("CORECLR_PROFILER_PATH", "/instrumentor/dotnet/linux-x64/OpenTelemetry.AutoInstrumentation.Native.so")
        .containsEntry("DOTNET_STARTUP_HOOKS", "/instrumentor/dotnet/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll")
        .containsEntry("DOTNET_ADDITIONAL_DEPS", "/instrumentor/dotnet/AdditionalDeps")
        .containsEntry("DOTNET_SHARED_STORE", "/instrumentor/dotnet/store")
        .containsEntry("OTEL_DOTNET_AUTO_HOME", "/instrumentor/dotnet")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
  }

  @Test
  void theRuntimeAnnotationChoosesTheMuslProfilerOnThePodOrTheNamespaceUnderEitherKey() {
    demo();
    String musl = "/instrumentor/dotnet/linux-musl-x64/OpenTelemetry.AutoInstrumentation.Native.so";
    Pod ours = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true",
        "instrumentor.dev/dotnet-runtime", "linux-musl-x64"), app("api"))).pod();
    assertThat(env(container(ours, "api"))).containsEntry("CORECLR_PROFILER_PATH", musl);
    Pod upstream = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true"), app("api")),
        Map.of("instrumentation.opentelemetry.io/otel-dotnet-auto-runtime", "linux-musl-x64")).pod();
    assertThat(env(container(upstream, "api"))).containsEntry("CORECLR_PROFILER_PATH", musl);
    Pod explicit = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true",
        "instrumentor.dev/dotnet-runtime", "linux-x64"), app("api")),
        Map.of("instrumentor.dev/dotnet-runtime", "linux-musl-x64")).pod();
    assertThat(env(container(explicit, "api"))).as("the pod's wins over the Namespace's")
        .containsEntry("CORECLR_PROFILER_PATH", "/instrumentor/dotnet/linux-x64/OpenTelemetry.AutoInstrumentation.Native.so");

    PodMutator.Result windowsRuntime = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true",
        "instrumentor.dev/dotnet-runtime", "win-x64"), app("api")));
    assertThat(windowsRuntime.pod().getSpec()).isEqualTo(pod(Map.of(), app("api")).getSpec());
    assertThat(windowsRuntime.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).isEqualTo("instrumentor.dev/dotnet-runtime on the pod is \"win-x64\": use \"linux-x64\""
          + " (glibc: Debian, Ubuntu, the mcr.microsoft.com/dotnet images) or \"linux-musl-x64\" (Alpine)");
    });
  }

  @Test
  void theContainersOwnListsAreKeptAndItsProfilerSettingsWin() {
    demo();
    Pod pod = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true"), app("api",
        new EnvVar("DOTNET_STARTUP_HOOKS", "/app/Company.Hooks.dll", null),
        new EnvVar("DOTNET_SHARED_STORE", "/app/store", null),
        new EnvVar("CORECLR_ENABLE_PROFILING", "0", null)))).pod();
    assertThat(env(container(pod, "api")))
        .containsEntry("DOTNET_STARTUP_HOOKS",
            "/app/Company.Hooks.dll:/instrumentor/dotnet/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll")
        .containsEntry("DOTNET_SHARED_STORE", "/app/store:/instrumentor/dotnet/store")
        .containsEntry("DOTNET_ADDITIONAL_DEPS", "/instrumentor/dotnet/AdditionalDeps")
        .containsEntry("CORECLR_ENABLE_PROFILING", "0");
  }

  @Test
  void aContainerThatSetsTheAgentsHomeIsConfiguredByHandAndLeftAlone() {
    Instrumentation demo = demo();
    PodMutator.Result byHand = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true"),
        app("api", new EnvVar("OTEL_DOTNET_AUTO_HOME", "/otel-dotnet-auto", null))));
    assertThat(byHand.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(byHand.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).isEqualTo("container api sets OTEL_DOTNET_AUTO_HOME: dotnet auto-instrumentation is"
          + " configured by hand there, and is left as it is");
    });

    DotNetSpec dotnet = new DotNetSpec();
    dotnet.setEnv(List.of(new EnvVar("OTEL_DOTNET_AUTO_HOME", "/elsewhere", null)));
    demo.getSpec().setDotnet(dotnet);
    PodMutator.Result inSpec = mutate(pod(Map.of("instrumentor.dev/inject-dotnet", "true"), app("api")));
    assertThat(inSpec.outcomes()).singleElement().satisfies(o -> assertThat(o.reason())
        .isEqualTo("spec.dotnet.env sets OTEL_DOTNET_AUTO_HOME, which Instrumentor sets to where it copies the agent:"
            + " remove it"));
  }

  // ---- SDK only

  @Test
  void sdkOnlyContainersGetTheEnvironmentAndNoAgent() {
    Instrumentation demo = demo();
    demo.getSpec().setPropagators(List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE, Propagator.B3));
    Sampler sampler = new Sampler();
    sampler.setType(SamplerType.PARENTBASED_TRACEIDRATIO);
    sampler.setArgument("0.1");
    demo.getSpec().setSampler(sampler);
    demo.getSpec().setEnv(List.of(new EnvVar("OTEL_BSP_SCHEDULE_DELAY", "500", null)));
    Pod before = pod(Map.of("instrumentor.dev/inject-sdk", "true"), app("web",
        new EnvVar("OTEL_SERVICE_NAME", "storefront", null)));
    PodMutator.Result result = mutate(before);
    Pod pod = result.pod();

    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.language()).isEqualTo("sdk");
      assertThat(o.status()).isEqualTo(Status.INJECTED);
      assertThat(o.reason()).isEqualTo("OpenTelemetry SDK environment set");
      assertThat(o.containers()).containsExactly("web");
    });
    assertThat(pod.getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(pod.getSpec().getVolumes()).isEqualTo(before.getSpec().getVolumes());
    assertThat(container(pod, "web").getVolumeMounts()).isNullOrEmpty();
    assertThat(env(container(pod, "web")))
        .containsEntry("OTEL_SERVICE_NAME", "storefront")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .containsEntry("OTEL_PROPAGATORS", "tracecontext,baggage,b3")
        .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
        .containsEntry("OTEL_TRACES_SAMPLER_ARG", "0.1")
        .containsEntry("OTEL_BSP_SCHEDULE_DELAY", "500")
        .containsEntry("OTEL_NODE_IP", "valueFrom")
        .containsEntry("OTEL_POD_IP", "valueFrom")
        .containsKey("OTEL_RESOURCE_ATTRIBUTES")
        .doesNotContainKeys("JAVA_TOOL_OPTIONS", "PYTHONPATH", "NODE_OPTIONS", "OTEL_TRACES_EXPORTER");
    assertThat(env(container(pod, "web")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .contains("k8s.namespace.name=demo", "k8s.deployment.name=shop", "k8s.container.name=web");
  }

  // ---- several languages in one pod

  @Test
  void eachLanguageTakesItsContainersAndTheInitContainersComeInAStableOrder() {
    demo();
    Map<String, String> annotations = new LinkedHashMap<>();
    // asked in another order than they are injected
    annotations.put("instrumentor.dev/inject-python", "true");
    annotations.put("instrumentor.dev/python-container-names", "worker");
    annotations.put("instrumentor.dev/inject-sdk", "true");
    annotations.put("instrumentor.dev/sdk-container-names", "exporter");
    annotations.put("instrumentor.dev/inject-nodejs", "true");
    annotations.put("instrumentor.dev/nodejs-container-names", "ui");
    annotations.put("instrumentor.dev/inject-java", "true");
    annotations.put("instrumentor.dev/java-container-names", "api");
    PodMutator.Result result = mutate(pod(annotations, app("ui"), app("api"), app("worker"), app("exporter")));
    Pod pod = result.pod();

    assertThat(result.outcomes()).extracting(InjectionOutcome::language, InjectionOutcome::status, o -> o.containers())
        .containsExactly(
            Tuple.tuple("java", Status.INJECTED, List.of("api")),
            Tuple.tuple("nodejs", Status.INJECTED, List.of("ui")),
            Tuple.tuple("python", Status.INJECTED, List.of("worker")),
            Tuple.tuple("sdk", Status.INJECTED, List.of("exporter")));
    assertThat(initContainerNames(pod))
        .containsExactly("instrumentor-java-agent", "instrumentor-nodejs-agent", "instrumentor-python-agent");
    assertThat(status(pod).properties()).extracting(Map.Entry::getKey)
        .containsExactly("java", "nodejs", "python", "sdk");
    assertThat(env(container(pod, "ui"))).containsKey("NODE_OPTIONS").doesNotContainKeys("JAVA_TOOL_OPTIONS", "PYTHONPATH");
    assertThat(env(container(pod, "api"))).containsKey("JAVA_TOOL_OPTIONS").doesNotContainKey("NODE_OPTIONS");
    assertThat(env(container(pod, "worker"))).containsKey("PYTHONPATH").doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(env(container(pod, "exporter"))).containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
        .doesNotContainKeys("JAVA_TOOL_OPTIONS", "NODE_OPTIONS", "PYTHONPATH");
  }

  @Test
  void aContainerAskedForByTwoLanguagesGetsTheFirstAndAnErrorForTheSecond() {
    demo();
    PodMutator.Result result = mutate(pod(Map.of("instrumentor.dev/inject-nodejs", "true",
        "instrumentor.dev/inject-sdk", "true", "instrumentor.dev/inject-dotnet", "true"), app("web")));

    assertThat(result.outcomes()).extracting(InjectionOutcome::language, InjectionOutcome::status).containsExactly(
        Tuple.tuple("nodejs", Status.INJECTED),
        Tuple.tuple("dotnet", Status.ERROR),
        Tuple.tuple("sdk", Status.ERROR));
    assertThat(result.outcomes().get(1).reason()).isEqualTo("container web is instrumented with nodejs in this pod:"
        + " a container gets one language; name each language's containers with"
        + " instrumentor.dev/dotnet-container-names and instrumentor.dev/nodejs-container-names");
    assertThat(result.outcomes().get(2).reason()).startsWith("container web is instrumented with nodejs in this pod:"
        + " its agent sets up the SDK;");
    assertThat(initContainerNames(result.pod())).containsExactly("instrumentor-nodejs-agent");
  }

  // ---- the OpenTelemetry Operator's annotations

  @Test
  void theUpstreamAnnotationInjectsAsOursDoesAndTheOutcomeRecordsIt() {
    demo();
    PodMutator.Result upstream = mutate(pod(Map.of("instrumentation.opentelemetry.io/inject-java", "true"),
        app("api")));
    PodMutator.Result ours = mutate(pod(Map.of("instrumentor.dev/inject-java", "true"), app("api")));

    assertThat(upstream.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.INJECTED);
      assertThat(o.requestedWith()).isEqualTo("instrumentation.opentelemetry.io/inject-java");
      assertThat(o.describe()).contains("asked with instrumentation.opentelemetry.io/inject-java");
    });
    assertThat(ours.outcomes().get(0).requestedWith()).isNull();
    assertThat(status(upstream.pod()).path("java").path("requestedWith").asText())
        .isEqualTo("instrumentation.opentelemetry.io/inject-java");
    assertThat(status(ours.pod()).path("java").has("requestedWith")).isFalse();
    assertThat(upstream.pod().getSpec()).as("the same injection").isEqualTo(ours.pod().getSpec());
  }

  @Test
  void oursWinsWhereAnObjectCarriesBoth() {
    demo();
    PodMutator.Result declined = mutate(pod(Map.of("instrumentation.opentelemetry.io/inject-java", "true",
        "instrumentor.dev/inject-java", "false"), app("api")));
    assertThat(declined.pod().getSpec()).isEqualTo(pod(Map.of(), app("api")).getSpec());
    assertThat(declined.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.DISABLED);
      assertThat(o.requestedWith()).isNull();
    });

    // the pod's upstream value against the Namespace's own: the pod decides, as it does for one key
    PodMutator.Result podDecides = mutate(pod(Map.of("instrumentation.opentelemetry.io/inject-java", "false"),
        app("api")), Map.of("instrumentor.dev/inject-java", "true"));
    assertThat(podDecides.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.DISABLED);
      assertThat(o.reason()).isEqualTo("instrumentation.opentelemetry.io/inject-java is \"false\" on the pod");
    });
  }

  @Test
  void upstreamNamespaceAnnotationsAndContainerNamesAreHonoured() {
    demo();
    Map<String, String> namespace = Map.of("instrumentation.opentelemetry.io/inject-python", "true",
        "instrumentation.opentelemetry.io/otel-python-platform", "musl",
        "instrumentation.opentelemetry.io/container-names", "worker");
    PodMutator.Result result = mutate(pod(Map.of(), app("web"), app("worker")), namespace);
    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.INJECTED);
      assertThat(o.containers()).containsExactly("worker");
      assertThat(o.requestedWith()).isEqualTo("instrumentation.opentelemetry.io/inject-python");
    });
    assertThat(container(result.pod(), "instrumentor-python-agent").getCommand())
        .containsExactly("cp", "-r", "/autoinstrumentation-musl/.", "/instrumentor/python");

    PodMutator.Result oursNamesWin = mutate(pod(Map.of("instrumentor.dev/python-container-names", "web"),
        app("web"), app("worker")), namespace);
    assertThat(oursNamesWin.outcomes().get(0).containers()).containsExactly("web");

    PodMutator.Result unknown = mutate(pod(Map.of("instrumentation.opentelemetry.io/java-container-names", "nope",
        "instrumentation.opentelemetry.io/inject-java", "true"), app("web")));
    assertThat(unknown.outcomes().get(0).reason()).isEqualTo("container(s) nope named by"
        + " instrumentation.opentelemetry.io/java-container-names on the pod not found: the pod has web");
  }

}
