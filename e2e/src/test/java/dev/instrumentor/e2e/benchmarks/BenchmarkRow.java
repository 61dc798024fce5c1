package dev.instrumentor.e2e.benchmarks;

import dev.instrumentor.e2e.harness.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A row of BENCHMARKS.md measured on the e2e control plane. The full {@code benchmarks/run.sh} runs these
 * benchmarks (as root) before its own sections and puts the rows they wrote into its table, under
 * {@code benchmarks/results/rows/<name>.md}: one Markdown table line each.
 */
final class BenchmarkRow {

  static final Path DIRECTORY = ControlPlane.projectRoot().resolve("benchmarks/results/rows");

  private BenchmarkRow() {
  }

  static void write(String name, String budget, String measured, boolean met, String how) throws IOException {
    Files.createDirectories(DIRECTORY);
    String line = "| " + String.join(" | ", cell(budget), cell(measured), met ? "met" : "**not met**", cell(how)) + " |\n";
    Files.writeString(DIRECTORY.resolve(name + ".md"), line);
  }

  /** A table cell: no pipe and no line break can end it early. */
  private static String cell(String text) {
    return text.replace("|", "/").replace('\n', ' ');
  }
}
