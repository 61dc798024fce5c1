package dev.instrumentor.e2e.harness;

import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorConfig;
import dev.instrumentor.webhook.inject.InjectorSettings;
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
import java.util.concurrent.TimeUnit;

/**
 * A real cluster (kind, minikube, any kubeconfig): the CRDs are applied from {@code crds/}, the
 * operator runs in-process with {@code --local-webhook} so the real API server calls it, and every
 * namespace a run creates is deleted afterwards. {@code -De2e.webhookHost} names the host the API
 * server reaches this machine by (default 127.0.0.1; {@code host.docker.internal} or the docker
 * bridge address for kind).
 */
public final class RealCluster implements E2eCluster {

  private final KubernetesClient client;
  private final InstrumentorOperator operator;
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final List<String> namespaces = new ArrayList<>();

  private RealCluster(KubernetesClient client, InstrumentorOperator operator) {
    this.client = client;
    this.operator = operator;
  }

  public static RealCluster start(String kubeconfig) {
    System.setProperty("kubeconfig", kubeconfig);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build();
    Crds.apply(client, true);
    OperatorConfig config = new OperatorConfig(Set.of(), "instrumentor-system", "e2e-" + UUID.randomUUID().toString()
        .substring(0, 6), false, "instrumentor-e2e", "127.0.0.1", 0, null, null, true,
        System.getProperty("e2e.webhookHost", "127.0.0.1"), true, InjectorSettings.DEFAULT_JAVA_AGENT_IMAGE,
        InjectorSettings.DEFAULT_COLLECTOR_IMAGE, "127.0.0.1", 0, "text", "INFO", null);
    try {
      return new RealCluster(client, new InstrumentorOperator(config, client, Clock.systemUTC()).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String namespace(String base, Map<String, String> annotations) {
    String name = base + "-" + suffix;
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata().build())
        .create();
    namespaces.add(name);
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
    } catch (Exception e) {
      throw new IllegalStateException("the pods of " + created.getMetadata().getName() + " did not appear", e);
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
  public void close() {
    operator.close();
    for (String namespace : namespaces) {
      client.namespaces().withName(namespace).delete();
    }
    client.close();
  }
}
