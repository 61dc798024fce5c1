package dev.instrumentor.webhook.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.instrumentor.webhook.tls.ReloadingKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS admission server: {@code POST /mutate-pod}, {@code GET /healthz}, {@code GET /readyz}.
 * TLS 1.2 and 1.3 only; the certificate is re-read from its files when they change, without a restart.
 */
public final class AdmissionServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);
  public static final String MUTATE_POD_PATH = "/mutate-pod";
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /**
   * TLS 1.3's suites, and for TLS 1.2 only forward-secret (ECDHE) AEAD ones: no static-RSA key
   * exchange, no CBC. Those the JDK does not offer are left out.
   */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static {
    // The JDK server writes headers and body in separate TLS records; with Nagle's algorithm on,
    // the client's delayed ACK then stalls every response by ~40 ms. Read once, when the first
    // server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpsServer server;
  private final ExecutorService workers;
  private final ScheduledExecutorService reloader;
  private final ReloadingKeyManager keyManager;
  private final PodAdmission admission;
  private final BooleanSupplier ready;
  private final int maxBodyBytes;

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
    this.keyManager = new ReloadingKeyManager(config.certificateFile(), config.keyFile());
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {keyManager}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
    List<String> supported = List.of(tls.getSupportedSSLParameters().getCipherSuites());
    String[] suites = CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
    server = HttpsServer.create(new InetSocketAddress(config.host(), config.port()), 256);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters parameters) {
        SSLParameters ssl = tls.getDefaultSSLParameters();
        ssl.setProtocols(PROTOCOLS);
        ssl.setCipherSuites(suites);
        ssl.setUseCipherSuitesOrder(true);
        ssl.setNeedClientAuth(false);
        parameters.setSSLParameters(ssl);
      }
    });
    AtomicInteger thread = new AtomicInteger();
    workers = Executors.newFixedThreadPool(config.threads(), r -> {
      Thread t = new Thread(r, "admission-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext(MUTATE_POD_PATH, this::mutatePod);
    server.createContext("/healthz", exchange -> plain(exchange, 200, "ok"));
    server.createContext("/readyz", exchange -> {
      boolean isReady = ready.getAsBoolean();
      plain(exchange, isReady ? 200 : 503, isReady ? "ok" : "not ready");
    });
    server.createContext("/", exchange -> plain(exchange, 404, "not found"));
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
    LOG.info("admission server listening on https://{}:{}{}", server.getAddress().getHostString(), port(),
        MUTATE_POD_PATH);
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Re-reads the certificate files now; true when the certificate changed. */
  public boolean reloadCertificate() {
    return keyManager.reloadIfChanged();
  }

  public java.security.cert.X509Certificate certificate() {
    return keyManager.certificate();
  }

  private void mutatePod(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        plain(exchange, 405, "use POST");
        return;
      }
      // sized from Content-Length (up to 1 MiB, and the limit), so that a review needs no regrowth
      long declared = parseLength(exchange.getRequestHeaders().getFirst("Content-Length"));
      int initial = (int) Math.min(declared > 0 ? declared + 1 : 16 * 1024, Math.min(maxBodyBytes + 1L, 1 << 20));
      byte[] buffer = new byte[initial];
      int length = 0;
      boolean truncated = false;
      try (InputStream in = exchange.getRequestBody()) {
        while (true) {
          if (length == buffer.length) {
            if (length > maxBodyBytes) {
              truncated = true;
              length = maxBodyBytes;
              in.transferTo(OutputStream.nullOutputStream()); // drain, keep the connection usable
              break;
            }
            buffer = java.util.Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxBodyBytes + 1));
          }
          int read = in.read(buffer, length, buffer.length - length);
          if (read < 0) {
            break;
          }
          length += read;
        }
      }
      AdmissionResponse response = admission.handle(
          exchange.getRequestHeaders().getFirst("Content-Type"), buffer, length, truncated, maxBodyBytes);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.status(), response.body().length);
      exchange.getResponseBody().write(response.body());
    }
  }

  private static long parseLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** Stops accepting, lets in-flight requests finish for up to {@code grace}. */
  public void stop(Duration grace) {
    reloader.shutdownNow();
    server.stop((int) Math.max(0, grace.toSeconds()));
    workers.shutdown();
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
