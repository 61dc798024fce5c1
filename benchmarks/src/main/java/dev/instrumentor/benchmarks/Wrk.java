package dev.instrumentor.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (keep-alive HTTP load generator) with a POST body and reads its figures. */
final class Wrk {

  /**
   * @param requestsPerSecond the achieved rate
   * @param latencyMillis     percentile ("50%", "99%") to milliseconds
   * @param errors            non-2xx responses and socket errors
   */
  record Result(double requestsPerSecond, Map<String, Double> latencyMillis, long errors, String raw) {
  }

  private static final Pattern PERCENTILE = Pattern.compile("^\\s+(\\d+)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private Wrk() {
  }

  /**
   * @param delayMillis per-connection pause between requests (0: as fast as possible)
   */
  static Result run(String url, Path body, int threads, int connections, int seconds, int delayMillis)
      throws IOException, InterruptedException {
    Path script = BenchTemp.file("wrk", ".lua");
    Files.writeString(script, String.join("\n",
        "wrk.method = \"POST\"",
        "wrk.headers[\"Content-Type\"] = \"application/json\"",
        "local f = io.open(\"" + body.toAbsolutePath() + "\", \"rb\")",
        "wrk.body = f:read(\"*a\")",
        "f:close()",
        delayMillis > 0 ? "function delay() return " + delayMillis + " end" : "",
        ""));
    List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
        "--latency", "-s", script.toString(), url));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("wrk failed:\n" + output);
    }
    Map<String, Double> latency = new LinkedHashMap<>();
    Matcher percentile = PERCENTILE.matcher(output);
    while (percentile.find()) {
      double value = Double.parseDouble(percentile.group(2));
      double millis = switch (percentile.group(3)) {
        case "us" -> value / 1000;
        case "s" -> value * 1000;
        default -> value;
      };
      latency.put(percentile.group(1) + "%", millis);
    }
    Matcher rate = RATE.matcher(output);
    if (!rate.find()) {
      throw new IllegalStateException("no Requests/sec in wrk output:\n" + output);
    }
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(output);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(output);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Result(Double.parseDouble(rate.group(1)), latency, errors, output);
  }
}
