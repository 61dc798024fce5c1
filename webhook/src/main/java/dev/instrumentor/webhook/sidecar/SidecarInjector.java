package dev.instrumentor.webhook.sidecar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.Injector;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodEdits;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.Resolved;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds a sidecar-mode TelemetryCollector's container to pods annotated
 * {@code instrumentor.dev/inject-sidecar}: a native sidecar (an init container with
 * {@code restartPolicy: Always}, started before the app and stopped after it) on API servers 1.29+,
 * else a regular container.
 */
public final class SidecarInjector implements Injector {

  public static final String NAME = "sidecar";
  private static final String KIND = "sidecar-mode TelemetryCollector";

  private final CollectorSource collectors;
  private final InjectorSettings settings;

  public SidecarInjector(CollectorSource collectors, InjectorSettings settings) {
    this.collectors = collectors;
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String annotation() {
    return InstrumentorAnnotations.INJECT_SIDECAR;
  }

  @Override
  public boolean alreadyInjected(PodJson pod) {
    return pod.containers().stream().anyMatch(c -> CollectorContainer.CONTAINER_NAME.equals(c.name()))
        || pod.initContainers().stream().anyMatch(c -> CollectorContainer.CONTAINER_NAME.equals(c.name()));
  }

  @Override
  public InjectionOutcome inject(PodJson pod, PodContext context, InjectionRequestValue request, PodEdits edits) {
    Resolved<TelemetryCollector> resolved = Resolved.resolve(request, context.namespace(), KIND,
        collectors::sidecars, collectors::get);
    if (resolved.resource() == null) {
      return InjectionOutcome.skipped(NAME, resolved.problem(), null);
    }
    TelemetryCollector collector = resolved.resource();
    if (!CollectorSource.isSidecar(collector)) {
      return InjectionOutcome.skipped(NAME, "TelemetryCollector " + reference(collector) + " has mode "
          + collector.getSpec().getMode() + ", not sidecar", reference(collector));
    }
    if (!context.namespace().equals(collector.getMetadata().getNamespace())) {
      return InjectionOutcome.skipped(NAME, "TelemetryCollector " + reference(collector)
          + " is in another namespace: a sidecar mounts its config from the pod's namespace", reference(collector));
    }
    String image = collector.getSpec().getImage() == null || collector.getSpec().getImage().isBlank()
        ? settings.collectorImage() : collector.getSpec().getImage();
    ObjectNode container = PodJson.tree(CollectorContainer.container(collector.getSpec(), image, List.of(), null));
    List<ObjectNode> volumes = new ArrayList<>();
    volumes.add(PodJson.tree(CollectorContainer.configVolume(collector.getMetadata().getName())));
    if (collector.getSpec().getVolumes() != null) {
      for (Volume volume : collector.getSpec().getVolumes()) {
        volumes.add(PodJson.tree(volume));
      }
    }
    for (Volume volume : CollectorContainer.configMapVolumes(collector.getSpec())) {
      volumes.add(PodJson.tree(volume));
    }
    String taken = pod.containerNamed(CollectorContainer.CONTAINER_NAME);
    if (taken != null) {
      return InjectionOutcome.skipped(NAME, "the pod has " + taken + " named " + CollectorContainer.CONTAINER_NAME
          + " that Instrumentor did not add: rename it", reference(collector));
    }
    for (ObjectNode volume : volumes) {
      // the API server refuses a pod with two volumes of one name: say so instead of blocking the pod
      String name = volume.path("name").asText();
      if (pod.hasVolume(name)) {
        return InjectionOutcome.skipped(NAME, "the pod already has a volume named " + name
            + ", which the collector sidecar needs: rename it", reference(collector));
      }
    }
    edits.addVolumes(volumes);
    if (settings.nativeSidecars()) {
      container.put("restartPolicy", "Always");
      edits.insertInitContainers(0, List.of(container));
    } else {
      edits.addContainers(List.of(container));
    }
    return InjectionOutcome.injected(NAME, settings.nativeSidecars() ? "collector added as a native sidecar"
        : "collector added as a container", reference(collector), List.of(CollectorContainer.CONTAINER_NAME));
  }

  private static String reference(TelemetryCollector collector) {
    return Resolved.reference(collector);
  }
}
