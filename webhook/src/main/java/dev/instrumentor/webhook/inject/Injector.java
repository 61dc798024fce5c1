package dev.instrumentor.webhook.inject;

import io.fabric8.kubernetes.api.model.Pod;

/** One kind of injection (a language's agent, a collector sidecar), driven by one annotation. */
public interface Injector {

  /** The key of this injection in the status annotation and in outcomes, e.g. {@code java}. */
  String name();

  /** The annotation asking for it, e.g. {@code instrumentor.dev/inject-java}. */
  String annotation();

  /** True when {@code pod} already carries this injection: it is then left as it is. */
  boolean alreadyInjected(Pod pod);

  /**
   * Injects into {@code pod}, a copy the caller discards unless the outcome is injected.
   *
   * @param request what the annotation asks for: {@link InjectionRequestValue.OnlyOneInNamespace} or
   *                {@link InjectionRequestValue.Named}
   */
  InjectionOutcome inject(Pod pod, PodContext context, InjectionRequestValue request);
}
