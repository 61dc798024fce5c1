package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Kubernetes node beside the {@link ControlPlane}: containerd and runc from Debian, the CNI bridge
 * plugin, and kubelet, kube-proxy (iptables), kube-scheduler and CoreDNS built from the Go module proxy by
 * {@code e2e/node/build.sh}. Pods really start: images come from {@link NodeImages} (no registry), the
 * kubelet runs probes and restarts, kube-proxy routes Services, CoreDNS answers {@code *.svc.cluster.local}.
 *
 * <p>Contained ({@code e2e/node/host.sh}): the node's address is the pod bridge's ({@value #ADDRESS}), which
 * also carries the API server; nothing is forwarded between the bridge and another interface, nothing
 * listens on an external one. Configuration and runtime state live in {@code /run/instrumentor-e2e}, kubelet and
 * containerd data in {@code /var/lib/instrumentor-e2e}; the logs of every component in the control
 * plane's directory under {@code e2e/target/}. Stopping (or the next run, after a crash) removes all of it
 * and restores the host settings the kubelet changed.
 */
public final class KubeNode implements AutoCloseable {

  public static final String ADDRESS = "10.88.0.1";
  public static final String NAME = "instrumentor-e2e-node";
  static final String POD_CIDR = "10.88.0.0/16";
  /** The service CIDR of the API server ({@code --service-cluster-ip-range}) and of {@code e2e/node/host.sh}. */
  static final String SERVICE_CIDR = "10.96.0.0/16";

  /** Whether {@code ip} is on the node's pod or service network (both /16). */
  static boolean onNodeNetwork(String ip) {
    return ip.startsWith(POD_CIDR.substring(0, POD_CIDR.indexOf(".0.0/"))  + ".")
        || ip.startsWith(SERVICE_CIDR.substring(0, SERVICE_CIDR.indexOf(".0.0/")) + ".");
  }
  static final Path STATE = Path.of("/run/instrumentor-e2e");
  private static final Path DATA = Path.of("/var/lib/instrumentor-e2e");
  private static final Path HOST_SCRIPT = ControlPlane.projectRoot().resolve("e2e/node/host.sh");

  private final Path logs;
  private final List<Process> processes = new ArrayList<>();

  private KubeNode(Path logs) {
    this.logs = logs;
  }

  /** Whether this machine can run the node: Linux, root, and not switched off with {@code -De2e.node=false}. */
  static boolean possible() {
    if (!"false".equals(System.getProperty("e2e.node")) && System.getProperty("os.name").toLowerCase().contains("linux")) {
      try {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
            .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  /** The node's network and host settings, before the API server binds the bridge's address. */
  static void prepareHost() {
    Commands.run(List.of("bash", ControlPlane.projectRoot().resolve("e2e/node/packages.sh").toString()), Duration.ofMinutes(5));
    Commands.run(List.of("bash", HOST_SCRIPT.toString(), "up"), Duration.ofMinutes(2));
  }

  /** Removes what {@link #prepareHost} and the node set up; safe to call when nothing is there. */
  static void releaseHost() {
    Commands.run(List.of("bash", HOST_SCRIPT.toString(), "down"), Duration.ofMinutes(2));
  }

  static KubeNode start(ControlPlane controlPlane) {
    Path bin = Commands.buildOutput("e2e/node/build.sh").resolve("bin");
    KubeNode node = new KubeNode(controlPlane.directory().resolve("node"));
    try {
      node.launch(controlPlane, bin);
      return node;
    } catch (IOException | RuntimeException e) {
      node.close();
      throw new IllegalStateException("the node did not start (logs in " + node.logs + "): " + e.getMessage(), e);
    }
  }

  private void launch(ControlPlane controlPlane, Path bin) throws IOException {
    Instant began = Instant.now();
    Files.createDirectories(logs);
    Files.createDirectories(STATE.resolve("cni"));
    Path pki = controlPlane.directory().resolve("pki");

    write("containerd.toml", """
        version = 2
        root = "%1$s/containerd"
        state = "%2$s/containerd"
        disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
          "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
        [grpc]
          address = "%2$s/containerd.sock"
        [metrics]
          address = ""
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%3$s"
          # root here lacks CAP_SYS_RESOURCE: without this every sandbox fails ("can't get final child's PID from pipe")
          restrict_oom_score_adj = true
          stream_server_address = "127.0.0.1"
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "/usr/lib/cni"
            conf_dir = "%2$s/cni"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
            runtime_type = "io.containerd.runc.v2"
        """.formatted(DATA, STATE, NodeImages.PAUSE));
    write("cni/10-instrumentor-e2e.conflist", """
        {"cniVersion": "1.0.0", "name": "instrumentor-e2e", "plugins": [
          {"type": "bridge", "bridge": "instr0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
           "ipam": {"type": "host-local", "dataDir": "%s/ipam",
                    "ranges": [[{"subnet": "%s", "rangeStart": "10.88.1.1", "gateway": "%s"}]],
                    "routes": [{"dst": "0.0.0.0/0"}]}},
          {"type": "portmap", "capabilities": {"portMappings": true}}
        ]}
        """.formatted(STATE, POD_CIDR, ADDRESS));
    // no registry is reachable, and none may be tried: every pull goes to a proxy address where nothing
    // listens (a test pod naming an image that was not imported fails with ErrImagePull, nothing leaves the host)
    launch("containerd", List.of("containerd", "--config", STATE.resolve("containerd.toml").toString()),
        Map.of("HTTPS_PROXY", "http://127.0.0.1:9", "HTTP_PROXY", "http://127.0.0.1:9", "NO_PROXY", ""));
    Commands.awaitWhileAlive(processes, Duration.ofSeconds(30), "containerd's socket", () -> Files.exists(STATE.resolve("containerd.sock")));

    NodeImages.build().importInto(STATE.resolve("containerd.sock"), logs.resolve("images.log"));

    write("kubelet.kubeconfig", controlPlane.kubeconfig("system:node:" + NAME, List.of("system:nodes")));
    write("kube-proxy.kubeconfig", controlPlane.kubeconfig("system:kube-proxy", List.of()));
    write("kube-scheduler.kubeconfig", controlPlane.kubeconfig("system:kube-scheduler", List.of()));
    // CoreDNS reads Services, EndpointSlices and Namespaces cluster-wide: test infrastructure, not ours
    write("coredns.kubeconfig", controlPlane.kubeconfig("coredns", List.of("system:masters")));
    write("resolv.conf", "nameserver " + ADDRESS + "\n");
    write("kubelet.yaml", """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: %1$s
        port: 10250
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: %2$d
        authentication:
          anonymous: {enabled: false}
          webhook: {enabled: true}
          x509: {clientCAFile: %3$s}
        authorization: {mode: Webhook}
        cgroupDriver: cgroupfs
        failCgroupV1: false
        failSwapOn: false
        containerRuntimeEndpoint: unix://%4$s/containerd.sock
        clusterDNS: [%1$s]
        clusterDomain: cluster.local
        resolvConf: %4$s/resolv.conf
        podLogsDir: %5$s/pods
        # no registry to pull from again: the imported images must never be collected
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        evictionHard: {memory.available: 200Mi, nodefs.available: 2%%, imagefs.available: 2%%, nodefs.inodesFree: 2%%}
        serializeImagePulls: false
        # the other e2e classes' pods land here too (most wait for images no registry serves)
        maxPods: 250
        """.formatted(ADDRESS, ControlPlane.freePort(), pki.resolve("ca.crt"), STATE, DATA));
    launch("kubelet", List.of(bin.resolve("kubelet").toString(), "--config=" + STATE.resolve("kubelet.yaml"),
        "--kubeconfig=" + STATE.resolve("kubelet.kubeconfig"), "--hostname-override=" + NAME, "--node-ip=" + ADDRESS,
        "--root-dir=" + DATA.resolve("kubelet"), "--v=1"));
    write("kube-proxy.yaml", """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        clientConnection: {kubeconfig: %s/kube-proxy.kubeconfig}
        mode: iptables
        hostnameOverride: %s
        clusterCIDR: %s
        nodePortAddresses: ["%s/32"]
        healthzBindAddress: 127.0.0.1:%d
        metricsBindAddress: 127.0.0.1:%d
        conntrack: {maxPerCore: 0}
        iptables: {localhostNodePorts: false}
        """.formatted(STATE, NAME, POD_CIDR, ADDRESS, ControlPlane.freePort(), ControlPlane.freePort()));
    launch("kube-proxy", List.of(bin.resolve("kube-proxy").toString(), "--config=" + STATE.resolve("kube-proxy.yaml"), "--v=1"));
    Path schedulerKubeconfig = STATE.resolve("kube-scheduler.kubeconfig");
    launch("kube-scheduler", List.of(bin.resolve("kube-scheduler").toString(), "--kubeconfig=" + schedulerKubeconfig,
        "--authentication-kubeconfig=" + schedulerKubeconfig, "--authorization-kubeconfig=" + schedulerKubeconfig,
        "--bind-address=127.0.0.1", "--secure-port=" + ControlPlane.freePort(), "--leader-elect=false", "--v=1"));
    write("Corefile", """
        .:53 {
            bind %s
            errors
            kubernetes cluster.local in-addr.arpa ip6.arpa {
                kubeconfig %s/coredns.kubeconfig e2e
                pods insecure
                fallthrough in-addr.arpa ip6.arpa
            }
            cache 5
        }
        """.formatted(ADDRESS, STATE));
    launch("coredns", List.of(bin.resolve("coredns").toString(), "-conf", STATE.resolve("Corefile").toString()));

    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(controlPlane.adminConfig()).build()) {
      Commands.awaitWhileAlive(processes, Duration.ofSeconds(120), "node " + NAME + " to be Ready and schedulable", () -> ready(client.nodes().withName(NAME).get()));
    }
    System.err.printf("node: %s Ready in %d s (logs in %s)%n", NAME, Duration.between(began, Instant.now()).toSeconds(), logs);
  }

  private static boolean ready(Node node) {
    if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    boolean ready = node.getStatus().getConditions().stream()
        .anyMatch((NodeCondition condition) -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
    boolean tainted = node.getSpec().getTaints() != null && node.getSpec().getTaints().stream()
        .anyMatch(taint -> "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()));
    return ready && !tainted;
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(STATE.resolve(name), content, StandardCharsets.UTF_8);
  }

  private void launch(String name, List<String> command) throws IOException {
    launch(name, command, Map.of());
  }

  private void launch(String name, List<String> command, Map<String, String> environment) throws IOException {
    Path log = logs.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
    builder.environment().putAll(environment);
    processes.add(builder.start());
  }


  /**
   * Stops the node's components (the kubelet first, so it restarts nothing) and keeps the containers' logs
   * beside the components' ({@code pods/}); {@link #releaseHost} removes the rest.
   */
  @Override
  public void close() {
    try {
      if (Files.isDirectory(DATA.resolve("pods"))) {
        Commands.run(List.of("cp", "-rL", DATA.resolve("pods").toString(), logs.resolve("pods").toString()), Duration.ofMinutes(1));
      }
    } catch (RuntimeException e) {
      System.err.println("node: the containers' logs could not be kept: " + e.getMessage());
    }
    Commands.stopAll(processes);
  }
}
