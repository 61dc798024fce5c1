package dev.instrumentor.webhook.admission;

import dev.instrumentor.webhook.http.HttpEndpointServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * @param host            address to bind ({@code 0.0.0.0} in a cluster, {@code 127.0.0.1} locally)
 * @param port            port to bind; 0 picks a free one
 * @param certificateFile PEM certificate chain (leaf first)
 * @param keyFile         PEM private key
 * @param maxBodyBytes    larger requests are answered without being parsed
 * @param threads         request-handling threads
 * @param reloadInterval  how often the certificate files are checked for changes
 * @param maxConnections  connections open at once
 * @param handshakeTimeout a TLS handshake that takes longer is abandoned
 * @param requestTimeout  from a request's first byte to its last
 * @param idleTimeout     a keep-alive connection without traffic is closed after this
 */
public record AdmissionServerConfig(String host, int port, Path certificateFile, Path keyFile, int maxBodyBytes,
    int threads, Duration reloadInterval, int maxConnections, Duration handshakeTimeout, Duration requestTimeout,
    Duration idleTimeout) {

  /** The API server caps objects at ~3 MiB; an AdmissionReview of a pod stays well below 4 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

  public AdmissionServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(keyFile, "keyFile");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("reloadInterval must be positive");
    }
  }

  /**
   * Defaults: 4 MiB bodies; an event loop per core; 1,024 connections; 5 s to shake hands, 10 s for a
   * request (kube-apiserver gives a webhook at most 30 s, the chart 5 s), 90 s idle (the API server's
   * HTTP/1.1 keep-alive reuses connections well within it).
   */
  public static AdmissionServerConfig of(String host, int port, Path certificateFile, Path keyFile) {
    return new AdmissionServerConfig(host, port, certificateFile, keyFile, DEFAULT_MAX_BODY_BYTES,
        Math.max(2, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(10), 1024, Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(90));
  }

  /** The same with other deadlines (tests shorten them). */
  public AdmissionServerConfig withTimeouts(Duration handshake, Duration request, Duration idle) {
    return new AdmissionServerConfig(host, port, certificateFile, keyFile, maxBodyBytes, threads, reloadInterval,
        maxConnections, handshake, request, idle);
  }

  /**
   * Bodies held at once: two of the largest, or about a thousand typical (7 KB) reviews. A review's
   * handling holds several times its body (the projected tree, a patch that may repeat a large env,
   * its base64), and the chart's heap is 60 % of 256Mi: two 4 MiB reviews at once leave room for that.
   */
  public long maxBufferedBytes() {
    return 2L * maxBodyBytes;
  }

  HttpEndpointServer.Limits limits() {
    return new HttpEndpointServer.Limits(maxBodyBytes, maxBufferedBytes(), maxConnections, handshakeTimeout,
        requestTimeout, idleTimeout);
  }
}
