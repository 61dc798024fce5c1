package dev.instrumentor.operator.runtime;

import dev.instrumentor.operator.kube.EventRecorder;
import dev.instrumentor.webhook.admission.AdmissionObserver;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.Owners;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.time.Instant;
import java.util.Map;

/**
 * What the admission path reports: request and injection counters, the latency histogram, and an
 * Event — queued, sent by another thread — for each injection a pod asked for and did not get. The
 * Event names the owning workload: at admission a Deployment's pod has no name yet.
 */
public final class AdmissionReporting implements AdmissionObserver {

  private static final Map<String, String> API_VERSIONS = Map.of(
      Owners.DEPLOYMENT, "apps/v1", Owners.STATEFUL_SET, "apps/v1", Owners.DAEMON_SET, "apps/v1",
      Owners.REPLICA_SET, "apps/v1", Owners.JOB, "batch/v1", Owners.CRON_JOB, "batch/v1");

  private static final AttributeKey<String> OUTCOME =
      AttributeKey.stringKey("instrumentor.admission.outcome");

  private final OperatorMetrics metrics;
  private final EventRecorder events;
  private final Tracer tracer;
  private final boolean tracing;

  /** Metrics and spans only, no Events (for the benchmarks: Events need a cluster). */
  public static AdmissionReporting withoutEvents(OperatorMetrics metrics, OperatorTelemetry telemetry) {
    return new AdmissionReporting(metrics, null, telemetry);
  }

  AdmissionReporting(OperatorMetrics metrics, EventRecorder events, OperatorTelemetry telemetry) {
    this.metrics = metrics;
    this.events = events;
    this.tracer = telemetry.tracer();
    this.tracing = telemetry.tracing();
  }

  @Override
  public void podAdmitted(String namespace, PodJson pod, PodMutator.Result result, boolean dryRun) {
    for (InjectionOutcome outcome : result.outcomes()) {
      metrics.injection(outcome.language(), outcome.status().value());
      if (outcome.warrantsWarning() && !dryRun && events != null) {
        events.record(regarding(namespace, pod), "Warning",
            outcome.status() == InjectionOutcome.Status.ERROR ? "InjectionFailed" : "InjectionSkipped",
            "Inject", outcome.describe());
      }
    }
  }

  /** Counted and timed; with spans on, one span per request covering its handling (a slow admission can be traced). */
  @Override
  public void requestCompleted(String outcome, long nanos) {
    metrics.webhookRequest(outcome, nanos);
    if (tracing) {
      Instant end = Instant.now();
      tracer.spanBuilder("admission pods").setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(end.minusNanos(nanos)).setAttribute(OUTCOME, outcome).startSpan().end(end);
    }
  }

  static ObjectReference regarding(String namespace, PodJson pod) {
    Owners owners = Owners.fromPod(pod.metadata());
    for (String kind : new String[] {Owners.DEPLOYMENT, Owners.STATEFUL_SET, Owners.DAEMON_SET, Owners.CRON_JOB,
        Owners.JOB, Owners.REPLICA_SET}) {
      String name = owners.names().get(kind);
      if (name != null) {
        return new ObjectReferenceBuilder().withApiVersion(API_VERSIONS.get(kind)).withKind(kind)
            .withNamespace(namespace).withName(name).withUid(owners.ownerUid().get(kind)).build();
      }
    }
    String name = !pod.name().isEmpty() ? pod.name() : !pod.generateName().isEmpty() ? pod.generateName() : "pod";
    return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(namespace).withName(name)
        .build();
  }
}
