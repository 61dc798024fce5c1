package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Where the scenarios run: a real cluster when {@code KUBECONFIG} (or {@code -De2e.kubeconfig}) is
 * set, else an embedded emulation. Either way the operator runs in-process with its
 * {@code run --local-webhook} wiring, and the scenarios use the same code.
 */
public interface E2eCluster extends AutoCloseable {

  /** A pod as the API server stored it, and the warnings its admission returned. */
  record AdmittedPod(Pod pod, List<String> warnings) {
  }

  KubernetesClient client();

  /** A fresh namespace for this run (deleted afterwards on a real cluster). */
  String namespace(String base, Map<String, String> annotations);

  /** Creates the Deployment; returns its pods once its controllers created them. */
  List<AdmittedPod> deploy(Deployment deployment);

  /** Creates a bare pod. */
  AdmittedPod create(Pod pod);

  /** Whether admission warnings reach the test (the emulation sees them; kubectl does on a real cluster). */
  boolean seesWarnings();

  @Override
  void close();

  /** The cluster the environment points at. */
  static E2eCluster fromEnvironment() {
    String kubeconfig = System.getProperty("e2e.kubeconfig", System.getenv("KUBECONFIG"));
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return RealCluster.start(kubeconfig);
    }
    return EmulatedCluster.start();
  }
}
