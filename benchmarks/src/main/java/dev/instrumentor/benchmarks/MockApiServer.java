package dev.instrumentor.benchmarks;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/** The fabric8 mock API server in CRUD mode with Instrumentor's CRDs installed, on loopback. */
final class MockApiServer implements AutoCloseable {

  final KubernetesMockServer server;
  final KubernetesClient client;

  MockApiServer(Path projectRoot) throws IOException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").build());
    server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(projectRoot.resolve("crds"), "*.yaml")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
        }
      }
    }
  }

  /** A kubeconfig pointing at this server, for a separate process. */
  Path kubeconfig() throws IOException {
    Path file = Files.createTempFile("kubeconfig", ".yaml");
    Files.writeString(file, String.join("\n",
        "apiVersion: v1", "kind: Config", "current-context: mock",
        "clusters:", "- name: mock", "  cluster:", "    server: " + client.getMasterUrl().toString().replaceAll("/$", ""),
        "contexts:", "- name: mock", "  context: {cluster: mock, user: mock, namespace: default}",
        "users:", "- name: mock", "  user: {token: benchmark}", ""));
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
