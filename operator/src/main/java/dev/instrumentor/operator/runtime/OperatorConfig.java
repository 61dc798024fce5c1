package dev.instrumentor.operator.runtime;

import dev.instrumentor.operator.collector.CollectorPermissions;
import dev.instrumentor.operator.collector.TargetAllocatorManifests;

import dev.instrumentor.webhook.mutation.AgentImages;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the operator process is configured with, built once in {@code main} from flags and
 * environment, then passed down. Immutable.
 *
 * @param watchNamespaces  namespaces whose resources are reconciled and cached; empty for all
 * @param operatorNamespace the namespace the operator runs in (lease, excluded from injection)
 * @param instance         this replica's identity (pod name), for the lease and Events
 * @param leaderElection   whether reconcilers run only on the replica holding the lease
 * @param leaseName        the Lease's name
 * @param webhookHost      address the admission server binds
 * @param webhookPort      port the admission server binds
 * @param certificateFile  the serving certificate (PEM); generated when {@code localWebhook}
 * @param keyFile          its key (PEM)
 * @param localWebhook     generate a certificate and register a webhook configuration by URL, removed on exit
 * @param localWebhookUrlHost the host the API server uses to reach a local webhook
 * @param serverSideApply  write owned objects with server-side apply (off only for the fabric8 mock server)
 * @param agentImages      default agent image per language
 * @param collectorImage   default collector image
 * @param agentRunAsUser   user of injected init containers when neither the target container nor the pod sets one
 * @param metricsHost      address of the metrics and health endpoint
 * @param metricsPort      port of {@code /metrics}, {@code /healthz}, {@code /readyz}; 0 picks a free one
 * @param logFormat        text or json
 * @param logLevel         TRACE, DEBUG, INFO, WARN or ERROR
 * @param selfManaged      the self-managed certificate settings, or null when certificates come from files
 * @param collectorClusterRolePrefix the prefix of the chart's ClusterRoles that collectors are bound to
 * @param collectorSecretNamespaces where the Secrets collectors read are watched: namespaces, "*" for all, empty for none
 * @param fleetView        whether pods are cached to count them per Instrumentation and restart them (spec.rollout)
 * @param collectorConfigValidation whether a collector config is rolled out only once the collector image's own
 *                         {@code validate} accepted it (a Job: needs a kubelet, batch/jobs and pod list rights)
 * @param targetAllocatorImage the image of target allocators
 * @param selectorNamespaces the namespaces whose Instrumentations' spec.selector.namespaceSelector is honoured (they
 *                         choose pods of other namespaces): "*" for all; by default the operator's own
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    String operatorNamespace,
    String instance,
    boolean leaderElection,
    String leaseName,
    String webhookHost,
    int webhookPort,
    Path certificateFile,
    Path keyFile,
    boolean localWebhook,
    String localWebhookUrlHost,
    boolean serverSideApply,
    AgentImages agentImages,
    String collectorImage,
    long agentRunAsUser,
    String metricsHost,
    int metricsPort,
    String logFormat,
    String logLevel,
    SelfManagedCertificates.Settings selfManaged,
    String collectorClusterRolePrefix,
    Set<String> collectorSecretNamespaces,
    boolean fleetView,
    boolean collectorConfigValidation,
    String targetAllocatorImage,
    Set<String> selectorNamespaces) {

  /**
   * With the default prefix of collector ClusterRoles ({@code instrumentor-collector-}), watching Secrets
   * everywhere, without collector config validation (no kubelet is assumed).
   */
  public OperatorConfig(Set<String> watchNamespaces, String operatorNamespace, String instance, boolean leaderElection,
      String leaseName, String webhookHost, int webhookPort, Path certificateFile, Path keyFile, boolean localWebhook,
      String localWebhookUrlHost, boolean serverSideApply, AgentImages agentImages, String collectorImage,
      long agentRunAsUser, String metricsHost, int metricsPort, String logFormat, String logLevel,
      SelfManagedCertificates.Settings selfManaged) {
    this(watchNamespaces, operatorNamespace, instance, leaderElection, leaseName, webhookHost, webhookPort,
        certificateFile, keyFile, localWebhook, localWebhookUrlHost, serverSideApply, agentImages, collectorImage,
        agentRunAsUser, metricsHost, metricsPort, logFormat, logLevel, selfManaged,
        CollectorPermissions.DEFAULT_ROLE_PREFIX, Set.of("*"), true, false,
        TargetAllocatorManifests.IMAGE_REPOSITORY, Set.of(operatorNamespace));
  }

  /** This config with another image for target allocators. */
  public OperatorConfig withTargetAllocatorImage(String image) {
    return new OperatorConfig(watchNamespaces, operatorNamespace, instance, leaderElection, leaseName, webhookHost,
        webhookPort, certificateFile, keyFile, localWebhook, localWebhookUrlHost, serverSideApply, agentImages,
        collectorImage, agentRunAsUser, metricsHost, metricsPort, logFormat, logLevel, selfManaged,
        collectorClusterRolePrefix, collectorSecretNamespaces, fleetView, collectorConfigValidation, image,
        selectorNamespaces);
  }

  /** This config with collector config validation on or off. */
  public OperatorConfig withCollectorConfigValidation(boolean validate) {
    return new OperatorConfig(watchNamespaces, operatorNamespace, instance, leaderElection, leaseName, webhookHost,
        webhookPort, certificateFile, keyFile, localWebhook, localWebhookUrlHost, serverSideApply, agentImages,
        collectorImage, agentRunAsUser, metricsHost, metricsPort, logFormat, logLevel, selfManaged,
        collectorClusterRolePrefix, collectorSecretNamespaces, fleetView, validate, targetAllocatorImage,
        selectorNamespaces);
  }

  /** This config as replica {@code instance} (its Lease identity and webhook name) of a leader-elected deployment. */
  public OperatorConfig withLeaderElection(String instance) {
    return new OperatorConfig(watchNamespaces, operatorNamespace, instance, true, leaseName, webhookHost,
        webhookPort, certificateFile, keyFile, localWebhook, localWebhookUrlHost, serverSideApply, agentImages,
        collectorImage, agentRunAsUser, metricsHost, metricsPort, logFormat, logLevel, selfManaged,
        collectorClusterRolePrefix, collectorSecretNamespaces, fleetView, collectorConfigValidation, targetAllocatorImage,
        selectorNamespaces);
  }

  /** This config honouring the namespaceSelector of Instrumentations in {@code namespaces} ("*": all). */
  public OperatorConfig withSelectorNamespaces(Set<String> namespaces) {
    return new OperatorConfig(watchNamespaces, operatorNamespace, instance, leaderElection, leaseName, webhookHost,
        webhookPort, certificateFile, keyFile, localWebhook, localWebhookUrlHost, serverSideApply, agentImages,
        collectorImage, agentRunAsUser, metricsHost, metricsPort, logFormat, logLevel, selfManaged,
        collectorClusterRolePrefix, collectorSecretNamespaces, fleetView, collectorConfigValidation, targetAllocatorImage,
        namespaces);
  }

  public OperatorConfig {
    watchNamespaces = Set.copyOf(watchNamespaces);
    collectorSecretNamespaces = Set.copyOf(collectorSecretNamespaces);
    selectorNamespaces = Set.copyOf(selectorNamespaces);
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    Objects.requireNonNull(instance, "instance");
    if (webhookPort < 0 || webhookPort > 65535 || metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("ports must be in 0-65535");
    }
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new IllegalArgumentException("log format must be text or json, got " + logFormat);
    }
    if (!localWebhook && (certificateFile == null || keyFile == null)) {
      throw new IllegalArgumentException("the webhook needs --webhook-cert and --webhook-key (or --local-webhook)");
    }
  }

  public boolean watchesAllNamespaces() {
    return watchNamespaces.isEmpty();
  }
}
