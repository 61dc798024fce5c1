package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one container of a mutated pod as a process on this machine, the way the kubelet would start
 * it: the agent init container's copy is performed with the real agent jar, the container's
 * environment is computed exactly as Kubernetes does (downward-API fields given the pod's values,
 * {@code $(VAR)} expanded against earlier variables, {@code $$} an escaped dollar), and the agent
 * volume's mount path is mapped to a temporary folder.
 */
public final class LocalContainer implements AutoCloseable {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.\\-]*)\\)");

  private final Process process;
  private final int port;
  private final Map<String, String> environment;
  private final String startupLog;

  private LocalContainer(Process process, int port, Map<String, String> environment, String startupLog) {
    this.process = process;
    this.port = port;
    this.environment = environment;
    this.startupLog = startupLog;
  }

  /**
   * @param pod          the pod as the API server stored it (after admission)
   * @param container    which container to run
   * @param podName      the name the pod got (generateName resolved)
   * @param nodeName     the node it was scheduled on
   * @param configMaps   values of configMapKeyRef sources, keyed {@code name/key}
   * @param agentJar     the real agent jar (what the agent image holds at /javaagent.jar)
   * @param mountRoot    a temporary folder standing for the container's filesystem root
   * @param mainClass    the application to run, from {@code classpath}
   */
  public static LocalContainer start(Pod pod, String container, String podName, String nodeName,
      Map<String, String> configMaps, Path agentJar, Path mountRoot, String classpath, String mainClass)
      throws IOException, InterruptedException {
    Container spec = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container))
        .findFirst().orElseThrow();
    // the init container: cp /javaagent.jar /instrumentor/java/javaagent.jar
    Container init = pod.getSpec().getInitContainers().stream()
        .filter(c -> c.getName().equals("instrumentor-java-agent")).findFirst().orElseThrow();
    Path destination = map(mountRoot, init.getCommand().get(2));
    Files.createDirectories(destination.getParent());
    Files.copy(agentJar, destination, StandardCopyOption.REPLACE_EXISTING);

    Map<String, String> fields = Map.of("metadata.name", podName, "spec.nodeName", nodeName,
        "metadata.namespace", pod.getMetadata().getNamespace(), "metadata.uid", "7c1d4a2e-e2e0-4000-8000-000000000001",
        "status.podIP", "127.0.0.1");
    Map<String, String> env = environment(spec.getEnv(), fields, configMaps);
    // the agent volume is mounted at /instrumentor/java: here that path lives under mountRoot
    String mountPath = spec.getVolumeMounts().stream().filter(m -> m.getName().equals("instrumentor-java-agent"))
        .findFirst().orElseThrow().getMountPath();
    env.replaceAll((name, value) -> value.replace(mountPath, map(mountRoot, mountPath).toString()));

    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, mainClass);
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_") || name.startsWith("JAVA_TOOL_OPTIONS")
        || name.startsWith("JDK_JAVA_OPTIONS") || name.startsWith("_JAVA_OPTIONS"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder log = new StringBuilder();
    CompletableFuture<Integer> listening = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = output.readLine(); line != null; line = output.readLine()) {
          log.append(line).append('\n');
          if (line.startsWith("LISTENING ")) {
            int port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
            Thread drain = new Thread(() -> {
              try {
                while (output.readLine() != null) {
                  // keep the pipe flowing
                }
              } catch (IOException e) {
                // process ended
              }
            });
            drain.setDaemon(true);
            drain.start();
            return port;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalStateException("the application exited before listening:\n" + log);
    });
    try {
      int listeningPort = listening.get(60, TimeUnit.SECONDS);
      return new LocalContainer(process, listeningPort, env, log.toString());
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the application did not start: " + e.getMessage() + "\n" + log, e);
    }
  }

  private static Path map(Path root, String absolute) {
    return root.resolve(absolute.replaceFirst("^/+", ""));
  }

  /** The environment Kubernetes gives a container with {@code env}. */
  static Map<String, String> environment(List<EnvVar> env, Map<String, String> fields, Map<String, String> configMaps) {
    Map<String, String> result = new LinkedHashMap<>();
    for (EnvVar var : env == null ? List.<EnvVar>of() : env) {
      String value;
      if (var.getValueFrom() == null) {
        value = expand(var.getValue() == null ? "" : var.getValue(), result);
      } else if (var.getValueFrom().getFieldRef() != null) {
        value = fields.get(var.getValueFrom().getFieldRef().getFieldPath());
      } else if (var.getValueFrom().getConfigMapKeyRef() != null) {
        value = configMaps.get(var.getValueFrom().getConfigMapKeyRef().getName() + "/"
            + var.getValueFrom().getConfigMapKeyRef().getKey());
      } else {
        value = null;
      }
      if (value != null) {
        result.put(var.getName(), value);
      }
    }
    return result;
  }

  /** Kubernetes' dependent environment variables: earlier variables only; unknown references stay. */
  static String expand(String value, Map<String, String> defined) {
    Matcher matcher = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement = matcher.group().equals("$$") ? "$"
          : defined.getOrDefault(matcher.group(1), matcher.group());
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  public int port() {
    return port;
  }

  /** What the process printed until it listened (the agent logs its version there when it attaches). */
  public String startupLog() {
    return startupLog;
  }

  public Map<String, String> environment() {
    return Map.copyOf(environment);
  }

  /** SIGTERM, as the kubelet stops a container: the agent flushes what it holds. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
