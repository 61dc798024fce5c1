package dev.instrumentor.benchmarks;

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
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/** The fabric8 mock API server in CRUD mode with Instrumentor's CRDs installed, on loopback. */
final class MockApiServer implements AutoCloseable {

  final KubernetesMockServer server;
  final KubernetesClient client;

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
        return super.dispatch(request);
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
