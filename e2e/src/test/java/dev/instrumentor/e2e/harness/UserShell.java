package dev.instrumentor.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's shell at the project root: {@code helm} (Helm 3 or 4, built by {@code e2e/helm/build.sh}) and
 * {@code kubectl} (the node's build) on the {@code PATH}, {@code KUBECONFIG} the control plane's admin.
 * Runs the commands of the README's code blocks as they are written ({@link #readmeCommands}).
 */
public final class UserShell {

  private static final Path ROOT = ControlPlane.projectRoot();
  private final Path bin;
  private final Path kubeconfig;
  private final Path log;

  private UserShell(Path bin, Path kubeconfig, Path log) {
    this.bin = bin;
    this.kubeconfig = kubeconfig;
    this.log = log;
  }

  /** A shell whose {@code helm} is Helm {@code major} (3 or 4). */
  public static UserShell withHelm(int major, ControlPlane controlPlane) {
    return with("helm" + major, controlPlane, Commands.buildOutput("e2e/helm/build.sh").resolve("bin/helm" + major));
  }

  /** A shell with kubectl only. */
  public static UserShell withKubectl(ControlPlane controlPlane) {
    return with("kubectl", controlPlane, null);
  }

  private static UserShell with(String name, ControlPlane controlPlane, Path helm) {
    Path kubectl = Commands.buildOutput("e2e/node/build.sh").resolve("bin/kubectl");
    try {
      Path bin = Files.createDirectories(controlPlane.directory().resolve("user-shell-" + name + "/bin"));
      Files.deleteIfExists(bin.resolve("helm"));
      Files.deleteIfExists(bin.resolve("kubectl"));
      if (helm != null) {
        Files.createSymbolicLink(bin.resolve("helm"), helm);
      }
      Files.createSymbolicLink(bin.resolve("kubectl"), kubectl);
      return new UserShell(bin, controlPlane.adminKubeconfigFile(), bin.getParent().resolve("commands.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The commands of the first {@code bash} code block after the README heading {@code heading}: comments
   * dropped, continued lines joined, each placeholder {@code <name>} replaced by {@code values}' value.
   */
  public static List<String> readmeCommands(String heading, Map<String, String> values) {
    String readme;
    try {
      readme = Files.readString(ROOT.resolve("README.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = readme.indexOf("\n" + heading + "\n");
    if (at < 0) {
      throw new AssertionError("README.md has no heading " + heading);
    }
    Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(readme);
    if (!block.find(at)) {
      throw new AssertionError("README.md has no bash block under " + heading);
    }
    List<String> commands = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : block.group(1).split("\n")) {
      String code = line.replaceFirst("\\s+#.*$", "").replaceFirst("^#.*$", "").strip();
      if (code.endsWith("\\")) {
        current.append(code, 0, code.length() - 1).append(' ');
        continue;
      }
      current.append(code);
      String command = current.toString().strip();
      current.setLength(0);
      if (!command.isEmpty()) {
        for (Map.Entry<String, String> value : values.entrySet()) {
          command = command.replace("<" + value.getKey() + ">", value.getValue());
        }
        if (command.matches(".*<[a-z-]+>.*")) {
          throw new AssertionError("README command with a placeholder the test has no value for: " + command);
        }
        commands.add(command);
      }
    }
    return commands;
  }

  /** Runs {@code command} as {@link #run} does, but a failure only goes to the log (clean-up after a failed test). */
  public void runIgnoringFailure(String command) {
    try {
      run(command);
    } catch (AssertionError e) {
      System.err.println("user shell: " + e.getMessage());
    }
  }

  /** Runs {@code command} with bash at the project root; returns its output, or fails with it. */
  public String run(String command) {
    try {
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile()).redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("KUBECONFIG", kubeconfig.toString());
      // Helm's own files stay with this run, not in the user's home
      Path home = bin.getParent();
      env.put("HELM_CACHE_HOME", home.resolve("helm-cache").toString());
      env.put("HELM_CONFIG_HOME", home.resolve("helm-config").toString());
      env.put("HELM_DATA_HOME", home.resolve("helm-data").toString());
      Process process = builder.start();
      process.getOutputStream().close();
      String output;
      try (var in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
      Files.writeString(log, "$ " + command + "\n" + output + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (process.exitValue() != 0) {
        throw new AssertionError("`" + command + "` failed with exit code " + process.exitValue() + ":\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
