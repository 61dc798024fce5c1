package dev.instrumentor.e2e.node;

import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every test on the real node starts from: the e2e cluster with its node running ({@link RealCluster#node}),
 * and a client of its API server. A test class's own {@code @BeforeAll} runs after this one.
 */
abstract class OnRealNode {

  static E2eCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void startNode() {
    cluster = E2eCluster.fromEnvironment();
    RealCluster.node(cluster);
    client = cluster.client();
  }
}
