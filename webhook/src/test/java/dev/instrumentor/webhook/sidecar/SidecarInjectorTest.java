package dev.instrumentor.webhook.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.webhook.admission.StandardMutator;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarInjectorTest {

  private final List<TelemetryCollector> collectors = new ArrayList<>();

  private static TelemetryCollector collector(String namespace, String name, CollectorMode mode) {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setNamespace(namespace);
    collector.getMetadata().setName(name);
    collector.getMetadata().setGeneration(3L);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(mode);
    spec.setConfig(JsonNodeFactory.instance.objectNode());
    collector.setSpec(spec);
    return collector;
  }

  private PodMutator.Result inject(String value, boolean nativeSidecars) {
    InjectorSettings settings = new InjectorSettings(AgentImages.DEFAULTS, InjectorSettings.DEFAULT_RUN_AS_USER, InjectorSettings.DEFAULT_COLLECTOR_IMAGE, nativeSidecars);
    PodMutator mutator = StandardMutator.of(InstrumentationSource.of(List.of()), CollectorSource.of(collectors), settings);
    Pod pod = Fixtures.deploymentPod("shop", Map.of("instrumentor.dev/inject-sidecar", value)).build();
    return Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of()));
  }

  @Test
  void nativeSidecarFirstAmongInitContainers() {
    collectors.add(collector("demo", "agent", CollectorMode.SIDECAR));

    PodMutator.Result result = inject("true", true);

    assertThat(result.outcomes()).containsExactly(InjectionOutcome.injected("sidecar",
        "collector added as a native sidecar", "demo/agent@3", List.of("otc-container")));
    Container sidecar = result.pod().getSpec().getInitContainers().get(0);
    assertThat(sidecar.getName()).isEqualTo("otc-container");
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(sidecar.getImage()).isEqualTo(InjectorSettings.DEFAULT_COLLECTOR_IMAGE);
    assertThat(sidecar.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(result.pod().getSpec().getVolumes()).anySatisfy(v ->
        assertThat(v.getConfigMap().getName()).isEqualTo("agent-collector"));
  }

  @Test
  void aPodVolumeNamedLikeTheCollectorsConfigIsSkippedNotBlocked() {
    collectors.add(collector("demo", "agent", CollectorMode.SIDECAR));
    InjectorSettings settings = InjectorSettings.defaults();
    PodMutator mutator = StandardMutator.of(InstrumentationSource.of(List.of()), CollectorSource.of(collectors), settings);
    Pod pod = Fixtures.deploymentPod("shop", Map.of("instrumentor.dev/inject-sidecar", "true")).editSpec()
        .addNewVolume().withName("instrumentor-collector-config").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().build();
    PodMutator.Result result = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of()));
    assertThat(result.pod().getSpec().getVolumes()).hasSize(1);
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(InjectionOutcome.Status.SKIPPED);
      assertThat(outcome.reason()).contains("already has a volume named instrumentor-collector-config");
    });
  }

  /** Found by the hostile-pod corpus on the real API server: a second otc-container would block the pod. */
  @Test
  void aUserContainerNamedLikeTheSidecarIsSkippedNotBlocked() {
    collectors.add(collector("demo", "agent", CollectorMode.SIDECAR));
    PodMutator mutator = StandardMutator.of(InstrumentationSource.of(List.of()), CollectorSource.of(collectors),
        InjectorSettings.defaults());
    Pod pod = Fixtures.deploymentPod("shop", Map.of("instrumentor.dev/inject-sidecar", "true")).editSpec()
        .addNewContainer().withName("otc-container").withImage("otel/opentelemetry-collector").endContainer()
        .endSpec().build();
    PodMutator.Result result = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of()));
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(InjectionOutcome.Status.SKIPPED);
      assertThat(outcome.reason()).contains("a container named otc-container that Instrumentor did not add");
    });
  }

  @Test
  void regularContainerBefore129() {
    collectors.add(collector("demo", "agent", CollectorMode.SIDECAR));
    PodMutator.Result result = inject("agent", false);
    assertThat(result.pod().getSpec().getContainers()).extracting(Container::getName).containsExactly("app", "otc-container");
    assertThat(result.pod().getSpec().getContainers().get(1).getRestartPolicy()).isNull();
  }

  @Test
  void reasonsWhenNoSidecarCanBeInjected() {
    assertThat(inject("true", true).warnings()).containsExactly("instrumentor: sidecar skipped: no sidecar-mode"
        + " TelemetryCollector in namespace demo: create one, or name one in the annotation as <namespace>/<name>");
    assertThat(inject("missing", true).warnings()).containsExactly(
        "instrumentor: sidecar skipped: sidecar-mode TelemetryCollector demo/missing not found");
    collectors.add(collector("demo", "gateway", CollectorMode.DEPLOYMENT));
    assertThat(inject("gateway", true).warnings()).containsExactly(
        "instrumentor: sidecar skipped (demo/gateway@3): TelemetryCollector demo/gateway@3 has mode deployment, not sidecar");
    collectors.add(collector("demo", "a", CollectorMode.SIDECAR));
    collectors.add(collector("demo", "b", CollectorMode.SIDECAR));
    assertThat(inject("true", true).warnings()).containsExactly("instrumentor: sidecar skipped: 2 sidecar-mode"
        + " TelemetryCollectors in namespace demo (a, b): name one in the annotation instead of \"true\"");
    collectors.add(collector("other", "agent", CollectorMode.SIDECAR));
    assertThat(inject("other/agent", true).warnings()).containsExactly("instrumentor: sidecar skipped (other/agent@3):"
        + " TelemetryCollector other/agent@3 is in another namespace: a sidecar mounts its config from the pod's namespace");
  }

  @Test
  void injectingTwiceAddsOneSidecar() {
    collectors.add(collector("demo", "agent", CollectorMode.SIDECAR));
    Pod once = inject("true", true).pod();
    PodMutator mutator = StandardMutator.of(InstrumentationSource.of(List.of()), CollectorSource.of(collectors),
        InjectorSettings.defaults());
    PodMutator.Result again = mutator.mutate(once, PodContext.forPod(once, "demo", Map.of()));
    assertThat(again.changed()).isFalse();
  }
}
