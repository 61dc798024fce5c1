package dev.instrumentor.e2e.harness;

import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorConfig;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * A real API server: the control plane built from source ({@link ControlPlane}), or any cluster a
 * kubeconfig names (kind, minikube). The CRDs are applied from {@code crds/}, the operator runs
 * in-process with {@code --local-webhook} so the real API server calls it, and every namespace a run
 * creates is deleted afterwards. {@code -De2e.webhookHost} names the host the API server reaches this
 * machine by (default 127.0.0.1; the docker bridge address for kind).
 */
public final class RealCluster implements E2eCluster {

  private final KubernetesClient client;
  private OperatorConfig operatorConfig;
  private InstrumentorOperator operator;
  private final ControlPlane controlPlane;
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final List<String> namespaces = new ArrayList<>();
  private final int minor;

  private RealCluster(KubernetesClient client, OperatorConfig operatorConfig, ControlPlane controlPlane) {
    this.client = client;
    this.operatorConfig = operatorConfig;
    this.controlPlane = controlPlane;
    this.minor = Integer.parseInt(client.getKubernetesVersion().getMinor().replaceAll("\\D", ""));
  }

  /** Against {@code config}; {@code controlPlane} is the built one, or null for a kubeconfig's cluster. */
  static RealCluster start(Config config, ControlPlane controlPlane) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    if (controlPlane != null) {
      controlPlane.serviceProxy().useClient(client);
    }
    Crds.apply(client, true);
    OperatorConfig operatorConfig = new OperatorConfig(Set.of(), "instrumentor-system", "e2e-" + UUID.randomUUID().toString()
        .substring(0, 6), false, "instrumentor-e2e", "127.0.0.1", 0, null, null, true,
        System.getProperty("e2e.webhookHost", "127.0.0.1"), true, AgentImages.DEFAULTS, InjectorSettings.DEFAULT_COLLECTOR_IMAGE, InjectorSettings.DEFAULT_RUN_AS_USER, "127.0.0.1", 0, "text", "INFO", null);
    RealCluster cluster = new RealCluster(client, operatorConfig, controlPlane);
    cluster.resumeOperator();
    return cluster;
  }

  /**
   * Stops the in-process operator and removes its webhook, for tests that run the operator otherwise
   * (the chart's) and must see only its work; {@link #resumeOperator} starts it again.
   */
  public synchronized void pauseOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  /** Applies the CRDs from {@code crds/} again, waiting until they are established (after a test deleted them). */
  public void restoreCrds() {
    Crds.apply(client, true);
  }

  /**
   * Restarts the in-process operator with {@code change} applied to its config (e.g. collector config
   * validation, which needs the node): {@code revert} with the config it had.
   */
  public synchronized OperatorConfig restartOperator(UnaryOperator<OperatorConfig> change) {
    OperatorConfig before = operatorConfig;
    pauseOperator();
    operatorConfig = change.apply(before);
    resumeOperator();
    return before;
  }

  public synchronized void resumeOperator() {
    if (operator == null) {
      try {
        operator = new InstrumentorOperator(operatorConfig, client, Clock.systemUTC()).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The port of the in-process operator's webhook, on 127.0.0.1 (TLS, the local CA's certificate). */
  public synchronized int webhookPort() {
    if (operator == null) {
      throw new IllegalStateException("the in-process operator is paused");
    }
    return operator.webhookPort();
  }

  /** The in-process operator's metrics, as {@code /metrics} serves them. */
  public synchronized String metrics() {
    return operator == null ? "" : operator.metrics().scrape();
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  /**
   * The real node beside the control plane built from source, started on first use. Tests that need one
   * are named {@code *OnRealNodeTest}; they fail in CI ({@code CI=true}) when it cannot be had, and are
   * skipped elsewhere (a machine without root or Linux, or a cluster from a kubeconfig).
   */
  public static KubeNode node(E2eCluster cluster) {
    String why;
    if (cluster instanceof RealCluster real && real.controlPlane != null) {
      if (real.controlPlane.nodePossible()) {
        return real.controlPlane.node();
      }
      why = "a node needs Linux and root";
    } else {
      why = "the node runs beside the control plane built from source, not on " + (cluster.real() ? "a kubeconfig's cluster" : "the emulation");
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI must run the *OnRealNodeTest classes on a real node: " + why);
    }
    Assumptions.abort("no real node here: " + why);
    throw new AssertionError("unreachable");
  }

  /** The control plane built from source, or null when the cluster came from a kubeconfig. */
  public ControlPlane controlPlane() {
    return controlPlane;
  }

  @Override
  public String namespace(String base, Map<String, String> annotations) {
    String name = base + "-" + suffix;
    if (namespaces.contains(name)) {
      // two test classes on one base would share (and delete) each other's namespace
      throw new IllegalStateException("namespace base \"" + base + "\" is already taken by another test in this run");
    }
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata().build())
        .create();
    namespaces.add(name);
    // as on any fresh cluster: pods are admitted once the controller-manager gave the namespace its account
    client.serviceAccounts().inNamespace(name).withName("default")
        .waitUntilCondition(account -> account != null, 60, TimeUnit.SECONDS);
    return name;
  }

  @Override
  public List<AdmittedPod> deploy(Deployment deployment) {
    Deployment created = client.resource(deployment).create();
    int replicas = created.getSpec().getReplicas() == null ? 1 : created.getSpec().getReplicas();
    try {
      List<Pod> pods = client.pods().inNamespace(created.getMetadata().getNamespace())
          .withLabels(created.getSpec().getSelector().getMatchLabels())
          .informOnCondition(list -> list.size() >= replicas).get(120, TimeUnit.SECONDS);
      return pods.stream().map(p -> new AdmittedPod(p, List.of())).toList();
    } catch (TimeoutException e) {
      throw new AssertionError("the pods of " + created.getMetadata().getName() + " did not appear within 120 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("watching the pods of " + created.getMetadata().getName() + " failed", e.getCause());
    }
  }

  @Override
  public AdmittedPod create(Pod pod) {
    return new AdmittedPod(client.resource(pod).create(), List.of());
  }

  @Override
  public boolean seesWarnings() {
    return false;
  }

  @Override
  public boolean real() {
    return true;
  }

  @Override
  public int serverMinorVersion() {
    return minor;
  }

  @Override
  public synchronized void close() {
    pauseOperator();
    if (controlPlane == null) {
      for (String namespace : namespaces) {
        client.namespaces().withName(namespace).delete();
      }
    }
    client.close();
    if (controlPlane != null) {
      controlPlane.close(); // its etcd lives in target/ and is discarded with it
    }
  }
}
