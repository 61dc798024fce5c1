package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.instrumentor.api.v1alpha1.GoSpec;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's eBPF instrumentation, with the contract of the OpenTelemetry Operator's {@code internal/instrumentation/golang.go}
 * and {@code sdk.go} (its e2e test {@code instrumentation-go}): a sidecar with the OTEL_* environment of the target
 * container in a pod sharing one process namespace; the application container unchanged. The sidecar's run against a
 * real Go server is proven on the e2e node.
 */
class GoInjectionTest {

  private static final String INJECT = "instrumentation.opentelemetry.io/inject-go";
  private static final String EXE = "instrumentation.opentelemetry.io/otel-go-auto-target-exe";

  private final List<Instrumentation> instrumentations = new ArrayList<>();

  private Instrumentation demo() {
    Instrumentation demo = instrumentation("demo", "go", "http://collector.observability:4318");
    instrumentations.add(demo);
    return demo;
  }

  private PodMutator.Result mutate(Pod pod, Map<String, String> namespaceLabels) {
    PodMutator mutator = Agents.mutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults());
    PodContext context = PodContext.forPod(PodJson.of(PodJson.tree(pod)), "demo", Map.of(), namespaceLabels);
    PodMutator.Result result = Fixtures.mutateChecked(mutator, pod, context);
    if (result.changed()) {
      Pod again = result.pod();
      assertThat(mutator.mutate(PodJson.of(PodJson.tree(again)), PodContext.forPod(PodJson.of(PodJson.tree(again)),
          "demo", Map.of(), namespaceLabels)).changed())
          .as("mutating the mutated pod again changes it").isFalse();
    }
    return result;
  }

  private PodMutator.Result mutate(Pod pod) {
    return mutate(pod, Map.of());
  }

  private static Pod pod(Map<String, String> annotations, Container... containers) {
    return deploymentPod("dice", new LinkedHashMap<>(annotations)).editSpec().withContainers(containers).endSpec()
        .build();
  }

  private static Container app(String name, EnvVar... env) {
    return Fixtures.app(name, env);
  }

  @Test
  void aSidecarAttachesToTheNamedExecutableWithTheApplicationsTelemetrySettings() {
    demo().getSpec().setEnv(List.of(new EnvVar("OTEL_TRACES_SAMPLER", "always_on", null)));
    PodMutator.Result result = mutate(pod(Map.of(INJECT, "true", EXE, "/rolldice"),
        app("dice", new EnvVar("OTEL_SERVICE_NAME", "dice-api", null), new EnvVar("PORT", "8095", null))));

    assertThat(result.outcomes()).extracting(InjectionOutcome::language, InjectionOutcome::status)
        .containsExactly(tuple("go", Status.INJECTED));
    assertThat(result.outcomes().get(0).containers()).as("health judges the sidecar with the application")
        .containsExactly("dice", "instrumentor-go-agent");
    Pod pod = result.pod();
    assertThat(pod.getSpec().getShareProcessNamespace()).isTrue();
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("dice", "instrumentor-go-agent");
    Container app = Fixtures.container(pod, "dice");
    assertThat(app).as("the application container is not changed")
        .isEqualTo(app("dice", new EnvVar("OTEL_SERVICE_NAME", "dice-api", null), new EnvVar("PORT", "8095", null)));
    Container sidecar = Fixtures.container(pod, "instrumentor-go-agent");
    assertThat(sidecar.getImage())
        .isEqualTo("ghcr.io/open-telemetry/opentelemetry-go-instrumentation/autoinstrumentation-go:v0.24.0");
    Map<String, String> env = Fixtures.env(sidecar);
    assertThat(env).containsEntry("OTEL_GO_AUTO_TARGET_EXE", "/rolldice")
        .containsEntry("OTEL_SERVICE_NAME", "dice-api")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4318")
        .containsEntry("OTEL_TRACES_SAMPLER", "always_on")
        .containsKeys("OTEL_NODE_IP", "OTEL_POD_IP", "OTEL_RESOURCE_ATTRIBUTES_POD_NAME")
        .doesNotContainKey("PORT");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).as("the application's container, not the sidecar's")
        .contains("k8s.container.name=dice").contains("k8s.deployment.name=dice").contains("service.version=3.1");
    assertThat(sidecar.getSecurityContext().getRunAsUser()).isZero();
    assertThat(sidecar.getSecurityContext().getPrivileged()).isFalse();
    assertThat(sidecar.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("SYS_ADMIN", "SYS_PTRACE", "KILL");
    assertThat(sidecar.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sidecar.getVolumeMounts()).singleElement().satisfies(mount -> {
      assertThat(mount.getMountPath()).isEqualTo("/sys/kernel/security");
      assertThat(mount.getReadOnly()).isTrue();
    });
    assertThat(pod.getSpec().getVolumes()).anySatisfy(volume -> {
      assertThat(volume.getName()).isEqualTo("instrumentor-securityfs");
      assertThat(volume.getHostPath().getPath()).isEqualTo("/sys/kernel/security");
    });
    assertThat(pod.getMetadata().getLabels()).containsEntry("instrumentor.dev/instrumented", "go");
  }

  @Test
  void theExecutableMayComeFromTheInstrumentationAndTheBlocksImageAndSecurityContextWin() {
    GoSpec go = new GoSpec();
    go.setImage("registry.example.com/otel/go-auto:v0.24.0");
    go.setEnv(List.of(new EnvVar("OTEL_GO_AUTO_TARGET_EXE", "/app/server", null)));
    go.setSecurityContext(new SecurityContextBuilder().withPrivileged(true).withRunAsUser(0L).build());
    demo().getSpec().setGo(go);
    Pod pod = mutate(pod(Map.of("instrumentor.dev/inject-go", "true"), app("dice"))).pod();

    Container sidecar = Fixtures.container(pod, "instrumentor-go-agent");
    assertThat(sidecar.getImage()).isEqualTo("registry.example.com/otel/go-auto:v0.24.0");
    assertThat(Fixtures.env(sidecar)).containsEntry("OTEL_GO_AUTO_TARGET_EXE", "/app/server")
        .containsEntry("OTEL_SERVICE_NAME", "dice");
    assertThat(sidecar.getSecurityContext()).isEqualTo(new SecurityContextBuilder().withPrivileged(true)
        .withRunAsUser(0L).build());
  }

  @Test
  void podsTheSidecarCannotServeRunWithoutItAndSayWhy() {
    demo();
    assertThat(skipped(pod(Map.of(INJECT, "true"), app("dice")), Map.of())).isEqualTo("no executable to attach to:"
        + " set annotation instrumentor.dev/otel-go-auto-target-exe (the path of the Go binary in the container,"
        + " e.g. /app/server) on the pod, or OTEL_GO_AUTO_TARGET_EXE in the Instrumentation's spec.go.env");
    Pod unshared = pod(Map.of(INJECT, "true", EXE, "/rolldice"), app("dice"));
    unshared.getSpec().setShareProcessNamespace(false);
    assertThat(skipped(unshared, Map.of())).startsWith("the pod sets shareProcessNamespace: false");
    assertThat(skipped(pod(Map.of(INJECT, "true", EXE, "/rolldice", "instrumentor.dev/go-container-names", "a,b"),
        app("a"), app("b")), Map.of())).startsWith("the Go instrumentation attaches to one process per pod, and 2"
        + " containers (a,b) are named");
    assertThat(skipped(pod(Map.of(INJECT, "true", EXE, "/rolldice"), app("dice")),
        Map.of("pod-security.kubernetes.io/enforce", "restricted"))).startsWith("namespace demo enforces Pod Security"
        + " \"restricted\", which refuses the Go instrumentation's sidecar");
    assertThat(mutate(pod(Map.of(INJECT, "true", EXE, "/rolldice"), app("dice")),
        Map.of("pod-security.kubernetes.io/enforce", "privileged")).outcomes().get(0).status())
        .isEqualTo(Status.INJECTED);
    Pod job = pod(Map.of(INJECT, "true", EXE, "/rolldice"), app("dice"));
    job.getSpec().setRestartPolicy("Never");
    assertThat(skipped(job, Map.of())).startsWith("the pod's restartPolicy is Never (a Job's)");
    Pod userNamespace = pod(Map.of(INJECT, "true", EXE, "/rolldice"), app("dice"));
    userNamespace.getSpec().setHostUsers(false);
    assertThat(skipped(userNamespace, Map.of())).startsWith("the pod sets hostUsers: false");
  }

  private String skipped(Pod pod, Map<String, String> namespaceLabels) {
    PodMutator.Result result = mutate(pod, namespaceLabels);
    assertThat(result.pod().getSpec().getContainers()).extracting(Container::getName)
        .doesNotContain("instrumentor-go-agent");
    assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.SKIPPED));
    return result.outcomes().get(0).reason();
  }
}
