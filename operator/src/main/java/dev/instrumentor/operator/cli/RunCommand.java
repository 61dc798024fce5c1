package dev.instrumentor.operator.cli;

import dev.instrumentor.webhook.inject.AgentImages;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorConfig;
import dev.instrumentor.operator.runtime.SelfManagedCertificates;
import dev.instrumentor.webhook.inject.InjectorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code instrumentor run}: the operator and the admission server in one process, until SIGTERM or
 * SIGINT. Every flag has an environment variable; flags win.
 */
@Command(name = "run", sortOptions = false, showDefaultValues = true, mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "Run the operator (reconcilers, leader-elected) and the admission webhook (every replica).")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS...]", defaultValue = "${env:INSTRUMENTOR_WATCH_NAMESPACES:-}",
      description = "Namespaces to watch (env INSTRUMENTOR_WATCH_NAMESPACES); empty for all.")
  String watchNamespaces;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-}",
      description = "The operator's namespace (env POD_NAMESPACE); default: the service account's, else 'default'.")
  String namespace;

  @Option(names = "--leader-election", negatable = true, defaultValue = "${env:INSTRUMENTOR_LEADER_ELECTION:-true}",
      fallbackValue = "true", description = "Run reconcilers only on the replica holding the lease (env INSTRUMENTOR_LEADER_ELECTION).")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = "${env:INSTRUMENTOR_LEASE_NAME:-instrumentor-operator}",
      description = "Name of the leader-election Lease.")
  String leaseName;

  @Option(names = "--webhook-host", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_HOST:-0.0.0.0}",
      description = "Address the admission server binds (127.0.0.1 with --local-webhook).")
  String webhookHost;

  @Option(names = "--webhook-port", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_PORT:-9443}",
      description = "Port of the admission server.")
  int webhookPort;

  @Option(names = "--webhook-cert", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_CERT:-/etc/instrumentor/tls/tls.crt}",
      description = "Serving certificate (PEM), re-read when it changes.")
  Path webhookCert;

  @Option(names = "--webhook-key", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_KEY:-/etc/instrumentor/tls/tls.key}",
      description = "Serving key (PEM).")
  Path webhookKey;

  @Option(names = "--self-managed-certificates", negatable = true,
      defaultValue = "${env:INSTRUMENTOR_SELF_MANAGED_CERTIFICATES:-false}", fallbackValue = "true",
      description = "Keep the webhook's CA and certificate in a Secret, renew them, and set the caBundle"
          + " (the chart's certificates.mode=selfManaged); files go where --webhook-cert and --webhook-key point.")
  boolean selfManagedCertificates;

  @Option(names = "--webhook-secret", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_SECRET:-instrumentor-webhook-tls}",
      description = "With --self-managed-certificates: the Secret holding the CA and certificate.")
  String webhookSecret;

  @Option(names = "--webhook-configuration", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_CONFIGURATION:-instrumentor}",
      description = "With --self-managed-certificates: the MutatingWebhookConfiguration whose caBundle is kept current.")
  String webhookConfiguration;

  @Option(names = "--webhook-service", defaultValue = "${env:INSTRUMENTOR_WEBHOOK_SERVICE:-instrumentor-webhook}",
      description = "With --self-managed-certificates: the webhook Service the certificate names.")
  String webhookService;

  @Option(names = "--local-webhook", description = "Development: bind 127.0.0.1, generate a certificate, register a"
      + " MutatingWebhookConfiguration by URL in the current kubeconfig context, remove it on exit.")
  boolean localWebhook;

  @Option(names = "--local-webhook-host", defaultValue = "${env:INSTRUMENTOR_LOCAL_WEBHOOK_HOST:-127.0.0.1}",
      description = "With --local-webhook: the host the API server calls (for kind: the Docker network gateway).")
  String localWebhookHost;

  @Option(names = "--context", description = "kubeconfig context to use (default: the current one).")
  String context;

  @Option(names = "--server-side-apply", negatable = true, defaultValue = "${env:INSTRUMENTOR_SERVER_SIDE_APPLY:-true}",
      fallbackValue = "true", description = "Write owned objects with server-side apply (turn off only for API servers without it).")
  boolean serverSideApply;

  @Option(names = "--java-agent-image", defaultValue = "${env:INSTRUMENTOR_JAVA_AGENT_IMAGE:-"
      + AgentImages.DEFAULT_JAVA + "}", description = "Default Java agent image.")
  String javaAgentImage;

  @Option(names = "--nodejs-agent-image", defaultValue = "${env:INSTRUMENTOR_NODEJS_AGENT_IMAGE:-"
      + AgentImages.DEFAULT_NODEJS + "}", description = "Default Node.js auto-instrumentation image.")
  String nodejsAgentImage;

  @Option(names = "--python-agent-image", defaultValue = "${env:INSTRUMENTOR_PYTHON_AGENT_IMAGE:-"
      + AgentImages.DEFAULT_PYTHON + "}", description = "Default Python auto-instrumentation image.")
  String pythonAgentImage;

  @Option(names = "--dotnet-agent-image", defaultValue = "${env:INSTRUMENTOR_DOTNET_AGENT_IMAGE:-"
      + AgentImages.DEFAULT_DOTNET + "}", description = "Default .NET auto-instrumentation image.")
  String dotnetAgentImage;

  @Option(names = "--collector-image", defaultValue = "${env:INSTRUMENTOR_COLLECTOR_IMAGE:-"
      + InjectorSettings.DEFAULT_COLLECTOR_IMAGE + "}", description = "Default collector image.")
  String collectorImage;

  @Option(names = "--agent-run-as-user", defaultValue = "${env:INSTRUMENTOR_AGENT_RUN_AS_USER:-"
      + InjectorSettings.DEFAULT_RUN_AS_USER + "}", paramLabel = "UID",
      description = "Non-root user of injected init containers when neither the target container nor the pod sets one.")
  long agentRunAsUser;

  @Option(names = "--metrics-host", defaultValue = "${env:INSTRUMENTOR_METRICS_HOST:-0.0.0.0}",
      description = "Address of /metrics, /healthz and /readyz.")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "${env:INSTRUMENTOR_METRICS_PORT:-8080}",
      description = "Port of /metrics, /healthz and /readyz.")
  int metricsPort;

  @Option(names = "--log-format", defaultValue = "${env:INSTRUMENTOR_LOG_FORMAT:-text}", description = "text or json.")
  String logFormat;

  @Option(names = "--log-level", defaultValue = "${env:INSTRUMENTOR_LOG_LEVEL:-INFO}",
      description = "TRACE, DEBUG, INFO, WARN or ERROR.")
  String logLevel;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    configureLogging(logFormat, logLevel);
    OperatorConfig config = config();
    Config clientConfig = context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
    clientConfig.setRequestRetryBackoffLimit(1);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build()) {
      try {
        client.getKubernetesVersion();
      } catch (RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
          cause = cause.getCause();
        }
        spec.commandLine().getErr().println("error: cannot reach the Kubernetes API server at " + clientConfig.getMasterUrl()
            + " (" + cause + "). Point KUBECONFIG or --context at a cluster.");
        return 1;
      }
      LOG.info("instrumentor {} starting against {} (namespaces: {}, leader election: {})", BuildInfo.version(),
          clientConfig.getMasterUrl(), config.watchesAllNamespaces() ? "all" : config.watchNamespaces(),
          config.leaderElection());
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
          spec.commandLine().getErr().println("error: " + e.getMessage());
          return 1;
        }
        stopped.await();
      }
    }
    return 0;
  }

  OperatorConfig config() throws IOException {
    Set<String> namespaces = Arrays.stream(watchNamespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
    String operatorNamespace = namespace != null && !namespace.isBlank() ? namespace
        : Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)
            ? Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).trim() : "default";
    String instance = System.getenv().getOrDefault("POD_NAME", InetAddress.getLocalHost().getHostName());
    return new OperatorConfig(namespaces, operatorNamespace, instance, leaderElection && !localWebhook, leaseName,
        localWebhook ? "127.0.0.1" : webhookHost, webhookPort, localWebhook ? null : webhookCert,
        localWebhook ? null : webhookKey, localWebhook, localWebhookHost, serverSideApply,
        new AgentImages(javaAgentImage, nodejsAgentImage, pythonAgentImage, dotnetAgentImage), collectorImage, agentRunAsUser, metricsHost, metricsPort, logFormat, logLevel.toUpperCase(java.util.Locale.ROOT),
        selfManagedCertificates && !localWebhook ? new SelfManagedCertificates.Settings(operatorNamespace, webhookSecret,
            webhookConfiguration, java.util.List.of(webhookService, webhookService + "." + operatorNamespace,
                webhookService + "." + operatorNamespace + ".svc", webhookService + "." + operatorNamespace + ".svc.cluster.local"),
            java.time.Duration.ofDays(365), java.time.Duration.ofDays(30), webhookCert.getParent()) : null);
  }

  /** Level from the flag; JSON lines when asked (one object per event, MDC included). */
  static void configureLogging(String format, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    if ("json".equalsIgnoreCase(format)) {
      ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
      appender.setContext(context);
      appender.setName("JSON");
      appender.setTarget("System.err");
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.start();
      appender.setEncoder(encoder);
      appender.start();
      root.detachAndStopAllAppenders();
      root.addAppender(appender);
    }
  }
}
