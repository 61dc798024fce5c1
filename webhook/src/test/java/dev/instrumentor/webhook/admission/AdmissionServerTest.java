package dev.instrumentor.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.TestTls;
import dev.instrumentor.webhook.tls.CertificateAuthority;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real HTTPS server on a free port, with real AdmissionReview JSON. */
class AdmissionServerTest {

  @TempDir
  Path directory;
  private TestTls tls;
  private AdmissionServer server;
  private HttpClient client;
  private final AtomicBoolean ready = new AtomicBoolean(true);

  @BeforeEach
  void start() throws IOException {
    tls = new TestTls(directory);
    PodMutator mutator = Fixtures.javaMutator(InstrumentationSource.of(
        List.of(Fixtures.instrumentation("demo", "java", "http://collector:4317"))), InjectorSettings.defaults());
    server = new AdmissionServer(
        new AdmissionServerConfig("127.0.0.1", 0, tls.certificateFile, tls.keyFile, 64 * 1024, 2, Duration.ofHours(1),
            64, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(30)),
        new PodAdmission(mutator, NamespaceAnnotations.none(), AdmissionObserver.NONE), ready::get).start();
    client = newClient();
  }

  private HttpClient newClient() {
    return HttpClient.newBuilder().sslContext(tls.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI uri(String path) {
    return URI.create("https://localhost:" + server.port() + path);
  }

  private HttpResponse<String> post(String contentType, byte[] body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri("/mutate-pod")).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersARealAdmissionReviewOverHttps() throws Exception {
    HttpResponse<String> response = post("application/json", AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode answer = AdmissionReviews.read(response.body());
    assertThat(answer.path("response").path("uid").asText()).isEqualTo("8d3c7b0e-3f4a-4c55-9b8e-2a1f6e0c9d11");
    assertThat(answer.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(AdmissionReviews.patchedObject(AdmissionReviews.deploymentPodCreate(), answer).toString())
        .contains("-javaagent:/instrumentor/java/javaagent.jar");
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(client.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    assertThat(client.send(HttpRequest.newBuilder(uri("/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    ready.set(false);
    HttpResponse<String> notReady = client.send(HttpRequest.newBuilder(uri("/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).isEqualTo("not ready");
  }

  @Test
  void wrongMethodAndUnknownPath() throws Exception {
    HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri("/mutate-pod")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(client.send(HttpRequest.newBuilder(uri("/mutate")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anOversizedBodyGetsAWellFormedAnswerAndTheConnectionStaysUsable() throws Exception {
    String review = AdmissionReviews.deploymentPodCreate().toString();
    String padded = review.substring(0, review.length() - 1) + ",\"padding\":\"" + "x".repeat(200_000) + "\"}";

    HttpResponse<String> response = post("application/json", padded.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = AdmissionReviews.read(response.body());
    assertThat(answer.path("response").path("uid").asText()).isEqualTo("8d3c7b0e-3f4a-4c55-9b8e-2a1f6e0c9d11");
    assertThat(answer.path("response").path("warnings").get(0).asText()).contains("larger than 65536 bytes");
    assertThat(post("application/json", AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate())).statusCode())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void servesTls12And13(String protocol) throws Exception {
    try (SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setEnabledProtocols(new String[] {protocol});
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"})
  void noSuiteWithoutForwardSecrecyOrWithCbcIsAccepted(String suite) throws Exception {
    try (SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setEnabledCipherSuites(new String[] {suite});
      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void tls12NegotiatesAForwardSecretAeadSuite() throws Exception {
    try (SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();
      assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "_CHACHA20_");
    }
  }

  @Test
  void anExpiredCertificateIsNotLoaded() throws Exception {
    X509Certificate current = server.certificate();
    CertificateAuthority.Issued expired = tls.ca.issue(List.of("localhost", "127.0.0.1"), Duration.ofMinutes(-1));
    Files.writeString(tls.certificateFile, expired.certificatePem());
    Files.writeString(tls.keyFile, expired.privateKeyPem());

    assertThat(server.reloadCertificate()).isFalse();
    assertThat(peerCertificate()).isEqualTo(current);
  }

  /**
   * What stalled the JDK server's four workers: connections that send a byte of a TLS handshake and
   * stop, and TLS connections that announce a body longer than they send (10 kB, 14 bytes sent). None holds a thread now;
   * reviews are answered throughout, and the stalled connections are closed at their deadlines.
   */
  @Test
  void stalledClientsNeitherDelayAdmissionNorStayOpen() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write(0x16); // the first byte of a TLS record: a handshake that never goes on
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      for (int i = 0; i < 10; i++) {
        SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.startHandshake();
        socket.getOutputStream().write(("POST /mutate-pod HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 10000\r\n\r\n{\"apiVersion\":").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      await().atMost(Duration.ofSeconds(1)).until(() -> server.openConnections() >= 30);

      long began = System.nanoTime();
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri("/mutate-pod"))
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(2))
          .POST(HttpRequest.BodyPublishers.ofByteArray(AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate())))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(1));

      // the handshake and request deadlines (2 s here) close them; only the client's connection is left
      await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(server.openConnections()).isLessThanOrEqualTo(1));
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  /**
   * Bodies held at once are bounded (2 of the largest: 128 KiB here), however many connections send
   * them: beyond, a request is answered 503 at once; when they are gone, reviews are served again.
   */
  @Test
  void theBytesOfBodiesInFlightAreBounded() throws Exception {
    List<SSLSocket> large = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.startHandshake();
        socket.getOutputStream().write(("POST /mutate-pod HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 65536\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        large.add(socket);
      }
      byte[] review = AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate());
      await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(post("application/json", review).statusCode())
          .as("the budget is spent on the 2 announced bodies").isEqualTo(503));
    } finally {
      for (SSLSocket socket : large) {
        socket.close();
      }
    }
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
        post("application/json", AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate())).statusCode()).isEqualTo(200));
  }

  @Test
  void aServerWhoseCertificateExpiredIsNotReady() throws Exception {
    CertificateAuthority.Issued expired = tls.ca.issue(List.of("localhost", "127.0.0.1"), Duration.ofMinutes(-1));
    Files.writeString(tls.certificateFile, expired.certificatePem());
    Files.writeString(tls.keyFile, expired.privateKeyPem());
    // as at a start from an expired Secret: served with a warning, so that the renewer can run, but not ready
    try (AdmissionServer stale = new AdmissionServer(AdmissionServerConfig.of("127.0.0.1", 0, tls.certificateFile,
        tls.keyFile), new PodAdmission(Fixtures.javaMutator(InstrumentationSource.of(List.of()), InjectorSettings.defaults()),
            NamespaceAnnotations.none(), AdmissionObserver.NONE), () -> true).start()) {
      assertThat(stale.notServing()).startsWith("the serving certificate expired at");
    }
    assertThat(server.notServing()).isNull();
  }

  @Test
  void reloadsARotatedCertificateWithoutRestart() throws Exception {
    X509Certificate before = peerCertificate();
    assertThat(before).isEqualTo(server.certificate());
    assertThat(server.reloadCertificate()).isFalse(); // unchanged files: nothing to do

    X509Certificate rotated = tls.issue().certificate();
    assertThat(server.reloadCertificate()).isTrue();

    assertThat(peerCertificate()).isEqualTo(rotated).isNotEqualTo(before);
    assertThat(post("application/json", AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate())).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aHalfWrittenRotationKeepsTheCurrentCertificate() throws Exception {
    X509Certificate current = server.certificate();
    String oldKey = Files.readString(tls.keyFile);
    tls.issue();
    Files.writeString(tls.keyFile, oldKey); // new certificate, old key: a mismatched pair

    assertThat(server.reloadCertificate()).isFalse();
    assertThat(peerCertificate()).isEqualTo(current);

    Files.writeString(tls.keyFile, "garbage");
    assertThat(server.reloadCertificate()).isFalse();
    assertThat(peerCertificate()).isEqualTo(current);
  }

  @Test
  void aClientThatDoesNotTrustTheCaIsRefused() {
    HttpClient untrusting = HttpClient.newHttpClient();
    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(uri("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("unable to find valid certification path");
  }

  private X509Certificate peerCertificate() throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.startHandshake();
      SSLSession session = socket.getSession();
      return (X509Certificate) session.getPeerCertificates()[0];
    }
  }
}
