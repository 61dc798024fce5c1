package dev.instrumentor.webhook.sidecar;

import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Where the sidecar injector finds TelemetryCollectors: an informer cache, or a fixed set in tests. */
public interface CollectorSource {

  /** The sidecar-mode TelemetryCollectors of {@code namespace}, by name. */
  List<TelemetryCollector> sidecars(String namespace);

  /** TelemetryCollector {@code namespace/name}, whatever its mode. */
  Optional<TelemetryCollector> get(String namespace, String name);

  static CollectorSource of(Collection<TelemetryCollector> collectors) {
    List<TelemetryCollector> all = collectors.stream()
        .sorted(Comparator.comparing((TelemetryCollector c) -> c.getMetadata().getNamespace())
            .thenComparing(c -> c.getMetadata().getName())).toList();
    return new CollectorSource() {
      @Override
      public List<TelemetryCollector> sidecars(String namespace) {
        return all.stream().filter(c -> namespace.equals(c.getMetadata().getNamespace()) && isSidecar(c)).toList();
      }

      @Override
      public Optional<TelemetryCollector> get(String namespace, String name) {
        return all.stream().filter(c -> namespace.equals(c.getMetadata().getNamespace())
            && name.equals(c.getMetadata().getName())).findFirst();
      }
    };
  }

  static boolean isSidecar(TelemetryCollector collector) {
    return collector.getSpec() != null && collector.getSpec().getMode() == CollectorMode.SIDECAR;
  }
}
