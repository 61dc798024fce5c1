package dev.instrumentor.operator.instrumentation;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.operator.kube.Conditions;
import dev.instrumentor.operator.kube.EventRecorder;
import dev.instrumentor.operator.kube.WrittenStatuses;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Validates each Instrumentation and reports it in status (Ready with a reason and message,
 * observedGeneration) and, when the verdict changes, in an Event. Re-checked every ten minutes, so a
 * TLS ConfigMap created later turns the Instrumentation Ready without watching every ConfigMap.
 */
@ControllerConfiguration(name = "instrumentation",
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public final class InstrumentationReconciler implements Reconciler<Instrumentation> {

  private final InstrumentationValidator validator;
  private final EventRecorder events;
  private final Clock clock;
  private final WrittenStatuses<InstrumentationStatus> written = new WrittenStatuses<>();

  public InstrumentationReconciler(InstrumentationValidator validator, EventRecorder events, Clock clock) {
    this.validator = validator;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public UpdateControl<Instrumentation> reconcile(Instrumentation instrumentation, Context<Instrumentation> context) {
    InstrumentationValidator.Verdict verdict = validator.validate(instrumentation);
    InstrumentationStatus previous = written.latest(instrumentation, instrumentation.getStatus());
    Long generation = instrumentation.getMetadata().getGeneration();
    InstrumentationStatus status = new InstrumentationStatus();
    status.setObservedGeneration(generation);
    java.util.List<Condition> conditions = Conditions.set(previous == null || previous.getConditions() == null
        ? new ArrayList<>() : previous.getConditions(), Conditions.READY, verdict.valid(), verdict.reason(),
        verdict.message(), generation, clock);
    java.util.List<String> unsupported = InstrumentationValidator.unsupportedBlocks(instrumentation.getSpec());
    conditions = unsupported.isEmpty()
        ? Conditions.set(conditions, Conditions.SUPPORTED, true, "AllBlocksInjected",
            "every block of the spec is injected into the pods that ask for it", generation, clock)
        : Conditions.set(conditions, Conditions.SUPPORTED, false, "UnsupportedBlocks", String.join(", ", unsupported)
            + ": accepted from the OpenTelemetry Operator's Instrumentation and not injected by Instrumentor (it"
            + " injects java, nodejs, python, dotnet and sdk); pods that ask for them run without, and their"
            + " instrumentor.dev/injection-status says so", generation, clock);
    status.setConditions(conditions);
    if (status.equals(previous)) {
      return UpdateControl.noUpdate();
    }
    Condition before = previous == null ? null : Conditions.get(previous.getConditions(), Conditions.READY);
    Condition after = Conditions.get(status.getConditions(), Conditions.READY);
    if (before == null || !before.getStatus().equals(after.getStatus()) || !before.getReason().equals(after.getReason())) {
      events.record(instrumentation, verdict.valid() ? "Normal" : "Warning", verdict.reason(), "Validate", verdict.message());
    }
    Condition supportedBefore = previous == null ? null : Conditions.get(previous.getConditions(), Conditions.SUPPORTED);
    Condition supported = Conditions.get(status.getConditions(), Conditions.SUPPORTED);
    if (!unsupported.isEmpty() && (supportedBefore == null || !supportedBefore.getMessage().equals(supported.getMessage()))) {
      events.record(instrumentation, "Warning", supported.getReason(), "Validate", supported.getMessage());
    }
    written.wrote(instrumentation, status);
    Instrumentation fresh = new Instrumentation();
    fresh.getMetadata().setName(instrumentation.getMetadata().getName());
    fresh.getMetadata().setNamespace(instrumentation.getMetadata().getNamespace());
    fresh.getMetadata().setResourceVersion(instrumentation.getMetadata().getResourceVersion());
    fresh.setSpec(instrumentation.getSpec());
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh);
  }
}
