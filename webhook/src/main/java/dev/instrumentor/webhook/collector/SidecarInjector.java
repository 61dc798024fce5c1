package dev.instrumentor.webhook.collector;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.webhook.inject.InjectionOutcome;
import dev.instrumentor.webhook.inject.InjectionRequestValue;
import dev.instrumentor.webhook.inject.Injector;
import dev.instrumentor.webhook.inject.InjectorSettings;
import dev.instrumentor.webhook.inject.PodContext;
import dev.instrumentor.webhook.inject.Resolved;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
  public boolean alreadyInjected(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return false;
    }
    return Stream.concat(spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
            spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream())
        .anyMatch(c -> CollectorContainer.CONTAINER_NAME.equals(c.getName()));
  }

  @Override
  public InjectionOutcome inject(Pod pod, PodContext context, InjectionRequestValue request) {
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
    PodSpec spec = pod.getSpec();
    String image = collector.getSpec().getImage() == null || collector.getSpec().getImage().isBlank()
        ? settings.collectorImage() : collector.getSpec().getImage();
    Container container = CollectorContainer.container(collector.getSpec(), image, List.of(), null);
    List<Volume> volumes = spec.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(spec.getVolumes());
    volumes.add(CollectorContainer.configVolume(collector.getMetadata().getName()));
    if (collector.getSpec().getVolumes() != null) {
      volumes.addAll(collector.getSpec().getVolumes());
    }
    spec.setVolumes(volumes);
    if (settings.nativeSidecars()) {
      container.setRestartPolicy("Always");
      List<Container> init = spec.getInitContainers() == null ? new ArrayList<>() : new ArrayList<>(spec.getInitContainers());
      init.add(0, container);
      spec.setInitContainers(init);
    } else {
      List<Container> containers = new ArrayList<>(spec.getContainers());
      containers.add(container);
      spec.setContainers(containers);
    }
    return InjectionOutcome.injected(NAME, settings.nativeSidecars() ? "collector added as a native sidecar"
        : "collector added as a container", reference(collector), List.of(CollectorContainer.CONTAINER_NAME));
  }

  private static String reference(TelemetryCollector collector) {
    return Resolved.reference(collector);
  }
}
