package dev.instrumentor.operator.cli;

import dev.instrumentor.webhook.tls.CertificateAuthority;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The training run of the image's AppCDS archive ({@code -XX:ArchiveClassesAtExit}): touches what
 * {@code run} loads before it serves — the command line, logging, the Kubernetes client and its HTTP
 * stack, certificates, the operator SDK — and what admission loads — YAML, the model, the mutator —
 * then exits 0, without a cluster. Usage: {@code java -cp instrumentor.jar ...CdsTraining <examples-dir>}.
 */
public final class CdsTraining {

  private CdsTraining() {
  }

  /** Starts the admission and health servers (Netty, TLS) on free ports and stops them: their classes. */
  private static void serveOnce(CertificateAuthority.Issued issued) {
    try {
      java.nio.file.Path directory = java.nio.file.Files.createTempDirectory("cds-training");
      java.nio.file.Path certificate = java.nio.file.Files.writeString(directory.resolve("tls.crt"), issued.certificatePem());
      java.nio.file.Path key = java.nio.file.Files.writeString(directory.resolve("tls.key"), issued.privateKeyPem());
      dev.instrumentor.webhook.admission.PodAdmission admission = new dev.instrumentor.webhook.admission.PodAdmission(
          dev.instrumentor.webhook.agent.Agents.mutator(
              dev.instrumentor.webhook.agent.InstrumentationSource.of(List.of()),
              dev.instrumentor.webhook.mutation.InjectorSettings.defaults()),
          dev.instrumentor.webhook.admission.NamespaceAnnotations.none(),
          dev.instrumentor.webhook.admission.AdmissionObserver.NONE);
      try (dev.instrumentor.operator.runtime.OperatorTelemetry telemetry =
              dev.instrumentor.operator.runtime.OperatorTelemetry.create(java.util.Map.of());
          dev.instrumentor.webhook.admission.AdmissionServer server = new dev.instrumentor.webhook.admission.AdmissionServer(
              dev.instrumentor.webhook.admission.AdmissionServerConfig.of("127.0.0.1", 0, certificate, key), admission,
              () -> true).start();
          dev.instrumentor.operator.runtime.HealthServer health = new dev.instrumentor.operator.runtime.HealthServer(
              "127.0.0.1", 0, new dev.instrumentor.operator.runtime.OperatorMetrics(telemetry), () -> true).start()) {
        for (String path : new String[] {"/healthz", "/metrics"}) {
          java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + health.port() + path)).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
        }
      }
    } catch (java.io.IOException e) {
      // a training run without a loopback or a temp dir: fewer classes archived, nothing else
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) {
    Path examples = Path.of(args.length > 0 ? args[0] : "examples");
    LoggerFactory.getLogger(CdsTraining.class).debug("training");
    Main.commandLine().parseArgs("run", "--local-webhook");
    StringWriter sink = new StringWriter();
    picocli.CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(sink));
    cli.setErr(new PrintWriter(sink));
    cli.execute("inject", "-i", examples.resolve("instrumentation.yaml").toString(),
        "-f", examples.resolve("java-deployment.yaml").toString());
    CertificateAuthority ca = CertificateAuthority.create("training", Duration.ofDays(1));
    CertificateAuthority.Issued issued = ca.issue(List.of("localhost"), Duration.ofDays(1));
    serveOnce(issued);
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1")
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(200).withRequestTimeout(200).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      try {
        client.getKubernetesVersion();
      } catch (RuntimeException expected) {
        // nothing listens there: the point was loading the client's classes
      }
      new Operator(overrider -> overrider.withKubernetesClient(client).withCloseClientOnStop(false));
    }
    System.exit(0);
  }
}
