package dev.instrumentor.e2e.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The "application" of the end-to-end proofs: a plain JDK HTTP server with no OpenTelemetry code.
 * Prints {@code LISTENING <port>} once it serves {@code GET /hello}. With no argument it listens on a
 * free loopback port (a local process); {@code HelloApp <port>} listens on all addresses (in a pod), and
 * {@code GET /chain} then calls {@code $BACKEND_URL/hello} with the JDK's HTTP client and answers with
 * what it got: a front and a back service in one trace.
 */
public final class HelloApp {

  private HelloApp() {
  }

  public static void main(String[] args) throws IOException {
    InetSocketAddress address = args.length == 0 ? new InetSocketAddress("127.0.0.1", 0)
        : new InetSocketAddress(Integer.parseInt(args[0]));
    HttpServer server = HttpServer.create(address, 16);
    server.createContext("/hello", exchange -> {
      byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    HttpClient client = HttpClient.newHttpClient();
    server.createContext("/chain", exchange -> {
      int status;
      byte[] body;
      try {
        HttpResponse<byte[]> response = client.send(
            HttpRequest.newBuilder(URI.create(System.getenv("BACKEND_URL") + "/hello")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        status = response.statusCode();
        body = response.body();
      } catch (IOException | InterruptedException | RuntimeException e) {
        status = 502;
        body = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    System.out.println("LISTENING " + server.getAddress().getPort());
    System.out.flush();
  }
}
