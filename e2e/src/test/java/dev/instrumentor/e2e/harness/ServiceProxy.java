package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What kube-proxy and a pod network would do for the API server's calls to webhook Services, on a
 * machine with neither: kube-apiserver's egress selector sends its {@code cluster} traffic here as
 * HTTP CONNECT to {@code <clusterIP>:<port>} over a Unix domain socket (its TCP transport demands mutual
 * TLS, which would add nothing here); this proxy finds the Service with that ClusterIP, maps
 * the port to its {@code targetPort}, and connects to a local process registered as that Service's
 * endpoint ({@link #addEndpoint}). A Service without a live endpoint gets a refused connection, as in a
 * cluster whose webhook pods are down. With a {@link KubeNode} ({@link #dialNodeNetwork}), every other
 * address of the node's network (a Service that kube-proxy routes to pods, a pod, the kubelet) is dialled
 * as it is. Test infrastructure only: no library routes by Kubernetes Service.
 */
public final class ServiceProxy implements AutoCloseable {

  /** A local process serving a Service: {@code targetPort} of the Service maps to {@code localPort}. */
  record Endpoint(String targetPort, int localPort) {
  }

  private final Path socketPath;
  private final ServerSocketChannel server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "service-proxy");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, List<Endpoint>> endpoints = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private volatile KubernetesClient client;
  private volatile boolean dialNodeNetwork;

  private ServiceProxy(Path socketPath, ServerSocketChannel server) {
    this.socketPath = socketPath;
    this.server = server;
  }

  static ServiceProxy start() throws IOException {
    // short path: a Unix socket's name is limited to ~100 bytes
    Path socket = Files.createTempDirectory("instrumentor-egress").resolve("proxy.sock");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    ServiceProxy proxy = new ServiceProxy(socket, server);
    proxy.threads.execute(proxy::accept);
    return proxy;
  }

  /** The Unix socket kube-apiserver's egress selector connects to. */
  Path socket() {
    return socketPath;
  }

  /** Dials addresses of the node's pod and service networks that no registered local process serves. */
  void dialNodeNetwork() {
    dialNodeNetwork = true;
  }

  /** The client the proxy reads Services with (the admin's). */
  public void useClient(KubernetesClient client) {
    this.client = client;
  }

  /** Registers a local process as an endpoint of Service {@code namespace/name} for {@code targetPort}. */
  public void addEndpoint(String namespace, String name, String targetPort, int localPort) {
    endpoints.computeIfAbsent(namespace + "/" + name, k -> new CopyOnWriteArrayList<>())
        .add(new Endpoint(targetPort, localPort));
  }

  public void removeEndpoint(String namespace, String name, int localPort) {
    List<Endpoint> list = endpoints.get(namespace + "/" + name);
    if (list != null) {
      list.removeIf(endpoint -> endpoint.localPort() == localPort);
    }
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel channel = server.accept();
        threads.execute(() -> handle(channel));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(SocketChannel downstream) {
    try (downstream) {
      ByteBuffer head = ByteBuffer.allocate(8192);
      String request = readHead(downstream, head);
      String[] requestLine = request.split("\r\n", 2)[0].split(" ");
      if (requestLine.length < 2 || !requestLine[0].equals("CONNECT")) {
        reply(downstream, "HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
      }
      int localPort = resolve(requestLine[1]);
      InetSocketAddress target = localPort >= 0 ? new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort)
          : onNodeNetwork(requestLine[1]);
      if (target == null) {
        reply(downstream, "HTTP/1.1 503 Service Unavailable\r\n\r\n");
        return;
      }
      Socket upstream;
      try {
        upstream = new Socket();
        // as Go's dialer does for kube-apiserver's own connections: with Nagle's algorithm, a request written in two
        // pieces waits for the ACK of the first, which the webhook's kernel delays (40 ms on Linux)
        upstream.setTcpNoDelay(true);
        upstream.connect(target, 10_000);
      } catch (IOException refused) {
        reply(downstream, "HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
      }
      try (upstream) {
        reply(downstream, "HTTP/1.1 200 Connection established\r\n\r\n");
        OutputStream toUpstream = upstream.getOutputStream();
        if (head.hasRemaining()) {
          toUpstream.write(head.array(), head.position(), head.remaining());
        }
        threads.execute(() -> pump(upstream, downstream));
        ByteBuffer buffer = ByteBuffer.allocate(16384);
        while (downstream.read(buffer.clear()) >= 0) {
          toUpstream.write(buffer.array(), 0, buffer.position());
        }
        upstream.shutdownOutput();
      }
    } catch (IOException | RuntimeException e) {
      // the API server sees a failed call, as with an unreachable endpoint
    }
  }

  private static void reply(SocketChannel channel, String response) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /** Reads up to the blank line that ends the request head; {@code buffer} keeps what came after it. */
  private static String readHead(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (true) {
      if (!buffer.hasRemaining() || channel.read(buffer) < 0) {
        throw new IOException("incomplete CONNECT request");
      }
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        buffer.flip().position(end + 4);
        return text.substring(0, end);
      }
    }
  }

  /** {@code address:port} on the node's pod or service network, when there is a node; else null. */
  private InetSocketAddress onNodeNetwork(String authority) {
    int colon = authority.lastIndexOf(':');
    if (!dialNodeNetwork || colon < 0) {
      return null;
    }
    String ip = authority.substring(0, colon);
    if (!KubeNode.onNodeNetwork(ip)) {
      return null;
    }
    return new InetSocketAddress(ip, Integer.parseInt(authority.substring(colon + 1)));
  }

  /** {@code clusterIP:port} to a registered local port, or -1. */
  private int resolve(String authority) {
    KubernetesClient reader = client;
    int colon = authority.lastIndexOf(':');
    if (reader == null || colon < 0) {
      return -1;
    }
    String ip = authority.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(authority.substring(colon + 1));
    for (Service service : reader.services().inAnyNamespace().list().getItems()) {
      if (!ip.equals(service.getSpec().getClusterIP())) {
        continue;
      }
      List<Endpoint> candidates = endpoints.getOrDefault(
          service.getMetadata().getNamespace() + "/" + service.getMetadata().getName(), List.of());
      for (ServicePort servicePort : service.getSpec().getPorts()) {
        if (servicePort.getPort() != port) {
          continue;
        }
        String target = servicePort.getTargetPort() == null ? String.valueOf(port)
            : servicePort.getTargetPort().getStrVal() != null ? servicePort.getTargetPort().getStrVal()
                : String.valueOf(servicePort.getTargetPort().getIntVal());
        List<Endpoint> matching = candidates.stream().filter(e -> e.targetPort().equals(target)).toList();
        if (!matching.isEmpty()) {
          return matching.get(Math.floorMod(next.getAndIncrement(), matching.size())).localPort();
        }
      }
    }
    return -1;
  }

  private static void pump(Socket from, SocketChannel to) {
    try {
      InputStream in = from.getInputStream();
      byte[] buffer = new byte[16384];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        while (bytes.hasRemaining()) {
          to.write(bytes);
        }
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // either side closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(socketPath);
      Files.deleteIfExists(socketPath.getParent());
    } catch (IOException e) {
      // closing
    }
    threads.shutdownNow();
  }
}
