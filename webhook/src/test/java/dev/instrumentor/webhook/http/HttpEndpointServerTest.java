package dev.instrumentor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.webhook.http.HttpEndpointServer.Limits;
import dev.instrumentor.webhook.http.HttpEndpointServer.Request;
import dev.instrumentor.webhook.http.HttpEndpointServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server itself, over plain HTTP and raw sockets, so that each limit is met byte by byte: what a handler
 * sees, keep-alive, a failing handler, and every way a client can hold on to the server (too many
 * connections, bodies, a request never finished, an idle connection) ends within its limit. Over TLS and
 * with admission: {@code AdmissionServerTest}.
 */
class HttpEndpointServerTest {

  private static final Limits LIMITS = new Limits(16, 32, 3, Duration.ofSeconds(1), Duration.ofMillis(400),
      Duration.ofMillis(600));

  private final List<Request> seen = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private HttpEndpointServer server;

  private HttpEndpointServer start(Limits limits, HttpEndpointServer.Handler handler) {
    server = new HttpEndpointServer("test", new InetSocketAddress("127.0.0.1", 0), null, limits, 1, handler).start();
    return server;
  }

  private HttpEndpointServer echo() {
    return echo(LIMITS);
  }

  private HttpEndpointServer echo(Limits limits) {
    return start(limits, request -> {
      seen.add(request);
      return new Response(200, "text/plain", (request.method() + " " + request.path() + " " + request.length()
          + (request.truncated() ? " truncated" : "")).getBytes(StandardCharsets.UTF_8), Map.of("X-Seen", "yes"));
    });
  }

  @AfterEach
  void close() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(5_000);
    sockets.add(socket);
    return socket;
  }

  private static void send(Socket socket, String raw) throws IOException {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** One response: its head, a blank line, its body (by Content-Length). */
  private static String read(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** Whether the server closed the connection (end of stream) within the socket's timeout. */
  private static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Test
  void theHandlerSeesMethodPathWithoutQueryTypeAndBodyAndOneConnectionServesMany() throws Exception {
    echo();
    Socket socket = connect();
    for (int i = 0; i < 3; i++) {
      send(socket, "POST /mutate-pod?timeout=10s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 2\r\n\r\n{}");
      String answer = read(socket);
      assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("X-Seen: yes").contains("connection: keep-alive")
          .endsWith("POST /mutate-pod 2");
    }
    assertThat(seen).hasSize(3).allSatisfy(request -> {
      assertThat(request.contentType()).isEqualTo("application/json");
      assertThat(new String(request.body(), 0, request.length(), StandardCharsets.UTF_8)).isEqualTo("{}");
    });
  }

  @Test
  void aBodyOverTheLimitIsCutTheHandlerIsToldAndTheRestIsDropped() throws Exception {
    echo();
    Socket socket = connect();
    send(socket, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n" + "a".repeat(40));

    assertThat(read(socket)).endsWith("POST /big 16 truncated");
    send(socket, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(read(socket)).endsWith("GET /next 0");
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(server.bufferedBytes()).isZero());
  }

  @Test
  void aFailingHandlerIsA500AndTheConnectionStaysUsable() throws Exception {
    start(LIMITS, request -> {
      if (request.path().equals("/fail")) {
        throw new IllegalStateException("boom");
      }
      return Response.text(200, "fine");
    });
    Socket socket = connect();
    send(socket, "GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(read(socket)).startsWith("HTTP/1.1 500").endsWith("internal error");
    send(socket, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(read(socket)).startsWith("HTTP/1.1 200").endsWith("fine");
  }

  @Test
  void aMalformedRequestIsA400AndConnectionCloseIsHonoured() throws Exception {
    echo();
    Socket malformed = connect();
    send(malformed, "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n");
    assertThat(read(malformed)).startsWith("HTTP/1.1 400");
    assertThat(closedByServer(malformed)).isTrue();

    Socket once = connect();
    send(once, "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(read(once)).contains("connection: close").endsWith("GET /b 0");
    assertThat(closedByServer(once)).isTrue();
    assertThat(seen).extracting(Request::path).containsExactly("/b");
  }

  @Test
  void expectContinueIsAnswered() throws Exception {
    echo();
    Socket socket = connect();
    send(socket, "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    assertThat(read(socket)).startsWith("HTTP/1.1 100 Continue");
    send(socket, "{}");
    assertThat(read(socket)).endsWith("POST /c 2");
  }

  @Test
  void connectionsOverTheLimitAreClosedAsTheyArrive() throws Exception {
    // deadlines no loaded machine reaches during the test: with LIMITS' 400 ms request deadline the silent
    // connections below were closed now and then before the count was checked (a CI run under load: 1 of 3 left)
    echo(new Limits(LIMITS.maxBodyBytes(), LIMITS.maxBufferedBytes(), LIMITS.maxConnections(), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofSeconds(30)));
    for (int i = 0; i < LIMITS.maxConnections(); i++) {
      connect();
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> server.openConnections() == LIMITS.maxConnections());

    Socket extra = connect();
    assertThat(closedByServer(extra)).isTrue();
    assertThat(server.openConnections()).isEqualTo(LIMITS.maxConnections());

    // once one goes, a new one is served
    sockets.get(0).close();
    await().atMost(Duration.ofSeconds(2)).until(() -> server.openConnections() < LIMITS.maxConnections());
    Socket next = connect();
    send(next, "GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(read(next)).endsWith("GET /d 0");
  }

  @Test
  void bodiesInFlightAreBoundedAcrossConnections() throws Exception {
    echo();
    // two requests announce 16 bytes each and send none: 32 bytes reserved, the limit
    Socket first = connect();
    Socket second = connect();
    send(first, "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n");
    send(second, "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n");
    await().atMost(Duration.ofSeconds(2)).until(() -> server.bufferedBytes() == 32);

    Socket third = connect();
    send(third, "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
    // with Retry-After, which the API server's client honours by calling again (a bare 503 fails the call)
    assertThat(read(third)).startsWith("HTTP/1.1 503").containsIgnoringCase("\r\nretry-after: 1\r\n")
        .endsWith("busy: too many large requests at once");
    assertThat(seen).isEmpty();
  }

  @Test
  void aRequestNeverFinishedIsClosedAtItsDeadlineAndReleasesItsBytes() throws Exception {
    echo();
    Socket slow = connect();
    send(slow, "POST /g HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
    await().atMost(Duration.ofSeconds(2)).until(() -> server.bufferedBytes() == 10);

    long started = System.nanoTime();
    assertThat(closedByServer(slow)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(server.bufferedBytes()).isZero();
      assertThat(server.openConnections()).isZero();
    });
    assertThat(seen).isEmpty();
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    echo();
    Socket idle = connect();
    send(idle, "GET /h HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(read(idle)).endsWith("GET /h 0");

    assertThat(closedByServer(idle)).isTrue();
    await().atMost(Duration.ofSeconds(2)).until(() -> server.openConnections() == 0);
  }

  @Test
  void limitsThatCannotHoldAreRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Limits(0, 1, 1,
        Duration.ZERO, Duration.ZERO, Duration.ZERO));
    assertThatIllegalArgumentException().isThrownBy(() -> new Limits(16, 8, 1,
        Duration.ZERO, Duration.ZERO, Duration.ZERO));
  }
}
