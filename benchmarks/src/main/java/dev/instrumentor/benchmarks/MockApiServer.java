package dev.instrumentor.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fabric8 mock API server in CRUD mode with Instrumentor's CRDs installed, on loopback. */
final class MockApiServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A continue token: the list's id and the offset of the next item. */
  private static final Pattern CONTINUE = Pattern.compile("(\\d{1,18})/(\\d{1,9})");

  final KubernetesMockServer server;
  final KubernetesClient client;
  /** Lists being paged, by the id their continue tokens carry (until their last page is served). */
  private final Map<Long, ObjectNode> snapshots = new ConcurrentHashMap<>();
  private final AtomicLong snapshotIds = new AtomicLong();

  MockApiServer(Path projectRoot) throws IOException {
    // CRUD mode answers every path from its store, /version too (an empty List): answer it as a 1.31 API server,
    // which `run` checks before it starts
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if ("/version".equals(request.getPath())) {
          return new MockResponse().setResponseCode(200)
              .addHeader("Content-Type", "application/json")
              .setBody("{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}");
        }
        return "GET".equals(request.getMethod()) ? paged(request.getPath(), () -> super.dispatch(request))
            : super.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.0").build());
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(projectRoot.resolve("crds"), "*.yaml")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
        }
      }
    }
  }

  /**
   * A list asked for with {@code ?limit=N} answered as kube-apiserver does, in pages of N with {@code
   * metadata.continue}, every page cut from the first one's snapshot. The CRUD mode answers it whole, so an informer
   * that lists 12,000 pods in pages of 100 got them in one response, parsed all at once in the operator's heap.
   */
  private MockResponse paged(String path, Supplier<MockResponse> whole) {
    int query = path.indexOf('?');
    if (query < 0) {
      return whole.get();
    }
    Map<String, String> parameters = new HashMap<>();
    for (String parameter : path.substring(query + 1).split("&")) {
      int equals = parameter.indexOf('=');
      if (equals > 0) {
        parameters.put(parameter.substring(0, equals),
            URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    String limit = parameters.get("limit");
    if (limit == null || "true".equals(parameters.get("watch"))) {
      return whole.get();
    }
    try {
      String token = parameters.get("continue");
      ObjectNode list;
      int from;
      long id;
      if (token == null) {
        MockResponse response = whole.get();
        if (response.code() != 200 || !(JSON.readTree(response.getBody().getBytes()) instanceof ObjectNode all)
            || !(all.get("items") instanceof ArrayNode)) {
          return response;
        }
        list = all;
        from = 0;
        id = snapshotIds.incrementAndGet();
      } else {
        Matcher parts = CONTINUE.matcher(token);
        id = parts.matches() ? Long.parseLong(parts.group(1)) : -1;
        from = parts.matches() ? Integer.parseInt(parts.group(2)) : 0;
        list = snapshots.get(id);
        if (list == null) { // as kube-apiserver answers a continue token it does not know or no longer serves
          return new MockResponse().setResponseCode(410).addHeader("Content-Type", "application/json")
              .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Expired\","
                  + "\"code\":410,\"message\":\"the continue token is unknown\"}");
        }
      }
      ArrayNode items = (ArrayNode) list.get("items");
      int size = Integer.parseInt(limit);
      int to = size <= 0 ? items.size() : Math.min(items.size(), from + size);
      ObjectNode page = JSON.createObjectNode();
      page.set("apiVersion", list.get("apiVersion"));
      page.set("kind", list.get("kind"));
      page.set("metadata", list.get("metadata") instanceof ObjectNode metadata ? metadata.deepCopy()
          : JSON.createObjectNode());
      ArrayNode pageItems = page.putArray("items");
      for (int i = from; i < to; i++) {
        pageItems.add(items.get(i));
      }
      ObjectNode metadata = (ObjectNode) page.get("metadata");
      if (to < items.size()) {
        snapshots.put(id, list);
        metadata.put("continue", id + "/" + to).put("remainingItemCount", items.size() - to);
      } else {
        snapshots.remove(id);
      }
      return new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json")
          .setBody(JSON.writeValueAsBytes(page));
    } catch (IOException e) {
      throw new UncheckedIOException("the mock API server's list for " + path + " is no JSON", e);
    }
  }

  /** The bearer token of the kubeconfig's user (the mock server accepts any). */
  static final String TOKEN = "benchmark";

  /** A kubeconfig pointing at this server, for a separate process. */
  Path kubeconfig() throws IOException {
    Path file = BenchTemp.file("kubeconfig", ".yaml");
    Files.writeString(file, String.join("\n",
        "apiVersion: v1", "kind: Config", "current-context: mock",
        "clusters:", "- name: mock", "  cluster:", "    server: " + client.getMasterUrl().toString().replaceAll("/$", ""),
        "contexts:", "- name: mock", "  context: {cluster: mock, user: mock, namespace: default}",
        "users:", "- name: mock", "  user: {token: " + TOKEN + "}", ""));
    return file;
  }

  int requestCount() {
    return server.getRequestCount();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
