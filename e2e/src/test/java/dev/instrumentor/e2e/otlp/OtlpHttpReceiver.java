package dev.instrumentor.e2e.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/** An OTLP/HTTP (protobuf) receiver of traces, logs and metrics on a free port of loopback or of a given address. */
public final class OtlpHttpReceiver extends OtlpCollector implements AutoCloseable {

  private final HttpServer server;
  private final String prefix;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger strays = new AtomicInteger();
  private volatile String authorization;

  public OtlpHttpReceiver() throws IOException {
    this("127.0.0.1");
  }

  /** Listening on {@code host} (the e2e node's address, for pods). */
  public OtlpHttpReceiver(String host) throws IOException {
    this(host, "");
  }

  /**
   * Listening on {@code host}, serving {@code <prefix>/v1/traces} and the others (a vendor's gateway, e.g.
   * Grafana Cloud's {@code /otlp}); anything else is answered 200 and counted as a stray.
   */
  public OtlpHttpReceiver(String host, String prefix) throws IOException {
    this.prefix = prefix;
    server = HttpServer.create(new InetSocketAddress(host, 0), 16);
    server.createContext(prefix + "/v1/traces",
        exchange -> receive(exchange, body -> accept(ExportTraceServiceRequest.parseFrom(body))));
    server.createContext(prefix + "/v1/logs",
        exchange -> receive(exchange, body -> accept(ExportLogsServiceRequest.parseFrom(body))));
    server.createContext(prefix + "/v1/metrics",
        exchange -> receive(exchange, body -> accept(ExportMetricsServiceRequest.parseFrom(body))));
    server.createContext("/", exchange -> {
      try (exchange) {
        strays.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, 0);
      }
    });
    server.start();
  }

  /** What a signal's handler does with the request body. */
  private interface Decoder {
    void decode(InputStream body) throws IOException;
  }

  /** From now on, a request without HTTP basic authentication as {@code user}/{@code password} is refused (401). */
  public OtlpHttpReceiver requireBasicAuth(String user, String password) {
    authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Requests refused for their authentication. */
  public int refused() {
    return refused.get();
  }

  /** Requests to a path this receiver does not serve (answered 200, as a lax gateway would, and dropped). */
  public int strays() {
    return strays.get();
  }

  private void receive(HttpExchange exchange, Decoder decoder) throws IOException {
    try (exchange) {
      String expected = authorization;
      if (expected != null && !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        refused.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      InputStream body = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      decoder.decode(body);
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, 0);
    }
  }

  /** The base URL an exporter is given: {@code http://host:port<prefix>}. */
  public String endpoint() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + prefix;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
