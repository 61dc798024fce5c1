package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.harness.UserShell;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example applies as its own header says: the {@code # kubectl ...} lines at the top of each file under
 * {@code examples/} run by bash with a real kubectl against the real API server, from a cluster without the
 * namespaces they name (a new user's).
 */
class ExamplesApplyOnRealApiServerTest {

  private static final Path EXAMPLES = ControlPlane.projectRoot().resolve("examples");

  static List<String> examplesWithCommands() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(file -> !commands(file).isEmpty()).map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  /** The kubectl commands of the file's leading comment block. */
  static List<String> commands(Path file) {
    List<String> commands = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.startsWith("#")) {
          break;
        }
        String text = line.substring(1).strip();
        if (text.startsWith("kubectl ")) {
          commands.add(text.replaceFirst("\\s+\\(.*\\)[;.]?$", "").replaceFirst(";$", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return commands;
  }

  @ParameterizedTest
  @MethodSource("examplesWithCommands")
  void theExampleAppliesAsItsHeaderSays(String example) {
    E2eCluster cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster instanceof RealCluster real && real.controlPlane() != null, "needs the control plane built here");
    KubernetesClient client = cluster.client();
    List<String> commands = commands(EXAMPLES.resolve(example));
    // a new user's cluster: none of the namespaces the commands create
    for (String command : commands) {
      Matcher created = Pattern.compile("kubectl create namespace ([a-z0-9-]+)").matcher(command);
      while (created.find()) {
        client.namespaces().withName(created.group(1)).delete();
        client.namespaces().withName(created.group(1)).waitUntilCondition(ns -> ns == null, 120, TimeUnit.SECONDS);
      }
    }
    UserShell shell = UserShell.withKubectl(((RealCluster) cluster).controlPlane());
    for (String command : commands) {
      assertThat(shell.run(command)).as(command).isNotNull();
    }
  }
}
