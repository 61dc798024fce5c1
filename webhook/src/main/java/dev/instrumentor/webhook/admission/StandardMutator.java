package dev.instrumentor.webhook.admission;

import dev.instrumentor.webhook.agent.Agents;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.sidecar.CollectorSource;
import dev.instrumentor.webhook.sidecar.SidecarInjector;
import java.util.Set;

/**
 * What the webhook does to a pod, assembled where admission meets the two kinds of injection (so that
 * neither imports the other): the agents ({@link Agents#injectors}), then the collector sidecar. Init
 * containers come in this order.
 */
public final class StandardMutator {

  private StandardMutator() {
  }

  /** With no Instrumentation's namespaceSelector honoured (podSelectors still are). */
  public static PodMutator of(InstrumentationSource instrumentations, CollectorSource collectors,
      InjectorSettings settings) {
    return of(instrumentations, collectors, settings, Set.of());
  }

  /**
   * @param selectorNamespaces the namespaces whose Instrumentations' namespaceSelector is honoured ({@code *}: all)
   */
  public static PodMutator of(InstrumentationSource instrumentations, CollectorSource collectors,
      InjectorSettings settings, Set<String> selectorNamespaces) {
    return Agents.mutator(instrumentations, settings, selectorNamespaces).then(new SidecarInjector(collectors, settings));
  }
}
