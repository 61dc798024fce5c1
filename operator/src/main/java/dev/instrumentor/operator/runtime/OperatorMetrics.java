package dev.instrumentor.operator.runtime;

import dev.instrumentor.operator.fleet.Fleet;
import dev.instrumentor.operator.fleet.Health;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's metrics, as OpenTelemetry instruments (names as Prometheus shows them):
 * {@code instrumentor_reconciliations_total{kind}}, {@code instrumentor_reconciliation_errors_total{kind}},
 * {@code instrumentor_reconcile_duration_seconds{kind}}, {@code instrumentor_reconcile_queue_depth{kind}},
 * {@code instrumentor_webhook_requests_total{outcome}}, {@code instrumentor_webhook_request_duration_seconds},
 * {@code instrumentor_injections_total{language,status}}, {@code instrumentor_cache_objects{kind}}.
 * Recording allocates nothing once a label set has been seen (the admission path records on every request).
 */
public final class OperatorMetrics {

  static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final AttributeKey<String> LANGUAGE = AttributeKey.stringKey("language");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  private static final List<Double> WEBHOOK_BUCKETS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1.0, 2.5);
  private static final List<Double> RECONCILE_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
      10.0, 30.0);

  private final OperatorTelemetry telemetry;
  private final Meter meter;
  private final LongCounter reconciliations;
  private final LongCounter reconciliationErrors;
  private final DoubleHistogram reconcileDuration;
  private final LongUpDownCounter queueDepth;
  private final LongCounter webhookRequests;
  private final DoubleHistogram webhookDuration;
  private final LongCounter injections;
  private final Map<String, Attributes> single = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Attributes>> pairs = new ConcurrentHashMap<>();

  public OperatorMetrics(OperatorTelemetry telemetry) {
    this.telemetry = telemetry;
    this.meter = telemetry.meter();
    reconciliations = meter.counterBuilder("instrumentor.reconciliations")
        .setDescription("Reconciliations that completed, per kind.").build();
    reconciliationErrors = meter.counterBuilder("instrumentor.reconciliation.errors")
        .setDescription("Reconciliations that failed, per kind.").build();
    reconcileDuration = meter.histogramBuilder("instrumentor.reconcile.duration").setUnit("s")
        .setDescription("Time a reconcile took, per kind.").setExplicitBucketBoundariesAdvice(RECONCILE_BUCKETS).build();
    queueDepth = meter.upDownCounterBuilder("instrumentor.reconcile.queue.depth")
        .setDescription("Resources waiting for a reconcile thread, per kind.").build();
    webhookRequests = meter.counterBuilder("instrumentor.webhook.requests")
        .setDescription("Admission requests per outcome.").build();
    webhookDuration = meter.histogramBuilder("instrumentor.webhook.request.duration").setUnit("s")
        .setDescription("Time to answer an admission request.").setExplicitBucketBoundariesAdvice(WEBHOOK_BUCKETS).build();
    injections = meter.counterBuilder("instrumentor.injections")
        .setDescription("Injection outcomes per language and status.").build();
  }

  private Attributes kind(String kind) {
    return single.computeIfAbsent("kind=" + kind, k -> Attributes.of(KIND, kind));
  }

  void reconciled(String kind) {
    reconciliations.add(1, kind(kind));
  }

  void reconcileFailed(String kind) {
    reconciliationErrors.add(1, kind(kind));
  }

  void reconcileTook(String kind, long nanos) {
    reconcileDuration.record(nanos / 1e9, kind(kind));
  }

  /** {@code +1} when a resource is queued for a reconcile, {@code -1} when a thread takes it. */
  void queued(String kind, long change) {
    queueDepth.add(change, kind(kind));
  }

  void webhookRequest(String outcome, long nanos) {
    webhookRequests.add(1, single.computeIfAbsent(outcome, o -> Attributes.of(OUTCOME, o)));
    webhookDuration.record(nanos / 1e9);
  }

  void injection(String language, String status) {
    injections.add(1, pairs.computeIfAbsent(language, l -> new ConcurrentHashMap<>())
        .computeIfAbsent(status, s -> Attributes.of(LANGUAGE, language, STATUS, s)));
  }

  /** {@code instrumentor_cache_objects{kind}}: the objects each informer cache holds, read at collection. */
  <T> void cacheSizes(Map<String, T> caches, ToLongFunction<T> size) {
    meter.gaugeBuilder("instrumentor.cache.objects").ofLongs()
        .setDescription("Objects in the operator's informer caches, per kind.")
        .buildWithCallback(measurement -> caches.forEach((kind, cache) ->
            measurement.record(size.applyAsLong(cache), Attributes.of(KIND, kind))));
  }

  /**
   * {@code instrumentor_instrumentation_pods{instrumentation, language, state}} (injected, stale, missed, rolled-back)
   * and {@code instrumentor_workload_missed_pods{instrumentation, namespace, workload, language}}, read at
   * collection from the reconciler's latest view of each Instrumentation.
   */
  public void fleet(Supplier<Map<String, Fleet.View>> views) {
    AttributeKey<String> instrumentation = AttributeKey.stringKey("instrumentation");
    AttributeKey<String> state = AttributeKey.stringKey("state");
    AttributeKey<String> namespace = AttributeKey.stringKey("namespace");
    AttributeKey<String> workload = AttributeKey.stringKey("workload");
    meter.gaugeBuilder("instrumentor.instrumentation.pods").ofLongs()
        .setDescription("Pods that ask for an Instrumentation, per language and state (injected, stale, missed, rolled-back).")
        .buildWithCallback(measurement -> views.get().forEach((key, view) -> view.languages().forEach((language, counts) -> {
          String[] states = {"injected", "stale", "missed", "rolled-back"};
          for (int i = 0; i < states.length; i++) {
            measurement.record(counts[i], Attributes.of(instrumentation, key, LANGUAGE, language, state, states[i]));
          }
        })));
    meter.gaugeBuilder("instrumentor.workload.missed.pods").ofLongs()
        .setDescription("Pods of a workload that asked for an Instrumentation and are not instrumented.")
        .buildWithCallback(measurement -> views.get().forEach((key, view) -> {
          // the most affected workloads only: 10,000 bare pods would be 10,000 series
          view.mostMissed(Fleet.MAX_WORKLOAD_SERIES).keySet().forEach(owner ->
              view.workloads().get(owner).forEach((language, counts) -> {
                if (counts[1] > 0) {
                  measurement.record(counts[1], Attributes.builder().put(instrumentation, key)
                      .put(namespace, owner.namespace()).put(workload, owner.kind() + "/" + owner.name())
                      .put(LANGUAGE, language).build());
                }
              }));
        }));
  }

  /**
   * {@code instrumentor_unresolved_pods{namespace, language, reason}}: live pods whose annotation asks for a
   * language and resolves to no Instrumentation (Ambiguous, NoInstrumentation, NotFound, InvalidValue), read
   * from the pod cache at collection.
   */
  public void unresolved(Supplier<Map<Fleet.Unresolved, Integer>> pods) {
    AttributeKey<String> namespace = AttributeKey.stringKey("namespace");
    AttributeKey<String> reason = AttributeKey.stringKey("reason");
    meter.gaugeBuilder("instrumentor.unresolved.pods").ofLongs()
        .setDescription("Pods whose inject annotation resolves to no Instrumentation; they run uninstrumented.")
        .buildWithCallback(measurement -> pods.get().forEach((unresolved, count) -> measurement.record(count,
            Attributes.of(namespace, unresolved.namespace(), LANGUAGE, unresolved.language(), reason,
                unresolved.reason().label()))));
  }

  /**
   * {@code instrumentor_workload_failing_pods{instrumentation, namespace, workload}}: a workload's injected pods failing
   * now (CrashLoopBackOff, OOMKilled, AgentInitFailed, NotReady), rolled back or not, read at collection from the
   * reconciler's latest judgement: the 100 workloads with the most per Instrumentation. No reason label: one pod's
   * reason may change from one look to the next, and a series per reason would restart alerts (status and Events
   * say why).
   */
  public void failing(Supplier<Map<String, Map<Fleet.Workload, Health.Verdict>>> failing) {
    AttributeKey<String> instrumentation = AttributeKey.stringKey("instrumentation");
    AttributeKey<String> namespace = AttributeKey.stringKey("namespace");
    AttributeKey<String> workload = AttributeKey.stringKey("workload");
    meter.gaugeBuilder("instrumentor.workload.failing.pods").ofLongs()
        .setDescription("Injected pods of a workload that fail now (CrashLoopBackOff, OOMKilled, AgentInitFailed, NotReady).")
        .buildWithCallback(measurement -> failing.get().forEach((key, workloads) -> workloads.entrySet().stream()
            .sorted(Comparator.comparingInt((Map.Entry<Fleet.Workload, Health.Verdict> e) -> -e.getValue().failing())
                .thenComparing(Map.Entry::getKey))
            .limit(Fleet.MAX_WORKLOAD_SERIES).forEach(entry -> measurement.record(entry.getValue().failing(),
                Attributes.of(instrumentation, key, namespace, entry.getKey().namespace(), workload,
                    entry.getKey().kind() + "/" + entry.getKey().name())))));
  }

  /**
   * {@code instrumentor_workload_rolled_back{instrumentation, namespace, workload, language, agent, reason}} = 1 for
   * each workload an Instrumentation rolled back at its current generation (at most 100 each), as the API server has
   * it: which agent broke what, for an alert.
   */
  void rolledBack(Supplier<List<WebhookCaches.RolledBack>> workloads) {
    AttributeKey<String> instrumentation = AttributeKey.stringKey("instrumentation");
    AttributeKey<String> namespace = AttributeKey.stringKey("namespace");
    AttributeKey<String> workload = AttributeKey.stringKey("workload");
    AttributeKey<String> agent = AttributeKey.stringKey("agent");
    AttributeKey<String> reason = AttributeKey.stringKey("reason");
    meter.gaugeBuilder("instrumentor.workload.rolled.back").ofLongs()
        .setDescription("1 for each workload rolled back (spec.rollback): its pods are not injected until the spec changes.")
        .buildWithCallback(measurement -> workloads.get().forEach(rolled -> {
          var record = rolled.workload();
          measurement.record(1, Attributes.builder().put(instrumentation, rolled.instrumentation())
              .put(namespace, record.getNamespace()).put(workload, record.getKind() + "/" + record.getName())
              .put(LANGUAGE, String.join(",", record.getLanguages() == null ? List.of() : record.getLanguages()))
              .put(agent, String.join(",", record.getAgents() == null ? List.of() : record.getAgents()))
              .put(reason, String.valueOf(record.getReason())).build());
        }));
  }

  /**
   * {@code instrumentor_condition{kind, namespace, name, type, status, reason}} = 1 for each condition of
   * each Instrumentation and TelemetryCollector, as the API server has it (every replica reports the same,
   * leader or not), so that an alert needs no log search: an Instrumentation that is not Ready
   * ({@code type="Ready",status="False"}), a collector config refused ({@code reason=~"InvalidConfig|ConfigRefused"}),
   * a halted rollout ({@code type="Rollout",reason="Halted"}).
   */
  void conditions(Supplier<List<WebhookCaches.ResourceConditions>> resources) {
    AttributeKey<String> namespace = AttributeKey.stringKey("namespace");
    AttributeKey<String> name = AttributeKey.stringKey("name");
    AttributeKey<String> type = AttributeKey.stringKey("type");
    AttributeKey<String> reason = AttributeKey.stringKey("reason");
    meter.gaugeBuilder("instrumentor.condition").ofLongs()
        .setDescription("1 for each condition of each Instrumentation and TelemetryCollector, with its status and reason.")
        .buildWithCallback(measurement -> resources.get().forEach(resource -> resource.conditions().forEach(condition ->
            measurement.record(1, Attributes.builder().put(KIND, resource.kind()).put(namespace, resource.namespace())
                .put(name, resource.name()).put(type, String.valueOf(condition.getType()))
                .put(STATUS, String.valueOf(condition.getStatus())).put(reason, String.valueOf(condition.getReason()))
                .build()))));
  }

  /** Everything in the Prometheus text format 0.0.4. */
  public String scrape() {
    return telemetry.scrape();
  }

  /** The current value of a counter series as /metrics shows it (e.g. {@code instrumentor_reconciliations_total}), for tests. */
  public long value(String name, String... labels) {
    StringBuilder selector = new StringBuilder();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      selector.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
    }
    Pattern series = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.length == 0 ? "" : "\\{" + Pattern.quote(
        selector.toString()) + "\\}") + " (\\S+)");
    Matcher matcher = series.matcher(scrape());
    return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
  }
}
