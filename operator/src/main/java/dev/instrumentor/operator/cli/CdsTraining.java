package dev.instrumentor.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.operator.runtime.HealthServer;
import dev.instrumentor.operator.runtime.OperatorMetrics;
import dev.instrumentor.operator.runtime.OperatorTelemetry;
import dev.instrumentor.operator.yaml.InputException;
import dev.instrumentor.operator.yaml.YamlDocuments;
import dev.instrumentor.webhook.admission.AdmissionObserver;
import dev.instrumentor.webhook.admission.AdmissionServer;
import dev.instrumentor.webhook.admission.AdmissionServerConfig;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.admission.PodAdmission;
import dev.instrumentor.webhook.agent.Agents;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.json.KubeSerialization;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.LoggerFactory;

/**
 * The training run of the image's AppCDS archive ({@code -XX:ArchiveClassesAtExit}; on Java 25 the same run makes
 * an AOT cache, {@code -XX:AOTCacheOutput}, which the benchmarks can measure): touches what {@code run} loads before
 * it serves — the command line, logging, the Kubernetes client and its HTTP stack, certificates, the operator SDK,
 * the model registry a watch event fills — and runs what admission runs: the example Deployment's pod reviewed
 * {@value #REVIEWS} times over HTTPS by the admission server with the example Instrumentation, on
 * {@value #CONNECTIONS} connections (a TLS handshake each), so that every class the hot path loads comes from the
 * archive (and, on Java 25, the cache holds its method profiles, JEP 515). It does not run the {@code inject}
 * preview: what is archived is mapped at every start, so CEL and the preview stay out. Then exits 0, without a
 * cluster. Usage: {@code java -cp instrumentor.jar ...CdsTraining <examples-dir>}.
 */
public final class CdsTraining {

  private static final KubernetesSerialization SERIALIZATION = KubeSerialization.SHARED;
  static final int REVIEWS = 3000;
  static final int CONNECTIONS = 30;

  private CdsTraining() {
  }

  /**
   * Starts the admission and health servers (Netty, TLS) on free ports, sends them the example pod's review
   * and a health check, and stops them: their classes and the profiles of what they run. The certificate and key
   * live under {@code scratch} for the run only. Returns whether every review was answered with the injection.
   */
  static boolean serveOnce(CertificateAuthority ca, Path examples, Path scratch) {
    Path directory = null;
    try {
      CertificateAuthority.Issued issued = ca.issue(List.of("localhost"), Duration.ofDays(1));
      directory = Files.createTempDirectory(scratch, "cds-training");
      Path certificate = Files.writeString(directory.resolve("tls.crt"), issued.certificatePem());
      Path key = Files.writeString(directory.resolve("tls.key"), issued.privateKeyPem());
      PodAdmission admission = new PodAdmission(
          Agents.mutator(
              InstrumentationSource.of(instrumentations(examples.resolve("instrumentation.yaml"))),
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
        review(server.port(), ca, review(examples.resolve("java-deployment.yaml")));
        return true;
      }
    } catch (IOException | InputException | GeneralSecurityException e) {
      LoggerFactory.getLogger(CdsTraining.class).error("training: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deleteCertificates(directory);
    }
    return false;
  }

  /** The training certificate and key go with the run: nothing of them stays in the image's layer. */
  private static void deleteCertificates(Path directory) {
    if (directory == null) {
      return;
    }
    try {
      Files.deleteIfExists(directory.resolve("tls.crt"));
      Files.deleteIfExists(directory.resolve("tls.key"));
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      LoggerFactory.getLogger(CdsTraining.class).warn("training: {}", e.toString());
    }
  }

  /** POSTs {@code body} {@value #REVIEWS} times to {@code /mutate-pod}, trusting {@code ca}, on new connections. */
  private static void review(int port, CertificateAuthority ca, byte[] body)
      throws IOException, InterruptedException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("training", ca.certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/mutate-pod"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpClient client = null;
    for (int i = 0; i < REVIEWS; i++) {
      if (i % (REVIEWS / CONNECTIONS) == 0) {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
      }
      HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200 || !answer.body().contains("\"patch\"")) {
        throw new IOException("the training review was not injected: " + answer.body());
      }
    }
  }

  /**
   * The Instrumentations of {@code file}, read without the {@code inject} preview's schema and CEL checks: what
   * the cache holds is loaded at every start, so the training run touches only what {@code run} needs.
   */
  static List<Instrumentation> instrumentations(Path file) throws IOException, InputException {
    List<Instrumentation> instrumentations = new ArrayList<>();
    for (JsonNode document : YamlDocuments.read(file.toString(), Files.readString(file))) {
      instrumentations.add(SERIALIZATION.convertValue(document, Instrumentation.class));
    }
    return instrumentations;
  }

  /** The example Deployment's pod as kube-apiserver sends it to the webhook: the AdmissionReview of its CREATE. */
  static byte[] review(Path deploymentFile) throws IOException, InputException {
    JsonNode deployment = YamlDocuments.read(deploymentFile.toString(), Files.readString(deploymentFile)).get(0);
    String namespace = deployment.path("metadata").path("namespace").asText("default");
    ObjectNode metadata = deployment.path("spec").path("template").path("metadata").deepCopy();
    metadata.put("generateName", deployment.path("metadata").path("name").asText() + "-");
    metadata.put("namespace", namespace);
    ObjectNode review = JsonNodeFactory.instance.objectNode()
        .put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request").put("uid", "00000000-0000-0000-0000-000000000001");
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
    request.put("namespace", namespace).put("operation", "CREATE");
    request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
    ObjectNode pod = request.putObject("object").put("apiVersion", "v1").put("kind", "Pod");
    pod.set("metadata", metadata);
    pod.set("spec", deployment.path("spec").path("template").path("spec").deepCopy());
    return SERIALIZATION.asJson(review).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) {
    Path examples = Path.of(args.length > 0 ? args[0] : "examples");
    LoggerFactory.getLogger(CdsTraining.class).debug("training");
    Main.commandLine().parseArgs("run", "--local-webhook");
    if (!serveOnce(CertificateAuthority.create("training", Duration.ofDays(1)), examples,
        Path.of(System.getProperty("java.io.tmpdir")))) {
      // an archive without the hot path would still start, only slower: the image build fails instead
      System.exit(1);
    }
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1")
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(200).withRequestTimeout(200).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
        .withKubernetesSerialization(WatchedKinds.registered()).build()) {
      try {
        client.getKubernetesVersion();
      } catch (RuntimeException expected) {
        // nothing listens there: the point was loading the client's classes
      }
      // a watch event as a replica reads them, so that the deserializers' classes come from the cache
      client.getKubernetesSerialization().unmarshal(
          "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}}", WatchEvent.class);
      new Operator(overrider -> overrider.withKubernetesClient(client).withCloseClientOnStop(false));
    }
    System.exit(0);
  }
}
