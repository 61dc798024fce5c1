package dev.instrumentor.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The images the e2e node runs, built without a registry or a Docker engine from what the registries here
 * serve, and imported into the node's containerd: each is a few layers packed by {@code e2e/images/pack.py}
 * in the {@code docker save} format. Programs run on one Debian root filesystem ({@code e2e/images/rootfs.sh});
 * agent images are busybox (Debian's static build) plus the agent, in the layout of the OpenTelemetry
 * Operator's images. Each image that has a Dockerfile for users follows its {@link Recipe}, and
 * {@code NodeImagesTest} fails when the two disagree on the contract (user, entrypoint, paths).
 */
public final class NodeImages {

  static final String PAUSE = "instrumentor.local/pause:e2e";
  public static final String JAVA_AGENT = "instrumentor.local/java-agent:e2e";
  public static final String PYTHON_AGENT = "instrumentor.local/python-agent:e2e";
  public static final String NODEJS_AGENT = "instrumentor.local/nodejs-agent:e2e";
  /**
   * The Go eBPF instrumentation ({@code e2e/go/build.sh}, from the Go module proxy) as the OpenTelemetry Go project's
   * image holds it: {@code /otel-go-instrumentation}, its entrypoint, run as root.
   */
  public static final String GO_AGENT = "instrumentor.local/go-agent:e2e";
  /**
   * The web server module image's layout ({@code /opt/opentelemetry}: the SDK's libraries, the Apache and nginx
   * modules, the log configuration's template) with stand-in modules built for Debian's Apache and nginx
   * ({@code e2e/webserver/build.sh}: the real module is on no registry reachable here), on busybox as upstream's.
   */
  public static final String WEB_SERVER_MODULE = "instrumentor.local/webserver-module:e2e";
  /** An agent image whose {@code /javaagent.jar} is no jar: the JVM it is attached to refuses to start. */
  public static final String BROKEN_JAVA_AGENT = "instrumentor.local/java-agent:broken";
  public static final String OPERATOR = "instrumentor.local/instrumentor:e2e";
  /** The OpenTelemetry Collector of {@code e2e/collector/manifest.yaml}, run as the official images run it (user 10001). */
  public static final String COLLECTOR = "instrumentor.local/otelcol:e2e";
  /**
   * The test applications on the Debian runtime: {@code java -cp /apps/java dev.instrumentor.e2e.app.HelloApp};
   * the Python ones under {@code /apps/python} with their packages in {@code /apps/python/site-packages}; the
   * Node.js ones under {@code /apps/nodejs}; the Go server {@code /apps/go/rolldice} (not stripped). Debian's uWSGI ({@code uwsgi --plugin python3}), and the servers
   * the shop talks to ({@code redis-server}, {@code mariadbd}, {@code memcached}) are in it too: one image
   * for every pod of the test applications' stack, so the node imports one large layer once.
   */
  public static final String APPS = "instrumentor.local/apps:e2e";

  /** What an image promises its users, the same as its Dockerfile's final stage. */
  public record Recipe(String tag, String dockerfile, String user, List<String> entrypoint, List<String> cmd,
      String workdir, List<String> paths) {
  }

  /** The operator image: the executable jar and its AppCDS archive on a JRE, run as the chart's user. */
  public static final Recipe OPERATOR_RECIPE = new Recipe(OPERATOR, "Dockerfile", "65532:65532",
      List.of("java", "-jar", "/app/instrumentor.jar"), List.of("run"), "/app",
      List.of("/app/instrumentor.jar", "/app/instrumentor.jsa"));
  /** The Java agent image: {@code /javaagent.jar} and a {@code cp} to copy it, any user may read it. */
  public static final Recipe JAVA_AGENT_RECIPE = new Recipe(JAVA_AGENT, "images/java-agent/Dockerfile", "65532:65532",
      List.of(), List.of(), null, List.of("/javaagent.jar"));
  /** The Python agent image: the OpenTelemetry Operator's layout, {@code /autoinstrumentation} (glibc only here). */
  public static final Recipe PYTHON_AGENT_RECIPE = new Recipe(PYTHON_AGENT, "images/python-agent/Dockerfile",
      "65532:65532", List.of(), List.of(), null, List.of("/autoinstrumentation"));
  /** The Node.js agent image: {@code /autoinstrumentation/autoinstrumentation.js} and its packages. */
  public static final Recipe NODEJS_AGENT_RECIPE = new Recipe(NODEJS_AGENT, "images/nodejs-agent/Dockerfile",
      "65532:65532", List.of(), List.of(), null, List.of("/autoinstrumentation"));

  private static final Path ROOT = ControlPlane.projectRoot();
  private final List<Path> archives;

  private NodeImages(List<Path> archives) {
    this.archives = archives;
  }

  /** Builds every image into {@code e2e/target/node-images/} (the Debian root filesystem is cached). */
  static NodeImages build() {
    try {
      Path work = ROOT.resolve("e2e/target/node-images");
      deleteRecursively(work);
      Files.createDirectories(work);
      Path rootfs = Commands.buildOutput("e2e/images/rootfs.sh");
      List<Path> archives = new ArrayList<>();

      Path pause = Files.createDirectories(work.resolve("pause/root"));
      Commands.run(List.of("gcc", "-static", "-Os", "-s", "-o", pause.resolve("pause").toString(),
          ROOT.resolve("e2e/images/pause.c").toString()), Duration.ofMinutes(2));
      archives.add(pack(work, PAUSE, List.of("dir:" + pause), null, List.of("/pause"), List.of(), null));

      Path busybox = busyboxLayer(work.resolve("busybox"));
      Path javaAgent = Files.createDirectories(work.resolve("java-agent"));
      Path agentJar = Path.of(System.getProperty("e2e.agent.jar", ROOT.resolve("e2e/target/agent/javaagent.jar").toString()));
      Files.copy(agentJar, javaAgent.resolve("javaagent.jar"));
      Files.setPosixFilePermissions(javaAgent.resolve("javaagent.jar"), PosixFilePermissions.fromString("r--r--r--"));
      archives.add(pack(work, JAVA_AGENT_RECIPE, List.of("dir:" + busybox, "dir:" + javaAgent)));

      Path brokenAgent = Files.createDirectories(work.resolve("broken-java-agent"));
      Files.writeString(brokenAgent.resolve("javaagent.jar"), "not a jar: an agent release that breaks every JVM\n");
      archives.add(pack(work, BROKEN_JAVA_AGENT, List.of("dir:" + busybox, "dir:" + brokenAgent), "65532:65532",
          List.of(), List.of(), null));

      // the agents as their images' recipes build them (pip install --target, images/nodejs-agent/layout.sh)
      Path python = Commands.buildOutput("e2e/python/install.sh");
      Path pythonAgent = Files.createDirectories(work.resolve("python-agent"));
      copyTree(python.resolve("autoinstrumentation"), pythonAgent.resolve("autoinstrumentation"));
      archives.add(pack(work, PYTHON_AGENT_RECIPE, List.of("dir:" + busybox, "dir:" + pythonAgent)));
      Path nodejsAgent = Files.createDirectories(work.resolve("nodejs-agent"));
      copyTree(Commands.buildOutput("e2e/nodejs/install.sh").resolve("autoinstrumentation"),
          nodejsAgent.resolve("autoinstrumentation"));
      archives.add(pack(work, NODEJS_AGENT_RECIPE, List.of("dir:" + busybox, "dir:" + nodejsAgent)));

      Path go = Commands.buildOutput("e2e/go/build.sh").resolve("bin");
      Path goAgent = Files.createDirectories(work.resolve("go-agent"));
      Files.copy(go.resolve("otel-go-instrumentation"), goAgent.resolve("otel-go-instrumentation"),
          StandardCopyOption.COPY_ATTRIBUTES);
      archives.add(pack(work, GO_AGENT, List.of("dir:" + goAgent), null, List.of("/otel-go-instrumentation"), List.of(),
          null));

      Path module = Commands.buildOutput("e2e/webserver/build.sh");
      archives.add(pack(work, WEB_SERVER_MODULE, List.of("dir:" + busybox, "dir:" + module), null, List.of(), List.of(),
          null));

      Path apps = Files.createDirectories(work.resolve("apps/apps/java"));
      Files.createDirectories(work.resolve("apps/apps/go"));
      Files.copy(go.resolve("rolldice"), work.resolve("apps/apps/go/rolldice"), StandardCopyOption.COPY_ATTRIBUTES);
      Path testClasses = Path.of(System.getProperty("e2e.test.classes", ROOT.resolve("e2e/target/test-classes").toString()));
      copyTree(testClasses.resolve("dev/instrumentor/e2e/app"), apps.resolve("dev/instrumentor/e2e/app"));
      copyTree(ROOT.resolve("e2e/src/test/python"), work.resolve("apps/apps/python"));
      copyTree(python.resolve("app-site"), work.resolve("apps/apps/python/site-packages"));
      copyTree(ROOT.resolve("e2e/src/test/nodejs"), work.resolve("apps/apps/nodejs"));
      Path appsRootfs = Commands.buildOutput("e2e/images/rootfs.sh", "apps");
      archives.add(pack(work, APPS, List.of(appsRootfs.toString(), "dir:" + work.resolve("apps")), "65532:65532",
          List.of(), List.of(), null));

      Path collector = Files.createDirectories(work.resolve("collector"));
      Files.copy(Commands.buildOutput("e2e/collector/build.sh").resolve("bin/otelcol"), collector.resolve("otelcol"));
      Files.createDirectories(collector.resolve("etc/ssl/certs"));
      Files.copy(Path.of("/etc/ssl/certs/ca-certificates.crt"), collector.resolve("etc/ssl/certs/ca-certificates.crt"));
      archives.add(pack(work, COLLECTOR, List.of("dir:" + collector), "10001", List.of("/otelcol"), List.of(), null));

      archives.add(pack(work, OPERATOR_RECIPE, List.of(rootfs.toString(), "dir:" + operatorLayer(work, rootfs))));
      return new NodeImages(archives);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Imports every image into the containerd listening on {@code socket}, in the CRI's namespace. */
  void importInto(Path socket, Path log) {
    StringBuilder out = new StringBuilder();
    for (Path archive : archives) {
      out.append(Commands.run(List.of("ctr", "--address", socket.toString(), "--namespace", "k8s.io", "images", "import",
          archive.toString()), Duration.ofMinutes(5)));
    }
    try {
      Files.writeString(log, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The jar as the Dockerfile copies it, and the AppCDS archive of its training run on the image's own JVM; then
   * the chart's JVM flags with {@code -Xshare:on} (which fails where the archive cannot be used) prove that the
   * operator's pod will map it.
   */
  private static Path operatorLayer(Path work, Path rootfs) throws IOException {
    Path jar = ROOT.resolve("operator/target/instrumentor.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (./mvnw -B package -DskipTests)");
    }
    Path layer = Files.createDirectories(work.resolve("operator/app"));
    Files.copy(jar, layer.resolve("instrumentor.jar"));
    // the layer's files carry time 0 (pack.py): the archive records the jar's time and size and must match them
    Files.setLastModifiedTime(layer.resolve("instrumentor.jar"), FileTime.fromMillis(0));
    Path chroot = Files.createDirectories(work.resolve("operator/training-root"));
    Commands.run(List.of("tar", "-xf", rootfs.toString(), "-C", chroot.toString()), Duration.ofMinutes(5));
    Path app = Files.createDirectories(chroot.resolve("app/training"));
    Files.copy(layer.resolve("instrumentor.jar"), app.getParent().resolve("instrumentor.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(ROOT.resolve("examples/instrumentation.yaml"), app.resolve("instrumentation.yaml"));
    Files.copy(ROOT.resolve("examples/java-deployment.yaml"), app.resolve("java-deployment.yaml"));
    // the Dockerfile's training run, on the JVM the image runs (an archive is valid for one JVM build only)
    inChroot(chroot, List.of("java", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=/app/instrumentor.jsa", "-cp",
        "/app/instrumentor.jar", "dev.instrumentor.operator.cli.CdsTraining", "/app/training"));
    List<String> asChart = new ArrayList<>(List.of("java"));
    asChart.addAll(List.of(chartJvmOptions().split(" ")));
    asChart.addAll(List.of("-Xshare:on", "-jar", "/app/instrumentor.jar", "--version"));
    inChroot(chroot, asChart);
    Files.move(chroot.resolve("app/instrumentor.jsa"), layer.resolve("instrumentor.jsa"));
    Files.setPosixFilePermissions(layer.resolve("instrumentor.jsa"), PosixFilePermissions.fromString("rw-r--r--"));
    deleteRecursively(chroot);
    return layer.getParent();
  }

  /** The chart's default {@code jvmOptions}, as its Deployment puts them on the command line. */
  static String chartJvmOptions() throws IOException {
    for (String line : Files.readAllLines(ROOT.resolve("helm-chart/instrumentor/values.yaml"))) {
      if (line.startsWith("jvmOptions:")) {
        return line.substring("jvmOptions:".length()).trim().replace("\"", "");
      }
    }
    throw new IllegalStateException("helm-chart/instrumentor/values.yaml has no jvmOptions");
  }

  private static void inChroot(Path chroot, List<String> command) {
    List<String> line = new ArrayList<>(List.of("unshare", "--mount", "--fork", "--pid",
        "--mount-proc=" + chroot.resolve("proc"), "chroot", chroot.toString()));
    line.addAll(command);
    Commands.run(line, Duration.ofMinutes(3));
  }

  /** Debian's static busybox with the applets an init container needs, as the upstream agent images have them. */
  private static Path busyboxLayer(Path layer) throws IOException {
    Path bin = Files.createDirectories(layer.resolve("bin"));
    Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : List.of("sh", "cp", "ls", "cat", "mkdir", "chmod", "du", "echo", "sleep", "true", "sed", "mv",
        "printf")) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    return layer;
  }

  private static Path pack(Path work, Recipe recipe, List<String> layers) {
    return pack(work, recipe.tag(), layers, recipe.user(), recipe.entrypoint(), recipe.cmd(), recipe.workdir());
  }

  private static Path pack(Path work, String tag, List<String> layers, String user, List<String> entrypoint,
      List<String> cmd, String workdir) {
    Path out = work.resolve(tag.replaceAll("[^a-z0-9.-]", "_") + ".tar");
    List<String> command = new ArrayList<>(List.of("python3", ROOT.resolve("e2e/images/pack.py").toString(),
        "--tag", tag, "--out", out.toString()));
    layers.forEach(layer -> command.addAll(List.of("--layer", layer)));
    if (user != null) {
      command.addAll(List.of("--user", user));
    }
    if (!entrypoint.isEmpty()) {
      command.addAll(List.of("--entrypoint", json(entrypoint)));
    }
    if (!cmd.isEmpty()) {
      command.addAll(List.of("--cmd", json(cmd)));
    }
    if (workdir != null) {
      command.addAll(List.of("--workdir", workdir));
    }
    Commands.run(command, Duration.ofMinutes(5));
    return out;
  }

  private static String json(List<String> values) {
    return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** Copies a tree, symbolic links as links, skipping Python's bytecode caches. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (file.toString().contains("__pycache__")) {
          continue;
        }
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isSymbolicLink(file)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(file));
        } else if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      Commands.run(List.of("rm", "-rf", path.toString()), Duration.ofMinutes(2));
    }
  }
}
