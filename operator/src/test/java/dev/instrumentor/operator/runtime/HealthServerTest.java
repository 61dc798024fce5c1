package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  /** The JDK server's single dispatcher thread stopped for one socket that sent a byte: probes failed. */
  @Test
  void stalledClientsDoNotStopTheProbes() throws Exception {
    try (HealthServer health = new HealthServer("127.0.0.1", 0, new OperatorMetrics(OperatorTelemetry.create(Map.of())), () -> true).start()) {
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          Socket socket = new Socket("127.0.0.1", health.port());
          socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush(); // and never the end of the head
          stalled.add(socket);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (String path : List.of("/healthz", "/readyz", "/metrics")) {
          HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port()
              + path)).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).as(path).isEqualTo(200);
        }
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
    }
  }
}
