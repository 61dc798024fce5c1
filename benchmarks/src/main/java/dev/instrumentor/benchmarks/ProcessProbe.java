package dev.instrumentor.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What a process and the machine did between two snapshots (Linux): GC pauses and JIT compilations (jstat), the
 * time the process's admission event loops ran and waited for a CPU (/proc/PID/task/TID/schedstat), the share
 * of time some task on the machine waited for a CPU (/proc/pressure/cpu), and the connections open to a port.
 * What makes a latency tail: the webhook's own pauses, or a machine too busy to run it.
 */
final class ProcessProbe implements AutoCloseable {

  /**
   * One snapshot; times in milliseconds; the old generation's use and size in KiB (a full GC of the serial collector
   * comes when it fills); the most connections open since the one before.
   */
  record Snapshot(long at, double youngGcs, double youngGcMillis, double fullGcs, double fullGcMillis,
      double compilations, double compileMillis, double loopRunMillis, double loopWaitMillis, double cpuPressureMillis,
      double oldUsedKiB, double oldCapacityKiB, int connections) {
  }

  private final long pid;
  private final int port;
  private final AtomicInteger maxConnections = new AtomicInteger();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "connections");
    thread.setDaemon(true);
    return thread;
  });

  /** Samples the connections open to {@code port} every 250 ms: a load generator's process keeps them no longer. */
  ProcessProbe(long pid, int port) {
    this.pid = pid;
    this.port = port;
    sampler.scheduleWithFixedDelay(() -> {
      try {
        maxConnections.accumulateAndGet(connections(), Math::max);
      } catch (IOException e) {
        // not readable here: reported as 0
      }
    }, 0, 250, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  Snapshot snapshot() throws IOException, InterruptedException {
    Map<String, Double> gc = jstat("-gc");
    Map<String, Double> compiler = jstat("-compiler");
    double[] loops = loopSchedstat();
    return new Snapshot(System.nanoTime(), gc.getOrDefault("YGC", Double.NaN), gc.getOrDefault("YGCT", Double.NaN) * 1000,
        gc.getOrDefault("FGC", Double.NaN), gc.getOrDefault("FGCT", Double.NaN) * 1000,
        compiler.getOrDefault("Compiled", Double.NaN), compiler.getOrDefault("Time", Double.NaN) * 1000, loops[0],
        loops[1], cpuPressureMillis(), gc.getOrDefault("OU", Double.NaN), gc.getOrDefault("OC", Double.NaN),
        maxConnections.getAndSet(0));
  }

  /** The difference of two snapshots, one line. */
  static String between(Snapshot before, Snapshot after) {
    double seconds = (after.at() - before.at()) / 1e9;
    return String.format(Locale.ROOT, "%.0f young GCs (%.0f ms), %.0f full GCs (%.0f ms; old generation %s then %s),"
            + " %.0f JIT compilations (%.0f ms); the admission event loops ran %.0f ms and waited %.0f ms for a CPU;"
            + " some task on the machine waited for a CPU %.0f %% of the time; up to %d connections",
        after.youngGcs() - before.youngGcs(), after.youngGcMillis() - before.youngGcMillis(),
        after.fullGcs() - before.fullGcs(), after.fullGcMillis() - before.fullGcMillis(), old(before), old(after),
        after.compilations() - before.compilations(), after.compileMillis() - before.compileMillis(),
        after.loopRunMillis() - before.loopRunMillis(), after.loopWaitMillis() - before.loopWaitMillis(),
        (after.cpuPressureMillis() - before.cpuPressureMillis()) / (seconds * 10), after.connections());
  }

  /** What the process did before a snapshot, since it started. */
  static String since(Snapshot snapshot) {
    return String.format(Locale.ROOT, "%.0f young GCs (%.0f ms), %.0f full GCs (%.0f ms), %.0f JIT compilations (%.0f ms);"
            + " old generation %s",
        snapshot.youngGcs(), snapshot.youngGcMillis(), snapshot.fullGcs(), snapshot.fullGcMillis(),
        snapshot.compilations(), snapshot.compileMillis(), old(snapshot));
  }

  /** The old generation's use of its size, in MiB: "41.3/42.7 MiB". */
  private static String old(Snapshot snapshot) {
    return String.format(Locale.ROOT, "%.1f/%.1f MiB", snapshot.oldUsedKiB() / 1024, snapshot.oldCapacityKiB() / 1024);
  }

  /** jstat's one line of figures by column name (jstat -gc: YGC, YGCT, FGC, FGCT; -compiler: Compiled, Time). */
  private Map<String, Double> jstat(String option) throws IOException, InterruptedException {
    Process jstat = new ProcessBuilder(OperatorRun.javaHome().resolve("bin/jstat").toString(), option,
        Long.toString(pid)).redirectErrorStream(true).start();
    List<String> lines = new String(jstat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    jstat.waitFor();
    Map<String, Double> values = new HashMap<>();
    if (lines.size() >= 2) {
      String[] names = lines.get(0).trim().split("\\s+");
      String[] figures = lines.get(1).trim().split("\\s+");
      for (int i = 0; i < Math.min(names.length, figures.length); i++) {
        try {
          values.put(names[i], Double.parseDouble(figures[i]));
        } catch (NumberFormatException e) {
          // a method name (FailedMethod), not a figure
        }
      }
    }
    return values;
  }

  /** {ran, waited} milliseconds of the threads named admission-N (the webhook's event loops). */
  private double[] loopSchedstat() throws IOException {
    double[] sum = new double[2];
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (!Files.readString(task.resolve("comm")).trim().matches("admission-\\d+")) {
            continue;
          }
          String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
          sum[0] += Long.parseLong(fields[0]) / 1e6;
          sum[1] += Long.parseLong(fields[1]) / 1e6;
        } catch (IOException e) {
          // the thread ended
        }
      }
    }
    return sum;
  }

  /** /proc/pressure/cpu "some" total: microseconds in which at least one task waited for a CPU; as ms. */
  private static double cpuPressureMillis() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
        if (line.startsWith("some")) {
          return Long.parseLong(line.substring(line.indexOf("total=") + 6).trim()) / 1000.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no PSI on this kernel
    }
    return Double.NaN;
  }

  /** Established TCP connections whose local port is {@code port} (IPv4 and IPv6). */
  private int connections() throws IOException {
    String local = String.format(Locale.ROOT, ":%04X", port);
    int count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] fields = line.trim().split("\\s+");
        // sl local_address rem_address st ...; 01 is ESTABLISHED
        if (fields.length > 3 && fields[1].endsWith(local) && "01".equals(fields[3])) {
          count++;
        }
      }
    }
    return count;
  }
}
