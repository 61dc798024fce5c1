package dev.instrumentor.webhook.inject;

import dev.instrumentor.api.InstrumentorAnnotations;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pure pod mutation: from a pod, its context and the available resources to the mutated pod and an
 * outcome per injection. Never throws for a pod: an internal error in one injection leaves the pod
 * as that injection found it and is reported as an {@code error} outcome (fail open). Calling it
 * again on its own output returns that output unchanged.
 */
public final class PodMutator {

  private static final Logger LOG = LoggerFactory.getLogger(PodMutator.class);

  private final List<Injector> injectors;

  public PodMutator(List<Injector> injectors) {
    this.injectors = List.copyOf(injectors);
  }

  /** Every injection: the Java agent, then the collector sidecar. */
  public static PodMutator standard(InstrumentationSource instrumentations,
      dev.instrumentor.webhook.collector.CollectorSource collectors, InjectorSettings settings) {
    return new PodMutator(List.of(new JavaInjector(instrumentations, settings),
        new dev.instrumentor.webhook.collector.SidecarInjector(collectors, settings)));
  }

  /** The Java injector only: what the {@code inject} command and most tests use. */
  public static PodMutator forJava(InstrumentationSource instrumentations, InjectorSettings settings) {
    return new PodMutator(List.of(new JavaInjector(instrumentations, settings)));
  }

  /**
   * Mutates a copy of {@code pod}; {@code pod} itself is not changed.
   *
   * @return the result; {@link Result#pod()} is {@code pod} itself when nothing changed
   */
  public Result mutate(Pod pod, PodContext context) {
    Map<String, String> podAnnotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    List<InjectionOutcome> outcomes = new ArrayList<>();
    Pod current = pod;
    for (Injector injector : injectors) {
      InjectionRequestValue request = InjectionRequestValue.resolve(
          injector.annotation(), podAnnotations, context.namespaceAnnotations(), context.namespace());
      if (request instanceof InjectionRequestValue.NotRequested || injector.alreadyInjected(current)) {
        continue;
      }
      if (request instanceof InjectionRequestValue.Disabled disabled) {
        outcomes.add(InjectionOutcome.disabled(injector.name(),
            injector.annotation() + " is \"false\" on the " + disabled.where()));
        continue;
      }
      if (request instanceof InjectionRequestValue.Invalid invalid) {
        outcomes.add(InjectionOutcome.skipped(injector.name(), injector.annotation() + " on the " + invalid.where()
            + " is \"" + invalid.value() + "\": use \"true\", \"false\", \"<name>\" or \"<namespace>/<name>\"", null));
        continue;
      }
      Pod copy = copyOf(current);
      InjectionOutcome outcome;
      try {
        outcome = injector.inject(copy, context, request);
      } catch (RuntimeException e) {
        LOG.warn("{} injection failed for a pod in namespace {}; admitting it unchanged", injector.name(),
            context.namespace(), e);
        outcome = InjectionOutcome.error(injector.name(), "internal error: " + e, null);
      }
      outcomes.add(outcome);
      if (outcome.status() == InjectionOutcome.Status.INJECTED) {
        current = copy;
      }
    }
    if (outcomes.isEmpty()) {
      return new Result(pod, outcomes, false);
    }
    String previous = podAnnotations == null ? null : podAnnotations.get(InstrumentorAnnotations.STATUS);
    String status = InjectionStatusAnnotation.merge(previous, outcomes);
    if (status.equals(previous) && current == pod) {
      return new Result(pod, outcomes, false);
    }
    if (current == pod) {
      current = copyOf(pod);
    }
    Map<String, String> annotations = new LinkedHashMap<>(
        current.getMetadata().getAnnotations() == null ? Map.of() : current.getMetadata().getAnnotations());
    annotations.put(InstrumentorAnnotations.STATUS, status);
    current.getMetadata().setAnnotations(annotations);
    return new Result(current, outcomes, true);
  }

  private static Pod copyOf(Pod pod) {
    Pod copy = new PodBuilder(pod).build();
    if (copy.getMetadata() == null) {
      copy.setMetadata(new ObjectMeta());
    }
    if (copy.getSpec() == null) {
      copy.setSpec(new PodSpec());
    }
    return copy;
  }


  /**
   * @param pod      the mutated pod, or the input itself when {@code changed} is false
   * @param outcomes one per injection the pod or its Namespace asked about
   * @param changed  whether {@code pod} differs from the input
   */
  public record Result(Pod pod, List<InjectionOutcome> outcomes, boolean changed) {

    public Result {
      outcomes = List.copyOf(outcomes);
    }

    /** Outcomes the user should be told about (asked for, not injected). */
    public List<String> warnings() {
      return outcomes.stream().filter(InjectionOutcome::warrantsWarning)
          .map(o -> "instrumentor: " + o.describe()).toList();
    }
  }
}
