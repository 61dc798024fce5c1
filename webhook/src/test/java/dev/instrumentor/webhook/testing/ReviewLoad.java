package dev.instrumentor.webhook.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Clients POSTing one AdmissionReview to a webhook port back to back, as many API server replicas
 * would at their worst: the answers counted by HTTP status ({@code failed} for a connection the server
 * closed or a timeout). The load is about memory and liveness, not trust: the server's certificate is
 * accepted as it is.
 */
public final class ReviewLoad {

  private ReviewLoad() {
  }

  /** {@code clients} threads sending {@code body} to {@code https://127.0.0.1:port/mutate-pod} for {@code duration}. */
  public static Map<String, Long> run(int port, byte[] body, int clients, Duration duration)
      throws InterruptedException, GeneralSecurityException {
    HttpClient client = client();
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mutate-pod"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    long end = System.nanoTime() + duration.toNanos();
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    for (int i = 0; i < clients; i++) {
      threads.execute(() -> {
        while (System.nanoTime() < end) {
          String outcome;
          try {
            outcome = String.valueOf(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
          } catch (IOException e) {
            outcome = "failed";
          } catch (InterruptedException e) {
            return;
          }
          outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }
      });
    }
    threads.shutdown();
    if (!threads.awaitTermination(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
      threads.shutdownNow();
    }
    Map<String, Long> counts = new TreeMap<>();
    outcomes.forEach((outcome, count) -> counts.put(outcome, count.sum()));
    return counts;
  }

  /** One review, its answer's body; for checking the server afterwards. */
  public static HttpResponse<String> once(int port, byte[] body) throws IOException, InterruptedException,
      GeneralSecurityException {
    return client().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mutate-pod"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient client() throws GeneralSecurityException {
    return HttpClient.newBuilder().sslContext(acceptingAnyCertificate()).connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** TLS that trusts whatever certificate the webhook shows: for tests of its answers, not of its certificate. */
  public static SSLContext acceptingAnyCertificate() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AcceptAny()}, null);
    return context;
  }

  /** Extended, so that the JDK does not add a host name check of its own on top. */
  private static final class AcceptAny extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String type, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String type, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String type, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String type, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String type) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String type) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
