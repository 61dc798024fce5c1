package dev.instrumentor.e2e.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs the project's scripts and the node's tools for the harness: output kept, failures said with it. */
final class Commands {

  private Commands() {
  }

  /** Runs {@code command}; returns its standard output; its standard error goes to the test's. */
  static String run(List<String> command, Duration timeout) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      var output = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          return "";
        }
      });
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
      }
      String out = output.join();
      if (process.exitValue() == 3) {
        throw new ControlPlane.Unavailable(String.join(" ", command) + " says this machine cannot have it (exit 3)");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue() + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new ControlPlane.Unavailable("cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a build script of the project (it prints the directory of what it built, last); returns that directory. */
  static Path buildOutput(String script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", ControlPlane.projectRoot().resolve(script).toString()));
    command.addAll(List.of(args));
    String out = run(command, Duration.ofMinutes(30)).trim();
    if (out.isEmpty()) {
      throw new IllegalStateException(script + " printed no directory");
    }
    String[] lines = out.split("\n");
    return Path.of(lines[lines.length - 1].trim());
  }

  /**
   * Waits for {@code condition}, failing as soon as one of {@code processes} (what is being waited on) has
   * exited, or after {@code timeout}.
   */
  static void awaitWhileAlive(List<Process> processes, Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException("waiting for " + what + ", " + process.info().command().orElse("a process")
              + " exited with " + process.exitValue());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Stops {@code processes}, the last started first: SIGTERM, then SIGKILL after 10 s. */
  static void stopAll(List<Process> processes) {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      long start = System.nanoTime();
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (millis > 2000) {
        // the JVM's exit waits for this (a shutdown hook): say which process took its time
        System.err.printf("stopping %s took %d ms%n", process.info().command().orElse("pid " + process.pid()), millis);
      }
    }
  }
}
