package dev.instrumentor.e2e.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.zip.GZIPInputStream;

/** An OTLP/HTTP (protobuf) receiver of traces, logs and metrics on a free port of loopback or of a given address. */
public final class OtlpHttpReceiver extends OtlpCollector implements AutoCloseable {

  private final HttpServer server;

  public OtlpHttpReceiver() throws IOException {
    this("127.0.0.1");
  }

  /** Listening on {@code host} (the e2e node's address, for pods). */
  public OtlpHttpReceiver(String host) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, 0), 16);
    server.createContext("/v1/traces", exchange -> receive(exchange, body -> accept(ExportTraceServiceRequest.parseFrom(body))));
    server.createContext("/v1/logs", exchange -> receive(exchange, body -> accept(ExportLogsServiceRequest.parseFrom(body))));
    server.createContext("/v1/metrics",
        exchange -> receive(exchange, body -> accept(ExportMetricsServiceRequest.parseFrom(body))));
    server.createContext("/", exchange -> {
      try (exchange) {
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

  private static void receive(HttpExchange exchange, Decoder decoder) throws IOException {
    try (exchange) {
      InputStream body = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      decoder.decode(body);
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, 0);
    }
  }

  public String endpoint() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
