package dev.instrumentor.webhook.admission;

import dev.instrumentor.webhook.http.HttpEndpointServer;
import dev.instrumentor.webhook.tls.ReloadingKeyManager;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS admission server: {@code POST /mutate-pod}, {@code GET /healthz}, {@code GET /readyz}, on
 * Netty ({@link HttpEndpointServer}): no client holds a thread, TLS handshakes and requests have
 * deadlines, connections and bodies are bounded. TLS 1.3, and 1.2 with forward-secret AEAD suites only;
 * the certificate is re-read from its files when they change, without a restart.
 */
public final class AdmissionServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);
  public static final String MUTATE_POD_PATH = "/mutate-pod";
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /**
   * TLS 1.3's suites, and for TLS 1.2 only forward-secret (ECDHE) AEAD ones: no static-RSA key
   * exchange, no CBC. Those the JDK does not offer are left out.
   */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final HttpEndpointServer server;
  private final ScheduledExecutorService reloader;
  private final ReloadingKeyManager keyManager;
  private final PodAdmission admission;
  private final BooleanSupplier ready;
  private final int maxBodyBytes;
  private final String host;

  /**
   * @param config    where to listen and what certificate to serve
   * @param admission the pod admission controller
   * @param ready     extra readiness condition (e.g. informers synced); the server adds its own
   */
  public AdmissionServer(AdmissionServerConfig config, PodAdmission admission, BooleanSupplier ready)
      throws IOException {
    this.admission = admission;
    this.ready = ready;
    this.maxBodyBytes = config.maxBodyBytes();
    this.host = config.host();
    this.keyManager = new ReloadingKeyManager(config.certificateFile(), config.keyFile());
    SslContext tls;
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, null, null);
      List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
      List<String> suites = CIPHER_SUITES.stream().filter(supported::contains).toList();
      tls = new JdkSslContext(context, false, suites, IdentityCipherSuiteFilter.INSTANCE,
          ApplicationProtocolConfig.DISABLED, ClientAuth.NONE, PROTOCOLS.toArray(String[]::new), false);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
    server = new HttpEndpointServer("admission", new InetSocketAddress(config.host(), config.port()), tls,
        config.limits(), config.threads(), this::route);
    reloader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "certificate-reloader");
      t.setDaemon(true);
      return t;
    });
    long interval = config.reloadInterval().toMillis();
    reloader.scheduleWithFixedDelay(keyManager::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
  }

  public AdmissionServer start() {
    server.start();
    LOG.info("admission server listening on https://{}:{}{}", host, port(), MUTATE_POD_PATH);
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  /** Connections open now (for tests and metrics). */
  public int openConnections() {
    return server.openConnections();
  }

  /**
   * Why the API server could not be served now (not listening, a certificate out of its validity), or
   * null: part of readiness, so that a replica that cannot answer is not sent reviews.
   */
  public String notServing() {
    if (!server.listening()) {
      return "the admission server is not listening";
    }
    String certificate = ReloadingKeyManager.validityProblem(keyManager.certificate());
    return certificate == null ? null : "the serving certificate " + certificate;
  }

  /** Re-reads the certificate files now; true when the certificate changed. */
  public boolean reloadCertificate() {
    return keyManager.reloadIfChanged();
  }

  public X509Certificate certificate() {
    return keyManager.certificate();
  }

  private HttpEndpointServer.Response route(HttpEndpointServer.Request request) {
    switch (request.path()) {
      case MUTATE_POD_PATH -> {
        if (!"POST".equals(request.method())) {
          return new HttpEndpointServer.Response(405, "text/plain; charset=utf-8",
              "use POST".getBytes(StandardCharsets.UTF_8), Map.of("Allow", "POST"));
        }
        AdmissionResponse response = admission.handle(request.contentType(), request.body(), request.length(),
            request.truncated(), maxBodyBytes);
        return new HttpEndpointServer.Response(response.status(), "application/json", response.body(), Map.of());
      }
      case "/healthz" -> {
        return HttpEndpointServer.Response.text(200, "ok");
      }
      case "/readyz" -> {
        String problem = ready.getAsBoolean() ? notServing() : "not ready";
        return HttpEndpointServer.Response.text(problem == null ? 200 : 503, problem == null ? "ok" : problem);
      }
      default -> {
        return HttpEndpointServer.Response.text(404, "not found");
      }
    }
  }

  /** Stops accepting, lets in-flight requests finish for up to {@code grace}. */
  public void stop(Duration grace) {
    reloader.shutdownNow();
    server.stop(grace);
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
