package dev.instrumentor.e2e.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The "application" of the end-to-end proof: a plain JDK HTTP server with no OpenTelemetry code.
 * Prints {@code LISTENING <port>} once it serves {@code GET /hello}.
 */
public final class HelloApp {

  private HelloApp() {
  }

  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/hello", exchange -> {
      byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    System.out.println("LISTENING " + server.getAddress().getPort());
    System.out.flush();
  }
}
