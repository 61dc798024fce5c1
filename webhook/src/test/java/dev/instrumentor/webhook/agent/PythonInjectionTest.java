package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.ExporterProtocol;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.PythonSpec;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Python injection: the contract of the OpenTelemetry Operator's autoinstrumentation-python images,
 * on the code path Java uses (what is common is proven once, in {@link JavaInjectionTest}).
 */
class PythonInjectionTest {

  private static final String INJECT = "instrumentor.dev/inject-python";
  private static final String PREFIX = "/instrumentor/python/opentelemetry/instrumentation/auto_instrumentation";
  private final List<Instrumentation> instrumentations = new ArrayList<>();

  private Instrumentation python(String endpoint) {
    Instrumentation python = instrumentation("demo", "python", endpoint);
    instrumentations.add(python);
    return python;
  }

  private PodMutator.Result mutate(Pod pod, Map<String, String> namespaceAnnotations) {
    PodMutator mutator = Agents.mutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults());
    return Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", namespaceAnnotations));
  }

  private PodMutator.Result mutate(Pod pod) {
    return mutate(pod, Map.of());
  }

  private static Pod podWith(Map<String, String> annotations, Container... containers) {
    Map<String, String> all = new LinkedHashMap<>(Map.of(INJECT, "true"));
    all.putAll(annotations);
    return deploymentPod("shop", all).editSpec().withContainers(containers).endSpec().build();
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

  @Test
  void theUpstreamImageContractWithTheSharedOtelEnvironment() {
    python("http://collector.observability:4318");
    PodMutator.Result result = mutate(podWith(Map.of(), app("web")));
    Pod pod = result.pod();

    Container init = container(pod, "instrumentor-python-agent");
    assertThat(init.getImage()).isEqualTo(AgentImages.DEFAULT_PYTHON);
    assertThat(init.getCommand()).containsExactly("cp", "-r", "/autoinstrumentation/.", "/instrumentor/python");
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(init.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getSpec().getVolumes()).anySatisfy(volume -> {
      assertThat(volume.getName()).isEqualTo("instrumentor-python-agent");
      assertThat(volume.getEmptyDir().getSizeLimit().toString()).isEqualTo("200Mi");
    });
    Container web = container(pod, "web");
    assertThat(web.getVolumeMounts()).anySatisfy(mount -> {
      assertThat(mount.getMountPath()).isEqualTo("/instrumentor/python");
      assertThat(mount.getReadOnly()).isTrue();
    });
    assertThat(env(web))
        .containsEntry("PYTHONPATH", PREFIX + ":/instrumentor/python")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .containsEntry("OTEL_TRACES_EXPORTER", "otlp")
        .containsEntry("OTEL_METRICS_EXPORTER", "otlp")
        .containsEntry("OTEL_LOGS_EXPORTER", "otlp")
        .containsEntry("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "true")
        // shared with Java: the service name from the Deployment, the endpoint, the resource attributes
        .containsEntry("OTEL_SERVICE_NAME", "shop")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4318")
        .containsKey("OTEL_RESOURCE_ATTRIBUTES")
        .doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(env(web).get("OTEL_RESOURCE_ATTRIBUTES")).contains("k8s.deployment.name=shop", "k8s.container.name=web",
        "service.version=3.1");
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.language()).isEqualTo("python");
      assertThat(outcome.status()).isEqualTo(Status.INJECTED);
      assertThat(outcome.reason()).isEqualTo("Python auto-instrumentation attached");
    });
    assertThat(pod.getMetadata().getAnnotations().get("instrumentor.dev/injection-status"))
        .contains("\"python\":{\"status\":\"injected\"");

    PodMutator.Result again = mutate(pod);
    assertThat(again.changed()).as("idempotent").isFalse();
  }

  @Test
  void anExistingPythonpathIsKeptBetweenTheAgentsParts() {
    python("http://collector:4318");
    Pod pod = mutate(podWith(Map.of(), app("web", new EnvVar("PYTHONPATH", "/app:/app/lib", null)))).pod();
    assertThat(env(container(pod, "web"))).containsEntry("PYTHONPATH", PREFIX + ":/app:/app/lib:/instrumentor/python");
  }

  @Test
  void aPythonpathFromValueFromIsKeptThroughAHelperVariable() {
    python("http://collector:4318");
    EnvVar fromConfigMap = new EnvVarBuilder().withName("PYTHONPATH").withNewValueFrom()
        .withNewConfigMapKeyRef("path", "python", false).endValueFrom().build();
    Pod pod = mutate(podWith(Map.of(), app("web", fromConfigMap))).pod();
    List<String> names = container(pod, "web").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.indexOf("INSTRUMENTOR_ORIGINAL_PYTHONPATH")).isLessThan(names.indexOf("PYTHONPATH"));
    assertThat(env(container(pod, "web"))).containsEntry("INSTRUMENTOR_ORIGINAL_PYTHONPATH", "valueFrom")
        .containsEntry("PYTHONPATH", PREFIX + ":$(INSTRUMENTOR_ORIGINAL_PYTHONPATH):/instrumentor/python");
  }

  @Test
  void theUsersExportersAndProtocolWinOverTheDefaults() {
    python("http://collector:4318");
    Pod pod = mutate(podWith(Map.of(), app("web", new EnvVar("OTEL_METRICS_EXPORTER", "none", null),
        new EnvVar("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "false", null)))).pod();
    assertThat(env(container(pod, "web"))).containsEntry("OTEL_METRICS_EXPORTER", "none")
        .containsEntry("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "false")
        .containsEntry("OTEL_TRACES_EXPORTER", "otlp");
  }

  @Test
  void muslFromTheAnnotationOnThePodOrItsNamespace() {
    python("http://collector:4318");
    Pod onPod = mutate(podWith(Map.of("instrumentor.dev/python-platform", "musl"), app("web"))).pod();
    assertThat(container(onPod, "instrumentor-python-agent").getCommand())
        .containsExactly("cp", "-r", "/autoinstrumentation-musl/.", "/instrumentor/python");
    Pod onNamespace = mutate(podWith(Map.of(), app("web")), Map.of("instrumentor.dev/python-platform", "musl")).pod();
    assertThat(container(onNamespace, "instrumentor-python-agent").getCommand()).contains("/autoinstrumentation-musl/.");
  }

  @Test
  void anUnknownPlatformIsASkipWithTheReason() {
    python("http://collector:4318");
    PodMutator.Result result = mutate(podWith(Map.of("instrumentor.dev/python-platform", "alpine"), app("web")));
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
      assertThat(outcome.reason()).contains("python-platform on the pod is \"alpine\"", "\"musl\" (Alpine)");
    });
    assertThat(result.warnings()).singleElement().asString().contains("alpine");
  }

  @Test
  void aGrpcEndpointIsHttpWithAWarningNotASilentFailure() {
    python("http://collector.observability:4317");
    PodMutator.Result result = mutate(podWith(Map.of(), app("web")));
    assertThat(env(container(result.pod(), "web"))).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.INJECTED);
      assertThat(outcome.reason()).contains("http://collector.observability:4317 is on 4317", "4318");
    });
    assertThat(result.warnings()).as("the user sees it in kubectl's output").singleElement().asString().contains("4317");
  }

  @Test
  void anExplicitProtocolIsTheInstrumentationsChoice() {
    Instrumentation python = python("http://collector:4317");
    python.getSpec().getExporter().setProtocol(ExporterProtocol.GRPC);
    PythonSpec spec = new PythonSpec();
    spec.setImage("registry.example.com/python-agent-with-grpc:1");
    python.getSpec().setPython(spec);
    PodMutator.Result result = mutate(podWith(Map.of(), app("web")));
    assertThat(env(container(result.pod(), "web"))).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    assertThat(container(result.pod(), "instrumentor-python-agent").getImage())
        .isEqualTo("registry.example.com/python-agent-with-grpc:1");
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void grpcWithTheDefaultImageIsAWarningNotASilentFailure() {
    Instrumentation python = python("http://collector:4318");
    python.getSpec().getExporter().setProtocol(ExporterProtocol.GRPC);
    PodMutator.Result result = mutate(podWith(Map.of(), app("web")));
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.INJECTED);
      assertThat(outcome.reason()).contains("the protocol is grpc", "exports OTLP over HTTP only");
    });
    assertThat(result.warnings()).hasSize(1);
  }

  /** Found in review: Java's generated grpc protocol would have reached Python's HTTP-only exporter silently. */
  @Test
  void aContainerAskedForByJavaAndPythonGetsJavaAndAnErrorForPython() {
    python("http://collector:4317");
    PodMutator.Result result = mutate(podWith(Map.of("instrumentor.dev/inject-java", "true"), app("web")));
    assertThat(result.outcomes()).extracting(InjectionOutcome::language, InjectionOutcome::status)
        .containsExactly(Tuple.tuple("java", Status.INJECTED),
            Tuple.tuple("python", Status.ERROR));
    assertThat(result.outcomes().get(1).reason()).contains("container web is instrumented with java",
        "python-container-names", "java-container-names");
    assertThat(env(container(result.pod(), "web"))).containsKey("JAVA_TOOL_OPTIONS").doesNotContainKey("PYTHONPATH");
    assertThat(result.warnings()).singleElement().asString().contains("python");
  }

  @Test
  void aPythonpathThatOnlyLooksLikeOursIsStillCompleted() {
    python("http://collector:4318");
    Pod pod = mutate(podWith(Map.of(), app("web", new EnvVar("PYTHONPATH", PREFIX + ":/app", null)))).pod();
    assertThat(env(container(pod, "web"))).containsEntry("PYTHONPATH", PREFIX + ":" + PREFIX + ":/app:/instrumentor/python");
    Pod complete = mutate(podWith(Map.of(), app("web",
        new EnvVar("PYTHONPATH", PREFIX + ":/app:/instrumentor/python", null)))).pod();
    assertThat(env(container(complete, "web"))).containsEntry("PYTHONPATH", PREFIX + ":/app:/instrumentor/python");
  }

  @Test
  void theLanguageBlocksEnvWinsOverTheSpecsAndTheContainersOverBoth() {
    Instrumentation python = python("http://collector:4318");
    python.getSpec().setEnv(List.of(new EnvVar("OTEL_PYTHON_EXCLUDED_URLS", "spec", null),
        new EnvVar("SHARED", "spec", null)));
    PythonSpec spec = new PythonSpec();
    spec.setEnv(List.of(new EnvVar("OTEL_PYTHON_EXCLUDED_URLS", "healthz,readyz", null)));
    python.getSpec().setPython(spec);
    Pod pod = mutate(podWith(Map.of(), app("web", new EnvVar("SHARED", "container", null)))).pod();
    assertThat(env(container(pod, "web"))).containsEntry("OTEL_PYTHON_EXCLUDED_URLS", "healthz,readyz")
        .containsEntry("SHARED", "container");
  }

  @Test
  void aJavaContainerAndAPythonContainerInOnePodGetEachTheirAgent() {
    instrumentations.add(instrumentation("demo", "platform", "http://collector:4318"));
    Pod pod = new PodBuilder(podWith(Map.of("instrumentor.dev/inject-java", "true",
        "instrumentor.dev/java-container-names", "api", "instrumentor.dev/python-container-names", "worker"),
        app("api"), app("worker"))).build();
    PodMutator.Result result = mutate(pod);
    assertThat(result.outcomes()).extracting(InjectionOutcome::language, InjectionOutcome::status)
        .containsExactly(Tuple.tuple("java", Status.INJECTED),
            Tuple.tuple("python", Status.INJECTED));
    assertThat(env(container(result.pod(), "api"))).containsKey("JAVA_TOOL_OPTIONS").doesNotContainKey("PYTHONPATH");
    assertThat(env(container(result.pod(), "worker"))).containsKey("PYTHONPATH").doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(result.pod().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("instrumentor-java-agent", "instrumentor-python-agent");
  }
}
