package dev.instrumentor.webhook.admission;

import dev.instrumentor.webhook.collector.CollectorSource;
import dev.instrumentor.webhook.collector.SidecarInjector;
import dev.instrumentor.webhook.inject.InjectorSettings;
import dev.instrumentor.webhook.inject.InstrumentationSource;
import dev.instrumentor.webhook.inject.PodMutator;

/**
 * What the webhook does to a pod, assembled where admission meets the two kinds of injection (so that
 * neither imports the other): every language (Java, Node.js, Python, .NET, SDK-only), the languages of the
 * OpenTelemetry Operator's annotations that are not injected (a skipped outcome), then the collector
 * sidecar. Init containers come in this order.
 */
public final class StandardMutator {

  private StandardMutator() {
  }

  public static PodMutator of(InstrumentationSource instrumentations, CollectorSource collectors,
      InjectorSettings settings) {
    return PodMutator.forAgents(instrumentations, settings).then(new SidecarInjector(collectors, settings));
  }
}
