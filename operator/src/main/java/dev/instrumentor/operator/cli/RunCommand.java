package dev.instrumentor.operator.cli;

import dev.instrumentor.operator.collector.CollectorPermissions;
import dev.instrumentor.operator.collector.TargetAllocatorManifests;
import dev.instrumentor.operator.logging.LogbackConfigurator;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorConfig;
import dev.instrumentor.operator.runtime.SelfManagedCertificates;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code instrumentor run}: the operator and the admission server in one process, until SIGTERM or
 * SIGINT. Every flag has an environment variable; flags win.
 */
@Command(name = "run", modelTransformer = AgentImageOptions.class, sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "Run the operator (reconcilers, leader-elected) and the admission webhook (every replica).")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS...]", defaultValue = "${env:INSTRUMENTOR_WATCH_NAMESPACES:-}",
      description = "Namespaces to watch; empty for all. Env INSTRUMENTOR_WATCH_NAMESPACES.")
  String watchNamespaces;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-}",
      description = "The operator's namespace; default: the service account's, else 'default'. Env POD_NAMESPACE.")
  String namespace;

  @Option(names = "--leader-election", negatable = true, defaultValue = "${env:INSTRUMENTOR_LEADER_ELECTION:-true}",
      fallbackValue = "true", description = "Run reconcilers only on the replica holding the lease."
          + " Env INSTRUMENTOR_LEADER_ELECTION; default ${DEFAULT-VALUE}.")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = "${env:INSTRUMENTOR_LEASE_NAME:-instrumentor-operator}",
      description = "Name of the leader-election Lease. Env INSTRUMENTOR_LEASE_NAME; default ${DEFAULT-VALUE}.")
  String leaseName;

  @Option(names = "--webhook-host", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_HOST:-0.0.0.0}",
      description = "Address the admission server binds (127.0.0.1 with --local-webhook)."
          + " Env INSTRUMENTOR_WEBHOOK_HOST; default ${DEFAULT-VALUE}.")
  String webhookHost;

  @Option(names = "--webhook-port", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_PORT:-9443}",
      description = "Port of the admission server. Env INSTRUMENTOR_WEBHOOK_PORT; default ${DEFAULT-VALUE}.")
  int webhookPort;

  @Option(names = "--webhook-cert", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_CERT:-/etc/instrumentor/tls/tls.crt}",
      description = "Serving certificate (PEM), re-read when it changes."
          + " Env INSTRUMENTOR_WEBHOOK_CERT; default ${DEFAULT-VALUE}.")
  Path webhookCert;

  @Option(names = "--webhook-key", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_KEY:-/etc/instrumentor/tls/tls.key}",
      description = "Serving key (PEM). Env INSTRUMENTOR_WEBHOOK_KEY; default ${DEFAULT-VALUE}.")
  Path webhookKey;

  @Option(names = "--self-managed-certificates", negatable = true,
      defaultValue = "${env:INSTRUMENTOR_SELF_MANAGED_CERTIFICATES:-false}", fallbackValue = "true",
      description = "Keep the webhook's CA and certificate in a Secret, renew them, and set the caBundle"
          + " (the chart's certificates.mode=selfManaged); files go where --webhook-cert and --webhook-key point."
          + " Env INSTRUMENTOR_SELF_MANAGED_CERTIFICATES; default ${DEFAULT-VALUE}.")
  boolean selfManagedCertificates;

  @Option(names = "--webhook-secret", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_SECRET:-instrumentor-webhook-tls}",
      description = "With --self-managed-certificates: the Secret holding the CA and certificate."
          + " Env INSTRUMENTOR_WEBHOOK_SECRET; default ${DEFAULT-VALUE}.")
  String webhookSecret;

  @Option(names = "--webhook-configuration", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_CONFIGURATION:-instrumentor}",
      description = "With --self-managed-certificates: the MutatingWebhookConfiguration whose caBundle is kept current."
          + " Env INSTRUMENTOR_WEBHOOK_CONFIGURATION; default ${DEFAULT-VALUE}.")
  String webhookConfiguration;

  @Option(names = "--webhook-service", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_SERVICE:-instrumentor-webhook}",
      description = "With --self-managed-certificates: the webhook Service the certificate names."
          + " Env INSTRUMENTOR_WEBHOOK_SERVICE; default ${DEFAULT-VALUE}.")
  String webhookService;

  @Option(names = "--certificate-validity-days", paramLabel = "DAYS",
      defaultValue = "${env:INSTRUMENTOR_CERTIFICATE_VALIDITY_DAYS:-365}",
      description = "With --self-managed-certificates: how long a serving certificate is valid."
          + " Env INSTRUMENTOR_CERTIFICATE_VALIDITY_DAYS; default ${DEFAULT-VALUE}.")
  int certificateValidityDays;

  @Option(names = "--certificate-renew-before-days", paramLabel = "DAYS",
      defaultValue = "${env:INSTRUMENTOR_CERTIFICATE_RENEW_BEFORE_DAYS:-30}",
      description = "With --self-managed-certificates: renew this long before the certificate expires (less than the"
          + " validity). Env INSTRUMENTOR_CERTIFICATE_RENEW_BEFORE_DAYS; default ${DEFAULT-VALUE}.")
  int certificateRenewBeforeDays;

  @Option(names = "--local-webhook", description = "Development: bind 127.0.0.1, generate a certificate, register a"
      + " MutatingWebhookConfiguration by URL in the current kubeconfig context, remove it on exit. One process:"
      + " leader election is off.")
  boolean localWebhook;

  @Option(names = "--local-webhook-host", defaultValue = "${env:INSTRUMENTOR_LOCAL_WEBHOOK_HOST:-127.0.0.1}",
      description = "With --local-webhook: the host the API server calls (for kind: the Docker network gateway)."
          + " Env INSTRUMENTOR_LOCAL_WEBHOOK_HOST; default ${DEFAULT-VALUE}.")
  String localWebhookHost;

  @Option(names = "--context", paramLabel = "NAME",
      description = "The kubeconfig context to use; an unknown one is an error. Default: the current context.")
  String context;

  @Option(names = "--server-side-apply", negatable = true, defaultValue = "${env:INSTRUMENTOR_SERVER_SIDE_APPLY:-true}",
      fallbackValue = "true", description = "Write owned objects with server-side apply (turn off only for API servers without it)."
          + " Env INSTRUMENTOR_SERVER_SIDE_APPLY; default ${DEFAULT-VALUE}.")
  boolean serverSideApply;

  @Option(names = "--collector-image", defaultValue = "${env:INSTRUMENTOR_COLLECTOR_IMAGE:-"
      + InjectorSettings.DEFAULT_COLLECTOR_IMAGE + "}", description = "Default collector image."
      + " Env INSTRUMENTOR_COLLECTOR_IMAGE; default ${DEFAULT-VALUE}.")
  String collectorImage;

  @Option(names = "--target-allocator-image", defaultValue = "${env:INSTRUMENTOR_TARGET_ALLOCATOR_IMAGE:-}",
      description = "Image of collectors' target allocators (the operator's own: its target-allocator command). Env"
          + " INSTRUMENTOR_TARGET_ALLOCATOR_IMAGE; default ghcr.io/instrumentor-dev/instrumentor at this version.")
  String targetAllocatorImage;

  @Option(names = "--collector-cluster-role-prefix", defaultValue = "${env:INSTRUMENTOR_COLLECTOR_CLUSTER_ROLE_PREFIX:-"
      + CollectorPermissions.DEFAULT_ROLE_PREFIX + "}", paramLabel = "PREFIX",
      description = "Prefix of the ClusterRoles a collector's ServiceAccount is bound to when its config reads the"
          + " Kubernetes API (PREFIXk8sattributes, PREFIXkubeletstats, PREFIXk8s-cluster, PREFIXk8sobjects; the chart's)."
          + " Env INSTRUMENTOR_COLLECTOR_CLUSTER_ROLE_PREFIX; default ${DEFAULT-VALUE}.")
  String collectorClusterRolePrefix;

  @Option(names = "--collector-secret-namespaces", defaultValue = "${env:INSTRUMENTOR_COLLECTOR_SECRET_NAMESPACES:-}",
      paramLabel = "NAMESPACES", description = "Comma-separated namespaces whose Secrets the operator watches, so that"
          + " rotating a Secret a collector reads rolls its pods (only a hash of the content is kept); * for all;"
          + " empty: no Secret is read. Env INSTRUMENTOR_COLLECTOR_SECRET_NAMESPACES; default none.")
  String collectorSecretNamespaces;

  @Option(names = "--selector-namespaces", defaultValue = "${env:INSTRUMENTOR_SELECTOR_NAMESPACES:-}",
      paramLabel = "NAMESPACES", description = "Comma-separated namespaces whose Instrumentations' spec.selector."
          + "namespaceSelector is honoured, choosing pods of other namespaces (elsewhere it chooses none and the status"
          + " says so); * for all. Env INSTRUMENTOR_SELECTOR_NAMESPACES; default the operator's own namespace.")
  String selectorNamespaces;

  @Option(names = "--fleet-view", negatable = true, defaultValue = "${env:INSTRUMENTOR_FLEET_VIEW:-true}",
      fallbackValue = "true", description = "Cache pods (annotations and owners only) to count each Instrumentation's"
          + " injected, stale and missed pods and to restart them (spec.rollout). Env INSTRUMENTOR_FLEET_VIEW;"
          + " default ${DEFAULT-VALUE}.")
  boolean fleetView;

  @Option(names = "--validate-collector-config", negatable = true,
      defaultValue = "${env:INSTRUMENTOR_VALIDATE_COLLECTOR_CONFIG:-true}", fallbackValue = "true",
      description = "Roll out a TelemetryCollector's config only once the collector image's own validate command"
          + " accepted it (a short Job in the collector's namespace, with its environment; its message goes to the"
          + " Validated condition). Off, only component types are checked. Env INSTRUMENTOR_VALIDATE_COLLECTOR_CONFIG;"
          + " default ${DEFAULT-VALUE}.")
  boolean validateCollectorConfig;

  @Option(names = "--agent-run-as-user", defaultValue = "${env:INSTRUMENTOR_AGENT_RUN_AS_USER:-"
      + InjectorSettings.DEFAULT_RUN_AS_USER + "}", paramLabel = "UID",
      description = "Non-root user of injected init containers when neither the target container nor the pod sets one."
          + " Env INSTRUMENTOR_AGENT_RUN_AS_USER; default ${DEFAULT-VALUE}.")
  long agentRunAsUser;

  @Option(names = "--metrics-host", defaultValue = "${env:INSTRUMENTOR_METRICS_HOST:-0.0.0.0}",
      description = "Address of /metrics, /healthz and /readyz."
          + " Env INSTRUMENTOR_METRICS_HOST; default ${DEFAULT-VALUE}.")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "${env:INSTRUMENTOR_METRICS_PORT:-8080}",
      description = "Port of /metrics, /healthz and /readyz. Env INSTRUMENTOR_METRICS_PORT; default ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--log-format", defaultValue = "${env:INSTRUMENTOR_LOG_FORMAT:-text}", paramLabel = "text|json",
      description = "text, or json: one JSON object per line. Env INSTRUMENTOR_LOG_FORMAT; default ${DEFAULT-VALUE}.")
  LogFormat logFormat;

  @Option(names = "--log-level", defaultValue = "${env:INSTRUMENTOR_LOG_LEVEL:-INFO}", paramLabel = "LEVEL",
      description = "TRACE, DEBUG, INFO, WARN or ERROR. Env INSTRUMENTOR_LOG_LEVEL; default ${DEFAULT-VALUE}.")
  LogLevel logLevel;

  /** The log formats; any case on the command line. */
  enum LogFormat { TEXT, JSON }

  /** The log levels; any case on the command line. */
  enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR }

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String format = logFormat.name().toLowerCase(Locale.ROOT);
    configureLogging(format, logLevel.name());
    OperatorConfig config = config();
    Config clientConfig = clientConfig();
    clientConfig.setRequestRetryBackoffLimit(1);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig)
        .withKubernetesSerialization(WatchedKinds.registered()).build()) {
      String notKubernetes = KubernetesProbe.problem(client, clientConfig.getMasterUrl());
      if (notKubernetes != null) {
        return fail(notKubernetes);
      }
      LOG.info("instrumentor {} starting against {} (namespaces: {}, leader election: {})", BuildInfo.version(),
          clientConfig.getMasterUrl(), config.watchesAllNamespaces() ? "all" : config.watchNamespaces(),
          config.leaderElection() ? "on" : localWebhook && leaderElection ? "off (--local-webhook runs one process)" : "off");
      CountDownLatch stopped = new CountDownLatch(1);
      try (InstrumentorOperator operator = new InstrumentorOperator(config, client, Clock.systemUTC())) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          LOG.info("stopping");
          operator.close();
          stopped.countDown();
        }, "shutdown"));
        try {
          operator.start();
        } catch (IllegalStateException e) {
          return fail(e.getMessage());
        }
        stopped.await();
      }
    }
    return 0;
  }

  /**
   * The client configuration of {@code --context}, or of the current context. An unknown context is a
   * usage error naming the contexts there are: a typo must not target whatever cluster is current.
   */
  private Config clientConfig() {
    if (context == null) {
      return Config.autoConfigure(null);
    }
    Config current = Config.autoConfigure(null);
    List<String> names = current.getContexts() == null ? List.of()
        : current.getContexts().stream().map(NamedContext::getName).sorted().toList();
    if (!names.contains(context)) {
      throw new ParameterException(spec.commandLine(), "--context " + context + ": no such context in the kubeconfig"
          + (names.isEmpty() ? " (it has none)" : " (its contexts: " + String.join(", ", names) + ")"));
    }
    return Config.autoConfigure(context);
  }

  /** Says why the operator cannot run, as a JSON log line in json mode and else as {@code error: ...}; exit 1. */
  private int fail(String message) {
    if (logFormat == LogFormat.JSON) {
      LOG.error(message);
    } else {
      spec.commandLine().getErr().println("error: " + message);
      spec.commandLine().getErr().flush();
    }
    return 1;
  }

  OperatorConfig config() throws IOException {
    if (certificateRenewBeforeDays < 1 || certificateValidityDays <= certificateRenewBeforeDays) {
      throw new ParameterException(spec.commandLine(), "--certificate-renew-before-days " + certificateRenewBeforeDays
          + " must be at least 1 and less than --certificate-validity-days " + certificateValidityDays);
    }
    Set<String> namespaces = Arrays.stream(watchNamespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
    String operatorNamespace = namespace != null && !namespace.isBlank() ? namespace
        : Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)
            ? Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).trim() : "default";
    String instance = System.getenv().getOrDefault("POD_NAME", InetAddress.getLocalHost().getHostName());
    return new OperatorConfig(namespaces, operatorNamespace, instance, leaderElection && !localWebhook, leaseName,
        localWebhook ? "127.0.0.1" : webhookHost, webhookPort, localWebhook ? null : webhookCert,
        localWebhook ? null : webhookKey, localWebhook, localWebhookHost, serverSideApply,
        AgentImageOptions.images(spec), collectorImage, agentRunAsUser, metricsHost, metricsPort,
        logFormat.name().toLowerCase(Locale.ROOT), logLevel.name(),
        selfManagedCertificates && !localWebhook ? new SelfManagedCertificates.Settings(operatorNamespace, webhookSecret,
            webhookConfiguration, List.of(webhookService, webhookService + "." + operatorNamespace,
                webhookService + "." + operatorNamespace + ".svc", webhookService + "." + operatorNamespace + ".svc.cluster.local"),
            Duration.ofDays(certificateValidityDays), Duration.ofDays(certificateRenewBeforeDays),
            webhookCert.getParent()) : null, collectorClusterRolePrefix,
        Arrays.stream(collectorSecretNamespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .collect(Collectors.toSet()), fleetView, validateCollectorConfig,
        targetAllocatorImage == null || targetAllocatorImage.isBlank() ? TargetAllocatorManifests.IMAGE_REPOSITORY + ":" + BuildInfo.version()
            : targetAllocatorImage,
        selectorNamespaces.isBlank() ? Set.of(operatorNamespace) : Arrays.stream(selectorNamespaces.split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()));
  }

  /** Level from the flag; JSON lines when asked (one object per event, MDC included). */
  static void configureLogging(String format, String level) {
    LogbackConfigurator.apply("json".equalsIgnoreCase(format), level);
  }
}
