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
 * it: the agent init container's copy is performed with the real agent (the jar, or the Python
 * packages installed as the agent image holds them), the container's
 * environment is computed exactly as Kubernetes does (downward-API fields given the pod's values,
 * {@code $(VAR)} expanded against earlier variables, {@code $$} an escaped dollar), and the agent
 * volume's mount path is mapped to a temporary folder.
 */
public final class LocalContainer implements AutoCloseable {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.\\-]*)\\)");

  private final Process process;
  private final int port;
  private final Map<String, String> environment;
  private final StringBuilder log;

  private LocalContainer(Process process, int port, Map<String, String> environment, StringBuilder log) {
    this.process = process;
    this.port = port;
    this.environment = environment;
    this.log = log;
  }

  /**
   * How a container of an injected pod runs here.
   *
   * @param agentVolume  the injected volume, also the name of the init container that fills it; null when
   *                     there is none (SDK-only)
   * @param agentContent what the init container copies: a file (its last argument is the file's path in the
   *                     volume), or a directory whose content it copies into the volume (linked, not copied)
   * @param paths        other absolute paths of the image, and the local ones standing for them (e.g. /app)
   * @param command      the process, as local paths
   * @param directory    its working directory
   * @param listening    a line of its output whose group 1 is the port it serves on
   * @param overrides    variables set over the computed environment (a Service's address, here)
   */
  public record Launch(String agentVolume, Path agentContent, Map<String, Path> paths, List<String> command,
      Path directory, Pattern listening, Map<String, String> overrides) {
  }

  /**
   * The Java application {@code mainClass} with the real agent jar (what the agent image holds at
   * /javaagent.jar).
   *
   * @param pod          the pod as the API server stored it (after admission)
   * @param container    which container to run
   * @param podName      the name the pod got (generateName resolved)
   * @param nodeName     the node it was scheduled on
   * @param configMaps   values of configMapKeyRef sources, keyed {@code name/key}
   * @param mountRoot    a temporary folder standing for the container's filesystem root
   */
  public static LocalContainer start(Pod pod, String container, String podName, String nodeName,
      Map<String, String> configMaps, Path agentJar, Path mountRoot, String classpath, String mainClass)
      throws IOException, InterruptedException {
    return start(pod, container, podName, nodeName, configMaps, mountRoot, new Launch("instrumentor-java-agent",
        agentJar, Map.of(), List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
            mainClass), null, Pattern.compile("^LISTENING (\\d+)"), Map.of()));
  }

  /** Runs {@code container} of {@code pod} as {@code launch} says, once the agent is where the init container puts it. */
  public static LocalContainer start(Pod pod, String container, String podName, String nodeName,
      Map<String, String> configMaps, Path mountRoot, Launch launch) throws IOException, InterruptedException {
    Container spec = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container))
        .findFirst().orElseThrow();
    // the init container: cp <agent> <volume path> (Java), cp -r <dir>/. <volume> (Python, Node.js); none for SDK-only
    if (launch.agentVolume() != null) {
      Container init = pod.getSpec().getInitContainers().stream()
          .filter(c -> c.getName().equals(launch.agentVolume())).findFirst().orElseThrow();
      List<String> copy = init.getCommand();
      Path destination = map(mountRoot, copy.get(copy.size() - 1));
      Files.createDirectories(destination.getParent());
      if (Files.isDirectory(launch.agentContent())) {
        Files.createSymbolicLink(destination, launch.agentContent());
      } else {
        Files.copy(launch.agentContent(), destination, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    Map<String, String> fields = Map.of("metadata.name", podName, "spec.nodeName", nodeName,
        "metadata.namespace", pod.getMetadata().getNamespace(), "metadata.uid", "7c1d4a2e-e2e0-4000-8000-000000000001",
        "status.podIP", "127.0.0.1", "status.hostIP", "127.0.0.1");
    Map<String, String> env = environment(spec.getEnv(), fields, configMaps);
    // the agent volume is mounted at its mount path: here that path lives under mountRoot
    Map<String, Path> paths = new LinkedHashMap<>(launch.paths());
    if (launch.agentVolume() != null) {
      String mountPath = spec.getVolumeMounts().stream().filter(m -> m.getName().equals(launch.agentVolume()))
          .findFirst().orElseThrow().getMountPath();
      paths.put(mountPath, map(mountRoot, mountPath));
    }
    env.replaceAll((name, value) -> mapPaths(value, paths));
    env.putAll(launch.overrides());

    ProcessBuilder builder = new ProcessBuilder(launch.command());
    if (launch.directory() != null) {
      builder.directory(launch.directory().toFile());
    }
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_") || name.startsWith("JAVA_TOOL_OPTIONS")
        || name.startsWith("JDK_JAVA_OPTIONS") || name.startsWith("_JAVA_OPTIONS") || name.startsWith("PYTHON")
        || name.startsWith("NODE_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder log = new StringBuilder();
    CompletableFuture<Integer> listening = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = output.readLine(); line != null; line = output.readLine()) {
          log.append(line).append('\n');
          Matcher matcher = launch.listening().matcher(line);
          if (matcher.find()) {
            int port = Integer.parseInt(matcher.group(1));
            Thread drain = new Thread(() -> {
              try {
                for (String more = output.readLine(); more != null; more = output.readLine()) {
                  synchronized (log) {
                    log.append(more).append('\n');
                  }
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
      return new LocalContainer(process, listeningPort, env, log);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the application did not start: " + e.getMessage() + "\n" + log, e);
    }
  }

  /**
   * {@code value} with each of {@code paths} mapped to its local path where it starts a path: at the
   * start, or after ':', '=' or a space (PYTHONPATH lists, {@code -javaagent:...}, {@code -Dx=...}).
   */
  static String mapPaths(String value, Map<String, Path> paths) {
    String mapped = value;
    for (Map.Entry<String, Path> path : paths.entrySet()) {
      mapped = mapped.replaceAll("(^|[:= ])" + Pattern.quote(path.getKey()) + "(?=$|[/: ])",
          "$1" + Matcher.quoteReplacement(path.getValue().toString()));
    }
    return mapped;
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

  /** What the process printed so far (the Java agent logs its version when it attaches). */
  public String startupLog() {
    synchronized (log) {
      return log.toString();
    }
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
