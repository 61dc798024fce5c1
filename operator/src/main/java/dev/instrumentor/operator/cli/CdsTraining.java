package dev.instrumentor.operator.cli;

import dev.instrumentor.operator.runtime.HealthServer;
import dev.instrumentor.operator.runtime.OperatorMetrics;
import dev.instrumentor.operator.runtime.OperatorTelemetry;
import dev.instrumentor.webhook.admission.AdmissionObserver;
import dev.instrumentor.webhook.admission.AdmissionServer;
import dev.instrumentor.webhook.admission.AdmissionServerConfig;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.admission.PodAdmission;
import dev.instrumentor.webhook.agent.Agents;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.tls.CertificateAuthority;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
      Path directory = Files.createTempDirectory("cds-training");
      Path certificate = Files.writeString(directory.resolve("tls.crt"), issued.certificatePem());
      Path key = Files.writeString(directory.resolve("tls.key"), issued.privateKeyPem());
      PodAdmission admission = new PodAdmission(
          Agents.mutator(
              InstrumentationSource.of(List.of()),
              InjectorSettings.defaults()),
          NamespaceAnnotations.none(),
          AdmissionObserver.NONE);
      try (OperatorTelemetry telemetry =
              OperatorTelemetry.create(Map.of());
          AdmissionServer server = new AdmissionServer(
              AdmissionServerConfig.of("127.0.0.1", 0, certificate, key), admission,
              () -> true).start();
          HealthServer health = new HealthServer(
              "127.0.0.1", 0, new OperatorMetrics(telemetry), () -> true).start()) {
        for (String path : new String[] {"/healthz", "/metrics"}) {
          HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + health.port() + path)).build(),
              HttpResponse.BodyHandlers.discarding());
        }
      }
    } catch (IOException e) {
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
