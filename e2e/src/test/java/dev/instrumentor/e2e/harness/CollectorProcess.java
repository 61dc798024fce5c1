package dev.instrumentor.e2e.harness;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenTelemetry Collector of {@code e2e/collector/manifest.yaml} (built with the collector builder from the
 * Go module proxy, cached) run as a process of this machine with a given config: for what a collector's config
 * does with data, which no node decides. Its listeners are moved to free loopback ports with {@code --set}, so
 * it never takes a well-known port of the host.
 */
public final class CollectorProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int otlpHttpPort;

  private CollectorProcess(Process process, Path log, int otlpHttpPort) {
    this.process = process;
    this.log = log;
    this.otlpHttpPort = otlpHttpPort;
  }

  /**
   * Starts the collector with {@code config} (YAML or JSON) and {@code env}, its OTLP receiver's gRPC and HTTP
   * listeners and its health_check on free loopback ports, its own telemetry off, then {@code sets} (more
   * {@code --set} overrides, e.g. a shorter wait); returns once health_check answers.
   */
  public static CollectorProcess start(Path config, Map<String, String> env, List<String> sets) throws IOException {
    Path binary = Commands.buildOutput("e2e/collector/build.sh").resolve("bin/otelcol");
    int http = ControlPlane.freePort();
    int grpc = ControlPlane.freePort();
    int health = ControlPlane.freePort();
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--config=" + config,
        "--set=receivers::otlp::protocols::http::endpoint=127.0.0.1:" + http,
        "--set=receivers::otlp::protocols::grpc::endpoint=127.0.0.1:" + grpc,
        "--set=extensions::health_check::endpoint=127.0.0.1:" + health,
        "--set=service::telemetry::metrics::level=none"));
    sets.forEach(set -> command.add("--set=" + set));
    Path log = Files.createTempFile(ControlPlane.projectRoot().resolve("e2e/target"), "collector-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    CollectorProcess collector = new CollectorProcess(builder.start(), log, http);
    try {
      Commands.awaitWhileAlive(List.of(collector.process), Duration.ofSeconds(30), "the collector (log " + log + ")",
          () -> healthy(health));
    } catch (RuntimeException e) {
      collector.close();
      throw e;
    }
    return collector;
  }

  private static boolean healthy(int port) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL()
          .openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(500);
      return connection.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Where OTLP/HTTP is received: {@code http://127.0.0.1:<port>}. */
  public String otlpHttpEndpoint() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  /** What the collector wrote so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    Commands.stopAll(List.of(process));
  }
}
