package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the mutator finds Instrumentations. The operator backs it with an informer cache, the
 * {@code inject} command with files: admission never calls the API server for them.
 */
public interface InstrumentationSource {

  /** The Instrumentations in {@code namespace}, in a stable order (by name). */
  List<Instrumentation> list(String namespace);

  /** The Instrumentation {@code namespace/name}, if it exists. */
  Optional<Instrumentation> get(String namespace, String name);

  /** The Instrumentations with a {@code spec.selector}, of every namespace. */
  default List<Instrumentation> selecting() {
    return List.of();
  }

  /** Whether {@code instrumentation} has a {@code spec.selector}. */
  static boolean selects(Instrumentation instrumentation) {
    return instrumentation.getSpec() != null && instrumentation.getSpec().getSelector() != null;
  }

  /** A fixed set, for the command line and tests. */
  static InstrumentationSource of(Collection<Instrumentation> instrumentations) {
    List<Instrumentation> all = instrumentations.stream()
        .sorted(Comparator.comparing((Instrumentation i) -> i.getMetadata().getNamespace())
            .thenComparing(i -> i.getMetadata().getName()))
        .toList();
    List<Instrumentation> selecting = all.stream().filter(InstrumentationSource::selects).toList();
    return new InstrumentationSource() {
      @Override
      public List<Instrumentation> selecting() {
        return selecting;
      }

      @Override
      public List<Instrumentation> list(String namespace) {
        return all.stream().filter(i -> namespace.equals(i.getMetadata().getNamespace())).toList();
      }

      @Override
      public Optional<Instrumentation> get(String namespace, String name) {
        return all.stream()
            .filter(i -> namespace.equals(i.getMetadata().getNamespace()) && name.equals(i.getMetadata().getName()))
            .findFirst();
      }
    };
  }
}
