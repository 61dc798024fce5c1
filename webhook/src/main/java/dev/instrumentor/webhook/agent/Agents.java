package dev.instrumentor.webhook.agent;

import dev.instrumentor.webhook.mutation.Injector;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodMutator;
import java.util.List;
import java.util.Set;

/** The agents' injections, in the order their init containers come: what admission and the CLI assemble. */
public final class Agents {

  private Agents() {
  }

  /** Every language, in the order their init containers come. */
  public static List<Injector> injectors(InstrumentationSource instrumentations, InjectorSettings settings) {
    return List.copyOf(AgentInjector.all(instrumentations, settings));
  }

  /** The languages without the sidecar, with no selector choosing pods. */
  public static PodMutator mutator(InstrumentationSource instrumentations, InjectorSettings settings) {
    return new PodMutator(injectors(instrumentations, settings));
  }

  /**
   * The languages without the sidecar, the Instrumentations' {@code spec.selector} choosing pods that no annotation
   * asks about: what the {@code inject} command uses.
   *
   * @param selectorNamespaces the namespaces whose Instrumentations' namespaceSelector is honoured ({@code *}: all)
   */
  public static PodMutator mutator(InstrumentationSource instrumentations, InjectorSettings settings,
      Set<String> selectorNamespaces) {
    return new PodMutator(injectors(instrumentations, settings), new SelectorTargeting(instrumentations, selectorNamespaces));
  }
}
