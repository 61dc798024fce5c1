package dev.instrumentor.webhook.mutation;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What happened to one language's injection in one pod. Recorded on the pod (annotation
 * {@code instrumentor.dev/injection-status}), in admission warnings, logs, Events and metrics.
 *
 * @param language        {@code java}, {@code sidecar}, ...
 * @param status          the result
 * @param reason          a sentence a user can act on
 * @param instrumentation {@code namespace/name@generation} of the resource used, or null
 * @param containers      the containers changed (empty unless injected)
 * @param caveat          injected, with something the user should know (the reason says what): warned about
 * @param requestedWith   the annotation that asked when it is not Instrumentor's own (the OpenTelemetry
 *                        Operator's {@code instrumentation.opentelemetry.io/inject-java}), else null
 */
public record InjectionOutcome(String language, Status status, String reason, String instrumentation,
    List<String> containers, boolean caveat, String requestedWith) {

  public InjectionOutcome {
    containers = List.copyOf(containers);
  }

  private InjectionOutcome(String language, Status status, String reason, String instrumentation,
      List<String> containers, boolean caveat) {
    this(language, status, reason, instrumentation, containers, caveat, null);
  }

  /** This outcome, recording that {@code annotation} asked for it. */
  public InjectionOutcome requestedWith(String annotation) {
    return Objects.equals(annotation, requestedWith) ? this : new InjectionOutcome(language, status, reason, instrumentation, containers, caveat, annotation);
  }

  /** The result of injecting one language. */
  public enum Status {
    /** Injected as asked. */
    INJECTED,
    /** Asked for, and not done: {@link #reason()} says why (no Instrumentation, unknown container, ...). */
    SKIPPED,
    /** The annotation says {@code "false"}: nothing to do, nothing to warn about. */
    DISABLED,
    /** An internal error; the pod was admitted unchanged (fail open). */
    ERROR,
    /** Not injected: the agent made this pod's workload fail, and it was rolled back (spec.rollback). */
    ROLLED_BACK;

    /** As the annotation, metrics and the CLI show it: {@code injected}, {@code rolled-back}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static InjectionOutcome injected(String language, String reason, String instrumentation, List<String> containers) {
    return new InjectionOutcome(language, Status.INJECTED, reason, instrumentation, containers, false);
  }

  /** Injected, and the user should know something about it (said in {@code reason}, and warned about). */
  public static InjectionOutcome injectedWithCaveat(String language, String reason, String instrumentation,
      List<String> containers) {
    return new InjectionOutcome(language, Status.INJECTED, reason, instrumentation, containers, true);
  }

  public static InjectionOutcome skipped(String language, String reason, String instrumentation) {
    return new InjectionOutcome(language, Status.SKIPPED, reason, instrumentation, List.of(), false);
  }

  public static InjectionOutcome disabled(String language, String reason) {
    return new InjectionOutcome(language, Status.DISABLED, reason, null, List.of(), false);
  }

  /** Not injected because the workload was rolled back: {@code reason} says by what and how to retry. */
  public static InjectionOutcome rolledBack(String language, String reason, String instrumentation) {
    return new InjectionOutcome(language, Status.ROLLED_BACK, reason, instrumentation, List.of(), false);
  }

  public static InjectionOutcome error(String language, String reason, String instrumentation) {
    return new InjectionOutcome(language, Status.ERROR, reason, instrumentation, List.of(), false);
  }

  /** True when the pod asked for this language and did not get it, or got it with a caveat: the user should be told. */
  public boolean warrantsWarning() {
    return status == Status.SKIPPED || status == Status.ERROR || status == Status.ROLLED_BACK || caveat;
  }

  /** One line for admission warnings, logs and the CLI. */
  public String describe() {
    return language + " " + status.value() + (instrumentation == null ? "" : " (" + instrumentation + ")")
        + (containers.isEmpty() ? "" : " into " + String.join(",", containers))
        + (requestedWith == null ? "" : ", asked with " + requestedWith) + ": " + reason;
  }
}
