package dev.instrumentor.operator.runtime;

import dev.instrumentor.webhook.http.HttpEndpointServer;
import dev.instrumentor.webhook.http.HttpEndpointServer.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Plain HTTP: {@code /metrics} (Prometheus), {@code /healthz} (alive), {@code /readyz} (caches synced,
 * webhook serving). Its own event loop, apart from admission's: the kubelet's probes are answered
 * however busy or besieged the admission server is, and no client can hold it.
 */
public final class HealthServer implements AutoCloseable {

  private static final HttpEndpointServer.Limits LIMITS = new HttpEndpointServer.Limits(64 * 1024, 1024 * 1024, 256,
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60));

  private final HttpEndpointServer server;

  public HealthServer(String host, int port, OperatorMetrics metrics, BooleanSupplier ready) {
    server = new HttpEndpointServer("health", new InetSocketAddress(host, port), null, LIMITS, 1, request ->
        switch (request.path()) {
          case "/metrics" -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
              metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
          case "/healthz" -> Response.text(200, "ok");
          case "/readyz" -> ready.getAsBoolean() ? Response.text(200, "ok") : Response.text(503, "not ready");
          default -> Response.text(404, "not found");
        });
  }

  public HealthServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
