package dev.instrumentor.benchmarks;

import dev.instrumentor.webhook.testing.ReviewLoad;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as the chart runs it ({@code java <jvmOptions> -XX:MaxRAM=<limit> -jar instrumentor.jar run
 * --local-webhook}) against an API server, with what the memory and startup rows read of it: the time from
 * process start to its first injected answer, its resident set, its live heap after a full GC and where its
 * native memory goes (Native Memory Tracking, when started with it).
 */
final class OperatorRun implements AutoCloseable {

  private static final Pattern NMT_LINE = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB[,)]");
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");

  private final Process process;
  private final long started;
  final int webhookPort;
  final int metricsPort;
  final Path log;

  private OperatorRun(Process process, long started, int webhookPort, int metricsPort, Path log) {
    this.process = process;
    this.started = started;
    this.webhookPort = webhookPort;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  /**
   * The JDK the operator runs on: {@code BENCH_JAVA_HOME}, else the one running the benchmarks (the image runs
   * Java 17; the rows say which Java ran). For experiments with another JVM: its archive is made on it.
   */
  static Path javaHome() {
    String home = System.getenv("BENCH_JAVA_HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("java.home") : home);
  }

  /** The feature version of {@link #javaHome()} (its {@code release} file's JAVA_VERSION). */
  static int javaFeature() throws IOException {
    for (String line : Files.readAllLines(javaHome().resolve("release"))) {
      if (line.startsWith("JAVA_VERSION=")) {
        return Integer.parseInt(line.replaceAll("[^0-9.]", "").split("\\.")[0]);
      }
    }
    throw new IllegalStateException(javaHome() + "/release names no JAVA_VERSION");
  }

  /**
   * Starts the jar with {@code jvmOptions} (space-separated) and the chart's memory limit as -XX:MaxRAM, against
   * the API server {@code kubeconfig} names (its server; the user is the mock server's).
   */
  static OperatorRun start(Path jar, Path kubeconfig, String jvmOptions, long limitMiB) throws IOException {
    int metricsPort = freePort();
    int webhookPort = freePort();
    List<String> command = new ArrayList<>();
    command.add(javaHome().resolve("bin/java").toString());
    command.addAll(List.of(jvmOptions.trim().split("\\s+")));
    command.add("-XX:MaxRAM=" + limitMiB + "m");
    command.addAll(List.of("-jar", jar.toString(), "run", "--local-webhook", "--webhook-port=" + webhookPort,
        "--metrics-host=127.0.0.1", "--metrics-port=" + metricsPort, "--log-level=WARN", "--no-server-side-apply"));
    Path log = BenchTemp.file("operator", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // configured as in a pod: the API server's address and token from the environment (fabric8 reads them as it
    // reads the in-cluster ones), no kubeconfig file to parse, which a replica in a pod never has
    Map<String, String> env = builder.environment();
    env.remove("KUBECONFIG");
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    for (String line : Files.readAllLines(kubeconfig)) {
      String field = line.trim();
      if (field.startsWith("server:")) {
        env.put("KUBERNETES_MASTER", field.substring("server:".length()).trim());
      }
    }
    env.put("KUBERNETES_AUTH_TOKEN", MockApiServer.TOKEN);
    env.put("KUBERNETES_NAMESPACE", "default");
    long started = System.nanoTime();
    return new OperatorRun(builder.start(), started, webhookPort, metricsPort, log);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Milliseconds from process start until /readyz answers 200. */
  long awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
        .timeout(Duration.ofMillis(500)).build();
    return poll(timeout, () -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  /**
   * Milliseconds from process start until the webhook answers {@code review} with a patch: what the API server
   * waits for after a restart (the local CA's certificate is trusted as the API server trusts the caBundle).
   */
  long awaitFirstInjection(byte[] review, Duration timeout) throws Exception {
    return poll(timeout, () -> ReviewLoad.once(webhookPort, review).body().contains("\"patch\""));
  }

  @FunctionalInterface
  private interface Check {
    boolean passes() throws Exception;
  }

  private long poll(Duration timeout, Check check) throws Exception {
    while (System.nanoTime() - started < timeout.toNanos()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited: see " + log);
      }
      try {
        if (check.passes()) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    throw new IllegalStateException("the operator was not ready within " + timeout + ": see " + log);
  }

  long rssKiB() throws IOException {
    return status("VmRSS:");
  }

  long peakRssKiB() throws IOException {
    return status("VmHWM:");
  }

  long threads() throws IOException {
    return status("Threads:");
  }

  private long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no " + field + " for " + process.pid());
  }

  /**
   * The heap's used KiB (young and old generations) after a full GC that compacted everything: the least of four
   * (jcmd GC.run). The serial collector leaves up to 5 % of the old generation as dead objects it does not move
   * (-XX:MarkSweepDeadRatio; they stay in the heap as filler int[]) except on every fourth full GC
   * (-XX:MarkSweepAlwaysCompactCount), so one full GC can count up to ~2.6 MiB of garbage as live.
   */
  long liveHeapKiB() throws Exception {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      jcmd("GC.run");
      least = Math.min(least, heapUsedKiB());
    }
    return least;
  }

  private long heapUsedKiB() throws Exception {
    long used = 0;
    for (String line : jcmd("GC.heap_info").split("\n")) {
      // a generation's line ("def new generation   total ..., used ...K" on Java 17, "DefNew     total ..." on 25),
      // not its spaces' lines
      if (line.contains(" total ") && !line.contains("space")) {
        Matcher matcher = HEAP_USED.matcher(line);
        if (matcher.find()) {
          used += Long.parseLong(matcher.group(1));
        }
      }
    }
    return used;
  }

  /** Metaspace used, KiB. */
  long metaspaceUsedKiB() throws Exception {
    Matcher matcher = METASPACE_USED.matcher(jcmd("GC.heap_info"));
    return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
  }

  /** Classes loaded now. */
  long loadedClasses() throws Exception {
    Matcher matcher = Pattern.compile("Total Usage - \\d+ loaders, (\\d+) classes").matcher(jcmd("VM.metaspace"));
    return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
  }

  /** Native Memory Tracking's committed KiB per category (the process must run with -XX:NativeMemoryTracking). */
  Map<String, Long> nativeMemory() throws Exception {
    Map<String, Long> committed = new LinkedHashMap<>();
    for (String line : jcmd("VM.native_memory", "summary").split("\n")) {
      Matcher matcher = NMT_LINE.matcher(line.trim());
      if (matcher.find()) {
        committed.put(matcher.group(1).trim(), Long.parseLong(matcher.group(2)));
      }
    }
    return committed;
  }

  /** One jcmd command's output. */
  String jcmd(String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of(javaHome().resolve("bin/jcmd").toString(),
        Long.toString(process.pid())));
    line.addAll(List.of(command));
    Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
      jcmd.destroyForcibly();
      throw new IllegalStateException("jcmd " + String.join(" ", command) + " did not finish");
    }
    return output;
  }

  static String mib(long kib) {
    return String.format(Locale.ROOT, "%.0f", kib / 1024.0);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
