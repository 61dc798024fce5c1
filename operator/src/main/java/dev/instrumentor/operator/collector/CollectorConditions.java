package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorStatus;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A TelemetryCollector's conditions and what they say, in one place: each method sets one condition of
 * the status being built from what a reconcile step found. The reconciler decides; this class words it.
 */
final class CollectorConditions {

  /** Whether the config is valid and rolled out, and its pods available. */
  static final String READY = Conditions.READY;
  /** Whether the config's component types were checked against the image's. */
  static final String COMPONENTS = "Components";
  /** Whether the collector image's own validate accepted the config. */
  static final String VALIDATED = "Validated";
  /** Whether the collector's own metrics are scraped as asked (ServiceMonitor). */
  static final String OBSERVABILITY = "Observability";
  /** Whether the pods may read what the config reads from the Kubernetes API. */
  static final String PERMISSIONS = "Permissions";
  /** Whether traces reach the replica that samples them (tail sampling). */
  static final String TRACE_ROUTING = "TraceRouting";
  /** Whether listeners were bound to all interfaces where the config gave no address. */
  static final String LISTENERS = "Listeners";
  /** Whether the Secrets and ConfigMaps the pods read exist. */
  static final String INPUTS = "Inputs";
  /** Whether every field the spec sets is acted on (some of the OpenTelemetry Operator's are only accepted). */
  static final String SUPPORTED = "Supported";

  private final TelemetryCollectorStatus status;
  private final TelemetryCollector collector;
  private final Clock clock;

  CollectorConditions(TelemetryCollectorStatus status, TelemetryCollector collector, Clock clock) {
    this.status = status;
    this.collector = collector;
    this.clock = clock;
  }

  Condition get(String type) {
    return Conditions.get(status.getConditions(), type);
  }

  private void set(String type, boolean ok, String reason, String message) {
    set(type, ok ? "True" : "False", reason, message);
  }

  private void set(String type, String state, String reason, String message) {
    status.setConditions(Conditions.set(status.getConditions(), type, state, reason, message,
        collector.getMetadata().getGeneration(), clock));
  }

  void components(Optional<CollectorComponents> components, String image) {
    set(COMPONENTS, components.isPresent(), components.isPresent() ? "Checked" : "NotChecked", components
        .map(c -> "component types are checked against those " + c.describe() + " ships")
        .orElse("component types not checked: " + image + " is not an official collector distribution at a"
            + " version Instrumentor has a list for (the image's own validate judges them: Validated)"));
  }

  /** The config is not rolled out; the running collector keeps its last good one. */
  void notRolledOut(String reason, String message) {
    set(READY, false, reason, message);
  }

  void validationOff() {
    set(VALIDATED, "Unknown", "Off", "the operator runs with --no-validate-collector-config: only component types"
        + " are checked");
  }

  void validating(String image, String job) {
    set(VALIDATED, "Unknown", "Validating", image + " validate is checking the config (Job " + job + "); the"
        + " collector keeps its last good config until it accepts");
  }

  void accepted(String image, String job) {
    set(VALIDATED, true, "Accepted", image + " validate accepted the config (Job " + job + ")");
  }

  void refused(String words) {
    set(VALIDATED, false, "Refused", words);
  }

  void notValidated(String message) {
    set(VALIDATED, false, "NotRun", message);
  }

  /** {@code reason}: what {@link ServiceMonitors#reconcile} found. */
  void observability(String reason) {
    String name = CollectorManifests.name(collector);
    set(OBSERVABILITY, !reason.equals(ServiceMonitors.MISSING) && !reason.equals(ServiceMonitors.TAKEN), reason,
        switch (reason) {
          case ServiceMonitors.NOT_ASKED -> "spec.observability.metrics.enableMetrics is not set: no ServiceMonitor";
          case ServiceMonitors.NOT_APPLICABLE -> "a sidecar has no monitoring Service: no ServiceMonitor";
          case ServiceMonitors.TAKEN -> "ServiceMonitor " + name + " exists and is not this collector's: left alone";
          case ServiceMonitors.IN_PLACE -> "ServiceMonitor " + name + " scrapes the monitoring Service";
          default -> "the monitoring.coreos.com/v1 API (Prometheus Operator) is not installed: no ServiceMonitor; the"
              + " monitoring Service " + name + "-monitoring can be scraped directly";
        });
  }

  void permissions(List<CollectorPermissions.Need> needs, List<HasMetadata> desired, String clusterRolePrefix) {
    List<String> bindings = desired.stream().filter(o -> o instanceof ClusterRoleBinding)
        .map(o -> ((ClusterRoleBinding) o).getRoleRef().getName()).toList();
    boolean bound = !bindings.isEmpty();
    String components = needs.stream().map(CollectorPermissions.Need::component).collect(Collectors.joining(", "));
    set(PERMISSIONS, needs.isEmpty() || bound, needs.isEmpty() ? "NotNeeded" : bound ? "Granted" : "UserServiceAccount",
        needs.isEmpty() ? "the config reads nothing from the Kubernetes API: the pods have no API token"
            : bound ? "bound to " + String.join(", ", bindings) + " for " + components
            : "spec.serviceAccount " + collector.getSpec().getServiceAccount() + " is yours: grant it what " + components
                + " read (the chart's ClusterRoles " + needs.stream().map(n -> clusterRolePrefix + n.role())
                .collect(Collectors.joining(", ")) + ")");
  }

  void traceRouting(boolean split) {
    set(TRACE_ROUTING, !split, split ? "TailSamplingAcrossReplicas" : "AsConfigured", split
        ? "tail_sampling decides per trace, and this collector may run several replicas that each see part of a"
            + " trace: put a first tier with the loadbalancing exporter (routing_key: traceID) in front of it"
        : "no trace is split between replicas that sample it");
  }

  void listeners(List<String> defaulted) {
    set(LISTENERS, true, defaulted.isEmpty() ? "AsWritten" : "BoundToAllInterfaces", defaulted.isEmpty()
        ? "the config's listeners are rolled out as written"
        : "bound to 0.0.0.0 where the config gave no address (the collector's default is localhost, which no"
            + " Service or probe reaches): " + String.join(", ", defaulted));
  }

  void inputs(List<CollectorInputs.Ref> refs, List<CollectorInputs.Ref> followed, CollectorInputs.Versions inputs) {
    set(INPUTS, inputs.missing().isEmpty(),
        inputs.missing().isEmpty() ? (refs.isEmpty() ? "NoneReferenced" : "Present") : "Missing",
        inputsMessage(refs, followed, inputs));
  }

  private static String inputsMessage(List<CollectorInputs.Ref> refs, List<CollectorInputs.Ref> followed,
      CollectorInputs.Versions inputs) {
    if (refs.isEmpty()) {
      return "the pods read no Secret or ConfigMap";
    }
    List<String> parts = new ArrayList<>();
    if (!inputs.missing().isEmpty()) {
      parts.add("not found, the pods cannot start until they exist: " + CollectorInputs.describe(inputs.missing()));
    } else if (!followed.isEmpty()) {
      parts.add("the pods roll when these change: " + CollectorInputs.describe(followed));
    }
    List<CollectorInputs.Ref> unfollowed = refs.stream().filter(ref -> !followed.contains(ref)).toList();
    if (!unfollowed.isEmpty()) {
      parts.add("not watched (the operator may not read Secrets in this namespace: the chart's"
          + " collectorSecretNamespaces), so rotating them does not roll the pods: " + CollectorInputs.describe(unfollowed));
    }
    return String.join("; ", parts);
  }

  /** {@code notApplied}: from {@link CollectorCompatibility#notApplied}. */
  void supported(List<String> notApplied) {
    set(SUPPORTED, notApplied.isEmpty(), notApplied.isEmpty() ? "AllApplied" : "NotApplied", notApplied.isEmpty()
        ? "every field the spec sets is applied" : "accepted but not applied: " + String.join("; ", notApplied));
  }

  /** spec.managementState unmanaged: the objects are left as they are. */
  void unmanaged() {
    set(READY, "Unknown", "Unmanaged", "spec.managementState is unmanaged: the operator leaves this collector's objects"
        + " as they are until it is managed again");
  }

  void sidecarReady() {
    set(READY, true, "SidecarMode", "injected into pods annotated instrumentor.dev/inject-sidecar");
  }

  /** From the workload's {ready, total} pods. */
  void available(int[] readyTotal) {
    boolean available = readyTotal[1] > 0 && readyTotal[0] >= readyTotal[1];
    set(READY, available, available ? "Available" : "Deploying", readyTotal[0] + "/" + readyTotal[1]
        + " collector pods ready");
  }
}
