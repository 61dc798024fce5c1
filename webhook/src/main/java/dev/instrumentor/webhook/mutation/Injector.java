package dev.instrumentor.webhook.mutation;

/** One kind of injection (a language's agent, a collector sidecar), driven by one annotation. */
public interface Injector {

  /** The key of this injection in the status annotation and in outcomes, e.g. {@code java}. */
  String name();

  /** The annotation asking for it, e.g. {@code instrumentor.dev/inject-java}. */
  String annotation();

  /**
   * The OpenTelemetry Operator's annotation meaning the same (honoured where a pod or Namespace
   * does not carry ours), or null.
   */
  default String upstreamAnnotation() {
    return null;
  }

  /** True when {@code pod} already carries this injection: it is then left as it is. */
  boolean alreadyInjected(PodJson pod);

  /**
   * Decides the injection into {@code pod} and records its changes in {@code edits}, which the
   * caller applies only when the outcome is injected. Reads {@code pod}; never writes it.
   *
   * @param request what the annotation asks for: {@link InjectionRequestValue.OnlyOneInNamespace} or
   *                {@link InjectionRequestValue.Named}
   */
  InjectionOutcome inject(PodJson pod, PodContext context, InjectionRequestValue request, PodEdits edits);
}
