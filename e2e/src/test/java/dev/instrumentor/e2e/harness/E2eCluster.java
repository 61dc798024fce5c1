package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Where the scenarios run: a cluster when {@code -De2e.kubeconfig} (or {@code KUBECONFIG} with
 * {@code -De2e.cluster=kubeconfig}) names one; else the real control plane built from source
 * ({@link ControlPlane}); else, on a machine without Go and outside CI, the embedded emulation,
 * announced. In CI ({@code CI=true}) a control plane that cannot be had fails the run. Either way the
 * operator runs in-process with its {@code run --local-webhook} wiring, and the scenarios use the same
 * code.
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

  /** A real API server judges (schema, CEL, RBAC, admission, SSA, GC); false for the emulation. */
  boolean real();

  /** The API server's minor version (1.x). */
  int serverMinorVersion();

  @Override
  void close();

  /** The cluster the environment points at (one per test JVM). */
  static E2eCluster fromEnvironment() {
    return Holder.cluster();
  }

  /** Lazily chosen, shared by every test class of the JVM, closed when it exits. */
  final class Holder {
    private static E2eCluster cluster;

    private Holder() {
    }

    static synchronized E2eCluster cluster() {
      if (cluster == null) {
        cluster = choose();
        E2eCluster chosen = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(chosen::close, "e2e-cluster-stop"));
      }
      return cluster;
    }

    private static E2eCluster choose() {
      String kubeconfig = System.getProperty("e2e.kubeconfig");
      if ((kubeconfig == null || kubeconfig.isBlank()) && "kubeconfig".equals(System.getProperty("e2e.cluster"))) {
        kubeconfig = System.getenv("KUBECONFIG");
      }
      if (kubeconfig != null && !kubeconfig.isBlank()) {
        System.setProperty("kubeconfig", kubeconfig);
        return RealCluster.start(Config.autoConfigure(null), null);
      }
      if ("emulation".equals(System.getProperty("e2e.cluster"))) {
        return announceEmulation("asked for with -De2e.cluster=emulation");
      }
      try {
        ControlPlane controlPlane = ControlPlane.shared();
        return RealCluster.start(controlPlane.adminConfig(), controlPlane);
      } catch (ControlPlane.Unavailable e) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new IllegalStateException("CI must run the e2e scenarios on a real control plane: " + e.getMessage(), e);
        }
        return announceEmulation(e.getMessage());
      }
    }

    private static E2eCluster announceEmulation(String why) {
      System.err.println("""

          ************************************************************************************
          * e2e: NO REAL API SERVER (%s).
          * The scenarios run on the fabric8 mock server with an admission emulation; the
          * tests only a real kube-apiserver can judge (RBAC, schema, Leases, GC, the chart)
          * are skipped. Install Go 1.26+ to build the control plane (e2e/control-plane).
          ************************************************************************************
          """.formatted(why));
      return EmulatedCluster.start();
    }
  }
}
