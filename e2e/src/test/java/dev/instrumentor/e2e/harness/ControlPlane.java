package dev.instrumentor.e2e.harness;

import dev.instrumentor.webhook.tls.CertificateAuthority;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager,
 * built from source by {@code e2e/control-plane/build.sh} (cached outside the clone) and started like a
 * real cluster: a generated CA, client-certificate users, a service-account token issuer,
 * {@code --authorization-mode=Node,RBAC}, the default admission plugins (MutatingAdmissionWebhook
 * among them) and the controller-manager's default controllers with per-controller service-account
 * credentials. Where this machine can run a {@link KubeNode} (Linux, root), the API server serves on the
 * node's pod bridge ({@value KubeNode#ADDRESS}), so pods reach it through the {@code kubernetes} Service,
 * and {@link #node()} starts the node on first use; elsewhere it serves on loopback and pods stay Pending.
 * Its {@code cluster} traffic (webhooks, kubelets, pods) goes through {@link ServiceProxy}, which routes
 * Services to local processes the tests register and dials everything else on the node's network.
 *
 * <p>One per test JVM ({@link #shared()}); whoever holds it closes it.
 */
public final class ControlPlane implements AutoCloseable {

  private static ControlPlane shared;
  private static RuntimeException failure;

  private final Path directory;
  private final List<Process> processes = new ArrayList<>();
  private final ServiceProxy serviceProxy;
  private final String kubernetesVersion;
  private final String host;
  private KubeNode node;
  private String adminKubeconfig;
  private CertificateAuthority ca;
  private int apiserverPort;

  private ControlPlane(Path directory, String kubernetesVersion, ServiceProxy serviceProxy, String host) {
    this.directory = directory;
    this.host = host;
    this.kubernetesVersion = kubernetesVersion;
    this.serviceProxy = serviceProxy;
  }

  /** The control plane of this test JVM, built (or reused) and started on first use. */
  public static synchronized ControlPlane shared() {
    if (failure != null) {
      throw failure;
    }
    if (shared == null) {
      try {
        shared = start();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return shared;
  }

  /** Builds or reuses the binaries; throws {@link Unavailable} when they cannot be had (no Go). */
  static Path binaries() {
    return Commands.buildOutput("e2e/control-plane/build.sh").resolve("bin");
  }

  /** The control plane cannot be had on this machine (as opposed to: it failed). */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message);
    }
  }

  public static Path projectRoot() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("e2e/control-plane")) ? here : here.getParent();
  }

  private static ControlPlane start() {
    Path bin = binaries();
    boolean withNode = KubeNode.possible();
    Path directory;
    ServiceProxy proxy;
    try {
      Path target = projectRoot().resolve("e2e/target");
      Files.createDirectories(target);
      directory = Files.createTempDirectory(target, "control-plane-");
      proxy = ServiceProxy.start();
      if (withNode) {
        KubeNode.prepareHost();
        proxy.dialNodeNetwork();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = bin.getParent().getFileName().toString().replaceAll("-etcd-.*", "");
    ControlPlane controlPlane = new ControlPlane(directory, version, proxy, withNode ? KubeNode.ADDRESS : "127.0.0.1");
    try {
      controlPlane.launch(bin);
      return controlPlane;
    } catch (IOException | RuntimeException e) {
      controlPlane.close();
      throw new IllegalStateException("the control plane did not start (logs in " + directory + "): " + e.getMessage(), e);
    }
  }

  private void launch(Path bin) throws IOException {
    Instant began = Instant.now();
    Path pki = Files.createDirectories(directory.resolve("pki"));
    ca = CertificateAuthority.create("instrumentor-e2e-kubernetes-ca", Duration.ofDays(2));
    write(pki.resolve("ca.crt"), ca.certificatePem());
    write(pki.resolve("ca.key"), ca.privateKeyPem());
    CertificateAuthority.Issued serving = ca.issue(List.of("localhost", "127.0.0.1", "kubernetes",
        "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "10.96.0.1", KubeNode.ADDRESS), Duration.ofDays(2));
    write(pki.resolve("apiserver.crt"), serving.certificatePem());
    write(pki.resolve("apiserver.key"), serving.privateKeyPem());
    // the service-account token signer (an EC key: ES256 tokens)
    CertificateAuthority signer = CertificateAuthority.create("service-account-signer", Duration.ofDays(2));
    write(pki.resolve("sa.key"), signer.privateKeyPem());
    write(pki.resolve("sa.pub"), signer.certificatePem()); // the public key, in the form kube-apiserver reads

    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    apiserverPort = freePort();
    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    launch("etcd", List.of(bin.resolve("etcd").toString(), "--name=e2e", "--data-dir=" + directory.resolve("etcd"),
        "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
        "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort, "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
        "--initial-cluster=e2e=http://127.0.0.1:" + etcdPeerPort, "--listen-metrics-urls=", "--unsafe-no-fsync",
        "--log-level=warn"));

    Path egress = directory.resolve("egress-selector.yaml");
    write(egress, """
        apiVersion: apiserver.k8s.io/v1beta1
        kind: EgressSelectorConfiguration
        egressSelections:
          - name: cluster
            connection:
              proxyProtocol: HTTPConnect
              transport:
                uds:
                  udsName: %s
        """.formatted(serviceProxy.socket()));
    List<String> apiserver = new ArrayList<>(List.of(bin.resolve("kube-apiserver").toString(),
        "--etcd-servers=" + etcdUrl, "--bind-address=" + host, "--advertise-address=" + host,
        "--secure-port=" + apiserverPort, "--cert-dir=" + directory.resolve("apiserver-certs"),
        "--tls-cert-file=" + pki.resolve("apiserver.crt"), "--tls-private-key-file=" + pki.resolve("apiserver.key"),
        "--client-ca-file=" + pki.resolve("ca.crt"),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + pki.resolve("sa.pub"), "--service-account-signing-key-file=" + pki.resolve("sa.key"),
        "--service-cluster-ip-range=" + KubeNode.SERVICE_CIDR, "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction", "--allow-privileged=true",
        "--egress-selector-config-file=" + egress, "--profiling=false", "--v=1"));
    if (host.equals(KubeNode.ADDRESS)) {
      // logs, exec and port-forward: the API server authenticates to the kubelet with a client certificate
      CertificateAuthority.Issued kubeletClient = ca.issueClient("kube-apiserver-kubelet-client", List.of("system:masters"),
          Duration.ofDays(2));
      write(pki.resolve("apiserver-kubelet-client.crt"), kubeletClient.certificatePem());
      write(pki.resolve("apiserver-kubelet-client.key"), kubeletClient.privateKeyPem());
      apiserver.addAll(List.of("--kubelet-client-certificate=" + pki.resolve("apiserver-kubelet-client.crt"),
          "--kubelet-client-key=" + pki.resolve("apiserver-kubelet-client.key"),
          "--kubelet-preferred-address-types=InternalIP"));
    } else {
      // the kubernetes Service's endpoint would be this loopback address, which 1.37 refuses; no pod needs it
      apiserver.add("--endpoint-reconciler-type=none");
    }
    launch("kube-apiserver", apiserver);

    adminKubeconfig = kubeconfig("admin", List.of("system:masters"));
    write(directory.resolve("admin.kubeconfig"), adminKubeconfig);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(adminConfig()).build()) {
      awaitReady(client);
      write(directory.resolve("kube-controller-manager.kubeconfig"),
          kubeconfig("system:kube-controller-manager", List.of()));
      launch("kube-controller-manager", List.of(bin.resolve("kube-controller-manager").toString(),
          "--kubeconfig=" + directory.resolve("kube-controller-manager.kubeconfig"),
          "--authentication-kubeconfig=" + directory.resolve("kube-controller-manager.kubeconfig"),
          "--authorization-kubeconfig=" + directory.resolve("kube-controller-manager.kubeconfig"),
          "--bind-address=127.0.0.1", "--secure-port=" + freePort(), "--leader-elect=false",
          "--use-service-account-credentials=true", "--service-account-private-key-file=" + pki.resolve("sa.key"),
          "--root-ca-file=" + pki.resolve("ca.crt"), "--cluster-signing-cert-file=" + pki.resolve("ca.crt"),
          "--cluster-signing-key-file=" + pki.resolve("ca.key"), "--v=1"));
      // the controllers run once the service-account controller has given "default" its account
      Commands.awaitWhileAlive(processes, Duration.ofSeconds(90), "kube-controller-manager to create the default ServiceAccount",
          () -> client.serviceAccounts().inNamespace("default").withName("default").get() != null);
    }
    System.err.printf("control plane: Kubernetes %s ready on https://%s:%d in %d s (logs and kubeconfig in %s)%n",
        kubernetesVersion, host, apiserverPort, Duration.between(began, Instant.now()).toSeconds(), directory);
  }

  private void awaitReady(KubernetesClient client) {
    Commands.awaitWhileAlive(processes, Duration.ofSeconds(120), "kube-apiserver /readyz", () -> {
      try {
        return "ok".equals(client.raw(client.getMasterUrl() + "readyz"));
      } catch (RuntimeException e) {
        return false;
      }
    });
  }


  private void launch(String name, List<String> command) throws IOException {
    Path log = directory.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    if (host.equals(KubeNode.ADDRESS)) {
      // should this JVM die without stopping them, the next run's e2e/node/host.sh stops them
      Files.writeString(KubeNode.STATE.resolve("control-plane.pids"), process.pid() + "\n", StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /** A kubeconfig for a user authenticated by a client certificate of this control plane's CA. */
  public String kubeconfig(String user, List<String> groups) {
    CertificateAuthority.Issued client = ca.issueClient(user, groups, Duration.ofDays(2));
    return kubeconfig("user:\n      client-certificate-data: " + base64(client.certificatePem())
        + "\n      client-key-data: " + base64(client.privateKeyPem()));
  }

  /** A kubeconfig for a bearer token (a ServiceAccount's, as a pod would have). */
  public String tokenKubeconfig(String token) {
    return kubeconfig("user:\n      token: " + token);
  }

  private String kubeconfig(String user) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: e2e
            cluster:
              server: https://%s:%d
              certificate-authority-data: %s
        users:
          - name: e2e
            %s
        contexts:
          - name: e2e
            context: {cluster: e2e, user: e2e}
        current-context: e2e
        """.formatted(host, apiserverPort, base64(ca.certificatePem()), user);
  }

  public Config adminConfig() {
    Config config = Config.fromKubeconfig(adminKubeconfig);
    config.setClientKeyAlgo("EC"); // fabric8 reads a PKCS#8 key as RSA unless told
    return config;
  }

  public Path adminKubeconfigFile() {
    return directory.resolve("admin.kubeconfig");
  }

  /** The Kubernetes version the binaries were built at, e.g. {@code v1.37.2}. */
  public String kubernetesVersion() {
    return kubernetesVersion;
  }

  /** The real node beside this control plane, started on first use; {@link Unavailable} where it cannot run. */
  public synchronized KubeNode node() {
    if (!host.equals(KubeNode.ADDRESS)) {
      throw new Unavailable("a node needs Linux and root (e2e/node): this machine runs the control plane alone");
    }
    if (node == null) {
      node = KubeNode.start(this);
    }
    return node;
  }

  /** Whether pods can run here ({@link #node()} starts the node). */
  public boolean nodePossible() {
    return host.equals(KubeNode.ADDRESS);
  }

  public ServiceProxy serviceProxy() {
    return serviceProxy;
  }

  public Path directory() {
    return directory;
  }

  @Override
  public synchronized void close() {
    if (node != null) {
      node.close();
    }
    Commands.stopAll(processes);
    serviceProxy.close();
    if (host.equals(KubeNode.ADDRESS)) {
      KubeNode.releaseHost();
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
