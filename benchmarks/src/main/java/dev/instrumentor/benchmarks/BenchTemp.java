package dev.instrumentor.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where one benchmark run keeps its temporary files (operator logs, kubeconfigs, certificates, archives, wrk
 * scripts): one directory, removed when the run ends well, kept when it fails, so that the "see <log>" of an
 * error still names a file.
 */
final class BenchTemp {

  private static Path directory;

  private BenchTemp() {
  }

  static synchronized Path directory() throws IOException {
    if (directory == null) {
      directory = Files.createTempDirectory("instrumentor-bench");
    }
    return directory;
  }

  static Path file(String prefix, String suffix) throws IOException {
    return Files.createTempFile(directory(), prefix, suffix);
  }

  static Path subdirectory(String prefix) throws IOException {
    return Files.createTempDirectory(directory(), prefix);
  }

  /** Removes the run's directory and all in it. */
  static synchronized void removeAll() throws IOException {
    if (directory == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    directory = null;
  }
}
