package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line as a new user meets it: usage errors, help, and a kubeconfig that points wrong. */
class CliUsageTest {

  @TempDir
  Path directory;

  private String previousKubeconfig;
  private HttpServer server;


  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  /** Points fabric8's kubeconfig lookup (the {@code kubeconfig} property, as {@code KUBECONFIG}) at a file of contexts. */
  private void kubeconfig(String server, String... contexts) throws IOException {
    StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: '"
        + server + "'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n");
    for (String context : contexts) {
      yaml.append("- name: ").append(context).append("\n  context: {cluster: c, user: u}\n");
    }
    yaml.append("current-context: ").append(contexts[0]).append('\n');
    Path file = directory.resolve("kubeconfig");
    Files.writeString(file, yaml);
    previousKubeconfig = System.getProperty("kubeconfig");
    System.setProperty("kubeconfig", file.toString());
  }

  @AfterEach
  void restore() {
    if (previousKubeconfig == null) {
      System.clearProperty("kubeconfig");
    } else {
      System.setProperty("kubeconfig", previousKubeconfig);
    }
    if (server != null) {
      server.stop(0);
    }
  }

  @ParameterizedTest
  @CsvSource({
      "--log-format, xml, '--log-format'",
      "--log-level, verbose, '--log-level'",
      "--webhook-port, https, '--webhook-port'",
  })
  void aBadFlagValueIsAUsageError(String flag, String value, String named) {
    CliRun run = run("run", flag, value);
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(named, value).doesNotContain("\tat ");
  }

  @Test
  void flagValuesOfAnyCaseAreAccepted() {
    // the command line as main builds it
    CommandLine main = Main.commandLine();
    main.parseArgs("run", "--log-format", "JSON", "--log-level", "debug");
    RunCommand command = main.getSubcommands().get("run").getCommand();
    assertThat(command.logFormat).isEqualTo(RunCommand.LogFormat.JSON);
    assertThat(command.logLevel).isEqualTo(RunCommand.LogLevel.DEBUG);
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("run", "inject", "version")) {
      CliRun run = run(command, "--help");
      assertThat(run.exit()).as(command + ": " + run.err()).isZero();
      assertThat(run.out()).as(command).startsWith("Usage: instrumentor " + command);
    }
  }

  @Test
  void runsHelpNamesEachFlagsVariableAndNoEmptyDefault() {
    String help = run("run", "--help").out();
    assertThat(help).doesNotContainPattern("(?m)Default:\\s*$");
    // each option's block: from its line starting with "  -" or "      --" to the next
    Matcher option = Pattern.compile("(?m)^ {2,6}(-\\w, )?(--[\\w-\\[\\]]+)").matcher(help);
    List<int[]> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (option.find()) {
      starts.add(new int[] {option.start()});
      names.add(option.group(2));
    }
    assertThat(names).contains("--watch-namespaces", "--log-level", "--[no-]leader-election");
    for (int i = 0; i < names.size(); i++) {
      String block = help.substring(starts.get(i)[0], i + 1 < names.size() ? starts.get(i + 1)[0] : help.length());
      String name = names.get(i);
      if (name.equals("--local-webhook")) {
        assertThat(block.replaceAll("\\s+", " ")).as(name).contains("leader election is off");
      }
      if (List.of("--help", "--version", "--context", "--local-webhook").contains(name)) {
        continue;
      }
      assertThat(block.replaceAll("\\s+", " ")).as(name).containsPattern("Env (INSTRUMENTOR_[A-Z_]+|POD_NAMESPACE)");
    }
  }

  @Test
  void anUnknownContextIsAUsageErrorNamingTheContexts() throws IOException {
    kubeconfig("https://127.0.0.1:1", "staging", "production");
    CliRun run = run("run", "--local-webhook", "--context", "prodution");
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("--context prodution: no such context in the kubeconfig (its contexts: production,"
        + " staging)");
  }

  private String serve(int status, String contentType, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aServerThatIsNotKubernetesIsSaidToBeOne() throws IOException {
    String url = serve(404, "text/html", "<html><body>Not Found</body></html>");
    kubeconfig(url, "web");
    CliRun notFound = run("run", "--local-webhook");
    assertThat(notFound.exit()).isEqualTo(1);
    assertThat(notFound.err()).startsWith("error: " + url + " answered GET /version").endsWith(": it is not a"
        + " Kubernetes API server. Point KUBECONFIG or --context at a cluster\n");
    server.stop(0);

    url = serve(200, "text/html", "<html><body>Welcome to nginx!</body></html>");
    kubeconfig(url, "web");
    CliRun html = run("run", "--local-webhook");
    assertThat(html.exit()).isEqualTo(1);
    assertThat(html.err()).startsWith("error: " + url + " answered GET /version with").contains("it is not a Kubernetes"
        + " API server").doesNotContain("\tat ");
    server.stop(0);

    url = serve(401, "application/json", "{\"kind\":\"Status\",\"code\":401}");
    kubeconfig(url, "web");
    CliRun refused = run("run", "--local-webhook");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).startsWith("error: " + url + " refused the kubeconfig's credentials (HTTP 401");
  }

  @Test
  void anUnreachableServerIsSaidInWords() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    kubeconfig("https://127.0.0.1:" + closedPort, "down");
    CliRun refused = run("run", "--local-webhook");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("cannot reach the Kubernetes API server at https://127.0.0.1:" + closedPort)
        .contains("connection refused: nothing listens at that address and port").doesNotContain("Exception");

    // a port that accepts and hangs up at once (a plain-TCP service, a load balancer without backends)
    try (ServerSocket hangUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        while (!hangUp.isClosed()) {
          try {
            hangUp.accept().close();
          } catch (IOException e) {
            return;
          }
        }
      });
      closer.setDaemon(true);
      closer.start();
      kubeconfig("https://127.0.0.1:" + hangUp.getLocalPort(), "hangs-up");
      CliRun closed = run("run", "--local-webhook");
      assertThat(closed.exit()).isEqualTo(1);
      assertThat(closed.err()).contains("the server closed the connection before answering")
          .contains("is this the API server's HTTPS address and port?");
    }
  }
}
