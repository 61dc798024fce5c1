package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting against a cluster without the CRDs says what to do, instead of a stack of 404s. */
class MissingCrdsTest {

  @Test
  void startingWithoutTheCrdsNamesTheFixAndLeavesNoPortBound(@TempDir Path directory) throws Exception {
    // an API server that knows no instrumentor.dev resources: every list of them is a 404
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    int metricsPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      metricsPort = free.getLocalPort();
    }
    try (KubernetesClient client = server.createClient()) {
      InstrumentorOperator operator = new InstrumentorOperator(
          OperatorHarness.config(new TestTls(directory), false, metricsPort), client, Clock.systemUTC());
      assertThatThrownBy(operator::start)
          .hasMessage("the Instrumentor CRDs are not installed in this cluster: kubectl apply --server-side -f crds/");
      // /healthz served while the caches listed; a start that failed closed it without the caller's close()
      try (ServerSocket again = new ServerSocket(metricsPort, 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).isEqualTo(metricsPort);
      }
      operator.close();
    } finally {
      server.destroy();
    }
  }
}
