package dev.instrumentor.e2e.harness;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Helm chart rendered by real Helm (helm-java) and applied to the API server as {@code helm install}
 * would (the chart's {@code crds/} are applied separately, as Helm leaves them to the user on upgrade).
 */
public final class ChartRelease {

  static final Path CHART = ControlPlane.projectRoot().resolve("helm-chart/instrumentor");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String name;
  private final String namespace;
  private final List<HasMetadata> objects;

  private ChartRelease(String name, String namespace, List<HasMetadata> objects) {
    this.name = name;
    this.namespace = namespace;
    this.objects = objects;
  }

  /** {@code helm template} of the chart with {@code values} (set as {@code --set key=value}). */
  public static ChartRelease render(String name, String namespace, String kubeVersion, Map<String, Object> values) {
    TemplateCommand template = new Helm(CHART).template().withName(name).withNamespace(namespace)
        .withKubeVersion(kubeVersion.replaceFirst("^v", ""));
    values.forEach(template::set);
    List<HasMetadata> objects = new ArrayList<>();
    Object parsed = SERIALIZATION.unmarshal(template.call());
    if (parsed instanceof KubernetesList list) {
      objects.addAll(list.getItems());
    } else if (parsed instanceof List<?> list) {
      list.forEach(item -> objects.add((HasMetadata) item));
    } else {
      objects.add((HasMetadata) parsed);
    }
    return new ChartRelease(name, namespace, objects);
  }

  public List<HasMetadata> objects() {
    return objects;
  }

  public String namespace() {
    return namespace;
  }

  public String fullname() {
    return name.contains("instrumentor") ? name : name + "-instrumentor";
  }

  public Deployment deployment() {
    return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
  }

  /** Creates the release namespace when absent. */
  public void createNamespace(KubernetesClient client) {
    if (client.namespaces().withName(namespace).get() == null) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }
    client.serviceAccounts().inNamespace(namespace).withName("default")
        .waitUntilCondition(account -> account != null, 60, TimeUnit.SECONDS);
  }

  /** {@code kubectl apply --server-side --dry-run=server}: every object judged by the API server, none stored. */
  public void dryRun(KubernetesClient client) {
    createNamespace(client);
    for (HasMetadata object : objects) {
      client.resource(object).dryRun().fieldManager("helm").forceConflicts().serverSideApply();
    }
  }

  /** Applies every object, as {@code helm install}. */
  public void install(KubernetesClient client) {
    createNamespace(client);
    for (HasMetadata object : objects) {
      client.resource(object).fieldManager("helm").forceConflicts().serverSideApply();
    }
  }

  /** Deletes what {@link #install} applied, as {@code helm uninstall}. */
  public void uninstall(KubernetesClient client) {
    for (HasMetadata object : objects) {
      client.resource(object).delete();
    }
  }

  /** A token of the chart's ServiceAccount, as the kubelet mounts into the operator's pod. */
  public String serviceAccountToken(KubernetesClient client) {
    String account = deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
    TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
    return client.serviceAccounts().inNamespace(namespace).withName(account).tokenRequest(request).getStatus().getToken();
  }
}
