package dev.instrumentor.operator.runtime;

import dev.instrumentor.operator.collector.CollectorManifests;
import dev.instrumentor.operator.collector.TelemetryCollectorReconciler;
import dev.instrumentor.operator.fleet.Workloads;
import dev.instrumentor.operator.instrumentation.InstrumentationReconciler;
import dev.instrumentor.operator.instrumentation.InstrumentationValidator;
import dev.instrumentor.operator.kube.EventRecorder;
import dev.instrumentor.operator.kube.ResourceApplier;
import dev.instrumentor.webhook.admission.AdmissionServer;
import dev.instrumentor.webhook.admission.AdmissionServerConfig;
import dev.instrumentor.webhook.admission.PodAdmission;
import dev.instrumentor.webhook.admission.StandardMutator;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process: the admission server (on every replica, reading informer caches) and the JOSDK
 * operator with its reconcilers (on the leader). {@link #start()} returns once the webhook serves;
 * {@link #close()} stops everything in reverse order.
 */
public final class InstrumentorOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InstrumentorOperator.class);
  /**
   * How often a standby replica tries the Lease (fabric8 adds up to 120 % jitter). JOSDK's 2 s meant up
   * to 4.4 s without a leader after the leader released the Lease on SIGTERM; 1 s bounds it at 2.2 s,
   * for one GET of the Lease per replica and second.
   */
  static final Duration LEADER_ELECTION_RETRY_PERIOD = Duration.ofSeconds(1);

  private final OperatorConfig config;
  private final KubernetesClient client;
  private final Clock clock;
  private final OperatorTelemetry telemetry;
  private final OperatorMetrics metrics;
  private WebhookCaches caches;
  private EventRecorder events;
  private AdmissionServer admissionServer;
  private HealthServer healthServer;
  private Operator operator;
  private String localWebhookName;
  private volatile boolean leader;
  private final AtomicBoolean closed = new AtomicBoolean();
  private ScheduledExecutorService certificateMaintenance;
  private SelfManagedCertificates certificates;

  /** With its telemetry configured from the {@code OTEL_*} environment. */
  public InstrumentorOperator(OperatorConfig config, KubernetesClient client, Clock clock) {
    this(config, client, clock, OperatorTelemetry.fromEnvironment());
  }

  /** With {@code telemetry}, which it closes when it stops. */
  public InstrumentorOperator(OperatorConfig config, KubernetesClient client, Clock clock, OperatorTelemetry telemetry) {
    this.config = config;
    this.client = client;
    this.clock = clock;
    this.telemetry = telemetry;
    this.metrics = new OperatorMetrics(telemetry);
  }

  public InstrumentorOperator start() throws IOException {
    long began = System.nanoTime();
    events = new EventRecorder(client, config.instance(), Duration.ofMinutes(5), clock);
    // the informers list while the certificate work below runs
    caches = WebhookCaches.start(client, config.watchNamespaces());
    PodAdmission admission = admission();
    Serving serving = servingCertificate();
    // TLS and the servers' event loops are set up while the informers list too; /healthz and /metrics serve
    // from here, /readyz says 503 until the webhook serves
    admissionServer = new AdmissionServer(AdmissionServerConfig.of(config.webhookHost(), config.webhookPort(),
        serving.certificate(), serving.key()), admission, this::ready);
    healthServer = new HealthServer(config.metricsHost(), config.metricsPort(), metrics, this::ready).start();
    try {
      caches.awaitSynced(60);
    } catch (RuntimeException e) {
      close(); // the ports and threads above; the caller may not hold this object yet
      throw e;
    }
    admissionServer.start();
    LOG.info("webhook ready in {} ms (caches synced, serving on port {})",
        Duration.ofNanos(System.nanoTime() - began).toMillis(), admissionServer.port());
    if (serving.localCa() != null) {
      registerLocalWebhook(serving.localCa());
    }
    operator = new Operator(this::configure);
    registerReconcilers();
    operator.start();
    if (!config.leaderElection()) {
      leader = true;
    }
    if (certificates != null) {
      // every replica follows the Secret; the leader's first run comes as soon as it leads (onStartedLeading)
      certificateMaintenance.scheduleWithFixedDelay(this::maintainCertificates, 60, 60, TimeUnit.SECONDS);
    }
    return this;
  }

  /** The webhook's mutation over the caches, with its metrics. */
  private PodAdmission admission() {
    InjectorSettings settings = new InjectorSettings(config.agentImages(), config.agentRunAsUser(),
        config.collectorImage(), nativeSidecars());
    PodMutator mutator = StandardMutator.of(caches.instrumentationSource(),
        caches.collectorSource(), settings, config.selectorNamespaces());
    metrics.cacheSizes(caches.sizes(), LongSupplier::getAsLong);
    metrics.conditions(caches::conditions);
    metrics.rolledBack(caches::rolledBack);
    return new PodAdmission(mutator, caches.namespaceAnnotations(), new AdmissionReporting(metrics, events, telemetry));
  }

  /** The webhook's certificate and key, and the local CA that signed them for --local-webhook (else null). */
  private record Serving(Path certificate, Path key, CertificateAuthority localCa) {
  }

  /**
   * From files, from the self-managed Secret (the caBundle is in place before this replica reports ready,
   * whoever leads), or issued by a throwaway CA for --local-webhook.
   */
  private Serving servingCertificate() throws IOException {
    if (config.selfManaged() != null) {
      certificates = new SelfManagedCertificates(client, config.selfManaged(), clock);
      certificates.bootstrap();
      certificateMaintenance = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "certificate-maintenance");
        thread.setDaemon(true);
        return thread;
      });
      return new Serving(config.selfManaged().certificateFile(), config.selfManaged().keyFile(), null);
    }
    if (!config.localWebhook()) {
      return new Serving(config.certificateFile(), config.keyFile(), null);
    }
    CertificateAuthority localCa = CertificateAuthority.create("instrumentor-local-webhook-ca", Duration.ofDays(30));
    Path directory = Files.createTempDirectory("instrumentor-webhook");
    CertificateAuthority.Issued issued = localCa.issue(
        List.of(config.localWebhookUrlHost(), "localhost", "127.0.0.1"), Duration.ofDays(30));
    Path certificate = directory.resolve("tls.crt");
    Path key = directory.resolve("tls.key");
    Files.writeString(certificate, issued.certificatePem());
    Files.writeString(key, issued.privateKeyPem());
    directory.toFile().deleteOnExit();
    certificate.toFile().deleteOnExit();
    key.toFile().deleteOnExit();
    return new Serving(certificate, key, localCa);
  }

  private void registerLocalWebhook(CertificateAuthority localCa) {
    localWebhookName = "instrumentor-local-" + config.instance().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    WebhookRegistration.register(client, WebhookRegistration.byUrl(localWebhookName,
        WebhookRegistration.localUrl(config.localWebhookUrlHost(), admissionServer.port()), localCa.certificatePem(),
        config.operatorNamespace()));
    LOG.info("registered MutatingWebhookConfiguration {} -> {}", localWebhookName,
        WebhookRegistration.localUrl(config.localWebhookUrlHost(), admissionServer.port()));
  }

  /** JOSDK: our client, server-side apply for the status, reconcile metrics, leader election. */
  private void configure(ConfigurationServiceOverrider overrider) {
    overrider.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(config.serverSideApply())
        .withMetrics(new ReconcileMetrics(metrics, telemetry))
        .withStopOnInformerErrorDuringStartup(false);
    if (config.leaderElection()) {
      // not JOSDK's exit-on-stop: it calls System.exit, which deadlocks when stopping runs in the JVM's
      // shutdown hook; losing the Lease while running is handled by onLostLeadership instead
      overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(config.leaseName(),
          config.operatorNamespace(), LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
          LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, LEADER_ELECTION_RETRY_PERIOD,
          config.instance(), new LeaderCallbacks(this::onStartedLeading, this::onLostLeadership,
              newLeader -> LOG.info("leader is {}", newLeader)), false));
    }
  }

  private void registerReconcilers() {
    InstrumentationReconciler instrumentations = new InstrumentationReconciler(new InstrumentationValidator(
            (ns, name) -> client.configMaps().inNamespace(ns).withName(name).get() != null, config.selectorNamespaces()),
        events, clock,
        config.fleetView() ? new InstrumentationReconciler.FleetSources(caches.namespaceAnnotations(),
            caches.instrumentationSource(), new Workloads(client)) : null);
    metrics.fleet(instrumentations::views);
    metrics.failing(instrumentations::failing);
    metrics.unresolved(instrumentations::unresolved);
    operator.register(instrumentations, overrider -> namespaces(overrider));
    operator.register(new TelemetryCollectorReconciler(
        new CollectorManifests(config.collectorImage(), config.collectorClusterRolePrefix(),
            config.targetAllocatorImage()),
        new ResourceApplier(client, config.serverSideApply()), events, clock, config.collectorSecretNamespaces(),
        config.collectorConfigValidation()), overrider -> namespaces(overrider));
  }


  private <R extends HasMetadata> void namespaces(
      ControllerConfigurationOverrider<R> overrider) {
    if (config.watchesAllNamespaces()) {
      overrider.watchingAllNamespaces();
    } else {
      overrider.settingNamespaces(config.watchNamespaces());
    }
  }

  private void onStartedLeading() {
    leader = true;
    LOG.info("{} leads: reconcilers start", config.instance());
    if (certificateMaintenance != null) {
      certificateMaintenance.execute(this::maintainCertificates);
    }
  }

  /**
   * Called when the Lease is lost or given up. On shutdown that is expected; while running it means
   * another replica may already reconcile, so the process exits (as controller-runtime's managers do)
   * and is restarted to campaign again — from a new thread, never from a shutdown hook.
   */
  private void onLostLeadership() {
    leader = false;
    if (closed.get()) {
      return;
    }
    LOG.error("{} lost the leader Lease {}/{} while running; exiting so that a restart campaigns again",
        config.instance(), config.operatorNamespace(), config.leaseName());
    Thread exit = new Thread(() -> System.exit(1), "lost-leadership-exit");
    exit.setDaemon(true);
    exit.start();
  }

  /** On shutdown: hand the Lease over at once (as client-go's ReleaseOnCancel) instead of letting it expire. */
  private void releaseLease() {
    LeaseLock lock = new LeaseLock(config.operatorNamespace(), config.leaseName(), config.instance());
    // a renewal still in flight as leadership stops can change the Lease under us (409): read it again
    for (int attempt = 1; ; attempt++) {
      try {
        LeaderElectionRecord current = lock.get(client);
        if (current == null || !config.instance().equals(current.getHolderIdentity())) {
          return;
        }
        ZonedDateTime now = ZonedDateTime.now(clock);
        lock.update(client, new LeaderElectionRecord(null, Duration.ofSeconds(1), now, now,
            current.getLeaderTransitions()));
        LOG.info("released the leader Lease {}/{}", config.operatorNamespace(), config.leaseName());
        return;
      } catch (RuntimeException e) {
        if (e instanceof KubernetesClientException conflict && conflict.getCode() == 409 && attempt < 5) {
          continue;
        }
        LOG.warn("could not release the leader Lease {}/{} ({}); it expires by itself", config.operatorNamespace(),
            config.leaseName(), e.toString());
        return;
      }
    }
  }

  /**
   * Every replica follows the Secret into its files; the leader also renews and keeps the caBundle.
   */
  void maintainCertificates() {
    try {
      if (leader) {
        certificates.maintain();
      } else {
        Secret secret = client.secrets().inNamespace(config.selfManaged().namespace())
            .withName(config.selfManaged().secretName()).get();
        if (secret != null) {
          certificates.writeFiles(secret);
        }
      }
      admissionServer.reloadCertificate();
    } catch (RuntimeException e) {
      LOG.warn("webhook certificate maintenance failed: {}", e.toString());
    }
  }

  /** Native sidecars (restartPolicy Always on init containers) are on by default from Kubernetes 1.29. */
  private boolean nativeSidecars() {
    try {
      VersionInfo version = client.getKubernetesVersion();
      if (version == null || version.getMajor() == null || version.getMinor() == null) {
        LOG.info("the API server does not say its version; collector sidecars are injected as native sidecars");
        return true;
      }
      int major = Integer.parseInt(version.getMajor().replaceAll("\\D", ""));
      int minor = Integer.parseInt(version.getMinor().replaceAll("\\D", ""));
      boolean native129 = major > 1 || minor >= 29;
      LOG.info("API server {}.{}: collector sidecars are injected as {}", major, minor,
          native129 ? "native sidecars (init containers with restartPolicy Always)" : "regular containers");
      return native129;
    } catch (RuntimeException e) {
      LOG.warn("cannot read the API server version ({}); assuming native sidecars", e.toString());
      return true;
    }
  }

  /**
   * Ready to admit pods: the caches have synced and the admission server serves (listening, with a
   * certificate within its validity). Reconcilers are not
   * part of it: they run on the leader only, while every replica serves the webhook.
   */
  public boolean ready() {
    return caches != null && caches.synced() && admissionServer != null && admissionServer.notServing() == null;
  }

  public int webhookPort() {
    return admissionServer.port();
  }

  public int metricsPort() {
    return healthServer.port();
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  public AdmissionServer admissionServer() {
    return admissionServer;
  }

  public String localWebhookName() {
    return localWebhookName;
  }


  /** Stops everything, once: the shutdown hook and the caller may both call it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (certificateMaintenance != null) {
      certificateMaintenance.shutdownNow();
    }
    if (localWebhookName != null) {
      try {
        WebhookRegistration.unregister(client, localWebhookName);
        LOG.info("removed MutatingWebhookConfiguration {}", localWebhookName);
      } catch (RuntimeException e) {
        LOG.warn("could not remove MutatingWebhookConfiguration {}: {}", localWebhookName, e.toString());
      }
    }
    if (operator != null) {
      operator.stop();
      if (config.leaderElection()) {
        releaseLease();
      }
    }
    if (admissionServer != null) {
      admissionServer.stop(Duration.ofSeconds(2));
    }
    if (healthServer != null) {
      healthServer.close();
    }
    if (caches != null) {
      caches.close();
    }
    if (events != null) {
      events.close();
    }
    telemetry.close();
  }
}
