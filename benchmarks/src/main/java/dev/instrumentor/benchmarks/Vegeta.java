package dev.instrumentor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs vegeta, an open-loop load generator: requests leave at a fixed rate whatever the latency of those before
 * (it starts more workers when all are waiting), so a stall is measured on every request it delays. The results
 * of each attack are kept (binary, and CSV with one row per request: unix nanos, status, latency nanos), and
 * percentiles are computed here from every latency, not from vegeta's summary.
 */
final class Vegeta {

  static final String VERSION = "v12.13.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path binary;
  private final Path directory;
  private final Path body;

  Vegeta(Path binary, Path directory, Path body) {
    this.binary = binary;
    this.directory = directory;
    this.body = body;
  }

  /** benchmarks/vegeta.sh: built once from the Go module proxy into ~/.cache/instrumentor. */
  static Path binary(Path root) throws IOException, InterruptedException {
    Process build = new ProcessBuilder(root.resolve("benchmarks/vegeta.sh").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (build.waitFor() != 0 || out.isEmpty()) {
      throw new IllegalStateException("benchmarks/vegeta.sh failed");
    }
    return Path.of(out.substring(out.lastIndexOf('\n') + 1));
  }

  /**
   * @param rate      requests per second sent
   * @param requests  requests sent
   * @param success   the share answered 200
   * @param nanos     every request's latency, sorted
   * @param slowest   the slowest requests: their start (UTC) and latency, for correlation with the server's logs
   */
  record Result(String name, double rate, long requests, double success, long[] nanos, List<String> slowest) {

    /** The nearest-rank percentile: the smallest latency that {@code quantile} of the requests do not exceed. */
    double millis(double quantile) {
      int rank = (int) Math.ceil(quantile * nanos.length);
      return nanos[Math.max(0, Math.min(nanos.length, rank) - 1)] / 1e6;
    }

    double maxMillis() {
      return nanos[nanos.length - 1] / 1e6;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f p99.99 %.2f max %.2f ms;"
              + " %d requests at %.1f/s, %.2f %% 200; slowest %s", millis(0.5), millis(0.9), millis(0.99),
          millis(0.999), millis(0.9999), maxMillis(), requests, rate, success * 100, slowest);
    }
  }

  /** Sends a few reviews until one is answered with a patch (the operator's cache has the Instrumentation). */
  void awaitPatch(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Path results = attack("probe", url, 5, "1s", -1, true);
      List<String> lines = run(binary.toString(), "encode", "-to=json", results.toString());
      for (String line : lines) {
        JsonNode result = JSON.readTree(line);
        if (result.path("code").asInt() == 200 && !result.path("body").isNull()
            && new String(Base64.getDecoder().decode(result.path("body").asText()), StandardCharsets.UTF_8)
            .contains("\"patch\"")) {
          return;
        }
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("no review answered with a patch within " + timeout);
  }

  /**
   * Attacks {@code url} at {@code rate}/s for {@code warmup + seconds}, POSTing the body (without
   * {@code keepAlive}, every request opens a connection of its own: a TLS handshake each), and reads every
   * latency. One attack, on the same connections throughout: {warm-up, measured}, the
   * requests that left in the first {@code warmup} seconds and the others. Measuring with a new attack would
   * count its first requests' new connections (a TLS handshake each, on a server that had none open), which is
   * not the steady state the measured part is for.
   */
  Result[] split(String name, String url, int rate, int warmup, int seconds, boolean keepAlive) throws Exception {
    Path results = attack(name, url, rate, (warmup + seconds) + "s", 0, keepAlive);
    Path csv = directory.resolve(name + ".csv");
    run(binary.toString(), "encode", "-to=csv", "-output=" + csv, results.toString());
    List<long[]> rows = new ArrayList<>(); // {start unix nanos, latency nanos, status}
    try (BufferedReader in = Files.newBufferedReader(csv)) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] fields = line.split(",", 4); // timestamp, code, latency, rest
        rows.add(new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[2]), Long.parseLong(fields[1])});
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException(name + ": vegeta recorded no request (see " + results + ")");
    }
    rows.sort(Comparator.comparingLong((long[] row) -> row[0]));
    long boundary = rows.get(0)[0] + TimeUnit.SECONDS.toNanos(warmup);
    List<long[]> before = rows.stream().filter(row -> row[0] < boundary).toList();
    List<long[]> after = rows.stream().filter(row -> row[0] >= boundary).toList();
    if (after.isEmpty()) {
      throw new IllegalStateException(name + ": no request left after the first " + warmup + " s (see " + csv + ")");
    }
    return new Result[] {before.isEmpty() ? null : result(name + " warm-up", before), result(name, after)};
  }

  /** The figures of {@code rows} (in the order they left); the rate as vegeta reports it: requests over their span. */
  private static Result result(String name, List<long[]> rows) {
    long[] nanos = rows.stream().mapToLong(row -> row[1]).sorted().toArray();
    List<String> slowest = rows.stream().sorted(Comparator.comparingLong((long[] row) -> row[1]).reversed()).limit(5)
        .map(row -> String.format(Locale.ROOT, "%s %.1f ms", Instant.ofEpochSecond(0, row[0]), row[1] / 1e6))
        .toList();
    long span = rows.get(rows.size() - 1)[0] - rows.get(0)[0];
    double rate = span == 0 ? rows.size() : rows.size() * 1e9 / span;
    double success = rows.stream().filter(row -> row[2] == 200).count() / (double) rows.size();
    return new Result(name, rate, rows.size(), success, nanos, slowest);
  }

  private Path attack(String name, String url, int rate, String duration, int maxBody, boolean keepAlive)
      throws Exception {
    Path targets = directory.resolve(name + ".targets");
    Files.writeString(targets, "POST " + url + "\nContent-Type: application/json\n@" + body.toAbsolutePath() + "\n");
    Path results = directory.resolve(name + ".bin");
    // HTTP/1.1 with keep-alive, as kube-apiserver calls a webhook; the operator's throwaway certificate
    run(binary.toString(), "attack", "-name=" + name, "-targets=" + targets, "-rate=" + rate + "/s",
        "-duration=" + duration, "-insecure", "-keepalive=" + keepAlive, "-http2=false", "-timeout=10s",
        "-max-body=" + maxBody, "-output=" + results);
    return results;
  }

  private static List<String> run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(Arrays.toString(command) + " failed:\n" + out);
    }
    return out.lines().toList();
  }
}
