package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the chart's operator Deployment, run as a pod would run it but as a local process: the
 * real {@code instrumentor.jar} with the container's args and environment from the rendered chart
 * ({@code POD_NAME} / {@code POD_NAMESPACE} from the downward API), its command's JVM options with the
 * memory limit as the JVM's RAM, a kubeconfig holding the chart ServiceAccount's token, its mounted
 * volumes as directories, its ports mapped to free local ones.
 */
public final class OperatorProcess implements AutoCloseable {

  private static final Path JAR = ControlPlane.projectRoot().resolve("operator/target/instrumentor.jar");

  private final String name;
  private final Process process;
  private final Path log;
  private final int webhookPort;
  private final int metricsPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private OperatorProcess(String name, Process process, Path log, int webhookPort, int metricsPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.webhookPort = webhookPort;
    this.metricsPort = metricsPort;
  }

  /** Starts replica {@code podName} of the chart's Deployment, authenticated by {@code kubeconfig}. */
  public static OperatorProcess start(Deployment deployment, String podName, String kubeconfig, Path directory) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: build it first (./mvnw -B package -DskipTests)");
    }
    try {
      Path home = Files.createDirectories(directory.resolve(podName));
      Path kubeconfigFile = home.resolve("kubeconfig");
      Files.writeString(kubeconfigFile, kubeconfig, StandardCharsets.US_ASCII);
      int webhookPort = ControlPlane.freePort();
      int metricsPort = ControlPlane.freePort();
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

      // the container's command: java, the JVM options, -jar and the image's jar; here this JVM and the built jar,
      // with the container's memory limit as the JVM would read it from its cgroup
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      List<String> containerCommand = container.getCommand();
      int jar = containerCommand.indexOf("-jar");
      if (!"java".equals(containerCommand.get(0)) || jar < 0) {
        throw new IllegalArgumentException("the chart's command is not java ... -jar <jar>: " + containerCommand);
      }
      command.addAll(containerCommand.subList(1, jar));
      Quantity limit = container.getResources().getLimits().get("memory");
      command.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(limit).longValue());
      command.add("-jar");
      command.add(JAR.toString());
      for (String arg : container.getArgs()) {
        // the container's mounts are directories of this replica; its ports free local ones
        String mapped = arg.replace("/etc/instrumentor/tls", home.resolve("tls").toString());
        if (mapped.startsWith("--webhook-port=")) {
          mapped = "--webhook-port=" + webhookPort;
        } else if (mapped.startsWith("--metrics-port=")) {
          mapped = "--metrics-port=" + metricsPort;
        }
        command.add(mapped);
      }
      command.add("--webhook-host=127.0.0.1");
      command.add("--metrics-host=127.0.0.1");

      ProcessBuilder builder = new ProcessBuilder(command);
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(key -> key.startsWith("INSTRUMENTOR_") || key.equals("JAVA_TOOL_OPTIONS")
          || key.equals("JDK_JAVA_OPTIONS"));
      for (EnvVar var : container.getEnv()) {
        if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
          String field = var.getValueFrom().getFieldRef().getFieldPath();
          env.put(var.getName(), switch (field) {
            case "metadata.name" -> podName;
            case "metadata.namespace" -> deployment.getMetadata().getNamespace();
            default -> throw new IllegalArgumentException("no downward API value for " + field);
          });
        } else {
          env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
        }
      }
      env.put("KUBECONFIG", kubeconfigFile.toString());
      env.put("HOME", home.toString());
      Path log = home.resolve("operator.log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile()).directory(home.toFile());
      return new OperatorProcess(podName, builder.start(), log, webhookPort, metricsPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public int webhookPort() {
    return webhookPort;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** GET {@code /readyz}: true on 200. */
  public boolean ready() {
    return status("/readyz") == 200;
  }

  /** The HTTP status of {@code path} on the metrics port, or -1 when it does not answer within 2 s. */
  public int status(String path) {
    return status(path, Duration.ofSeconds(2));
  }

  /** The HTTP status of {@code path} on the metrics port, or -1 when it does not answer within {@code timeout}. */
  public int status(String path, Duration timeout) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
          .timeout(timeout).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The body of {@code /metrics}. */
  public String metrics() throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The process's peak resident set (VmHWM), in KiB, as the kernel counts it for the memory limit; -1 once it exited. */
  public long peakRssKiB() {
    return procStatus("VmHWM:");
  }

  /** The operating-system process id. */
  public long pid() {
    return process.pid();
  }

  /** The process's resident set now (VmRSS), in KiB; -1 once it exited. */
  public long rssKiB() {
    return procStatus("VmRSS:");
  }

  private long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** What the process logged so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, as the kubelet stops a container. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to exit; its exit code, or null when it did not within {@code timeout}. */
  public Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
