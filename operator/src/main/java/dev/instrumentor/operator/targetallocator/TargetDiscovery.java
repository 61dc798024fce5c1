package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The targets of Prometheus scrape configs: {@code static_configs} as written, and {@code kubernetes_sd_configs}
 * with the roles {@code pod}, {@code endpointslice} and {@code endpoints} (from EndpointSlices), their
 * {@code namespaces} and label {@code selectors}, from informers of this process. Other discovery mechanisms
 * (file, DNS, HTTP, cloud) are not run: {@link #problems()} names them, and their jobs get no target.
 */
public final class TargetDiscovery implements AutoCloseable {

  /** One discovery of one job. */
  private record KubernetesSd(String job, String role, Set<String> namespaces, List<Selector> selectors) {
  }

  /** A selector of {@code kubernetes_sd_configs}: on the labels of the objects of its role. */
  private record Selector(String role, Predicate<Map<String, String>> labels) {
  }

  private final Map<String, JsonNode> jobs;
  private final List<KubernetesSd> kubernetes = new ArrayList<>();
  private final Map<String, List<ScrapeTarget>> statics = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> pods = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> slices = new ArrayList<>();
  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();

  /**
   * @param jobs      job name to its scrape config (Prometheus' format)
   * @param onChange  called from informer threads when what is discovered may have changed
   */
  TargetDiscovery(KubernetesClient client, String ownNamespace, Map<String, JsonNode> jobs, Runnable onChange) {
    this.jobs = jobs;
    jobs.forEach((job, config) -> read(job, config, ownNamespace));
    if (!kubernetes.isEmpty() && client != null) {
      Set<String> namespaces = new LinkedHashSet<>();
      boolean everywhere = false;
      for (KubernetesSd sd : kubernetes) {
        everywhere |= sd.namespaces().isEmpty();
        namespaces.addAll(sd.namespaces());
      }
      List<String> scopes = everywhere ? java.util.Collections.singletonList(null) : List.copyOf(namespaces);

      boolean needsSlices = kubernetes.stream().anyMatch(sd -> !sd.role().equals("pod"));
      for (String scope : scopes) {
        pods.add(inform(scope == null ? client.pods().inAnyNamespace().inform(new OnAnyChange<>(onChange))
            : client.pods().inNamespace(scope).inform(new OnAnyChange<>(onChange))));
        if (needsSlices) {
          slices.add(inform(scope == null ? client.discovery().v1().endpointSlices().inAnyNamespace().inform(new OnAnyChange<>(onChange))
              : client.discovery().v1().endpointSlices().inNamespace(scope).inform(new OnAnyChange<>(onChange))));
          services.add(inform(scope == null ? client.services().inAnyNamespace().inform(new OnAnyChange<>(onChange))
              : client.services().inNamespace(scope).inform(new OnAnyChange<>(onChange))));
        }
      }
    }
  }

  private <T> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  private void read(String job, JsonNode config, String ownNamespace) {
    List<ScrapeTarget> fixed = new ArrayList<>();
    for (JsonNode group : config.path("static_configs")) {
      Map<String, String> labels = new TreeMap<>();
      group.path("labels").fields().forEachRemaining(label -> labels.put(label.getKey(), label.getValue().asText()));
      for (JsonNode target : group.path("targets")) {
        fixed.add(ScrapeTarget.of(job, target.asText(), labels, null));
      }
    }
    statics.put(job, fixed);
    for (JsonNode sd : config.path("kubernetes_sd_configs")) {
      String role = sd.path("role").asText();
      if (!Set.of("pod", "endpointslice", "endpoints").contains(role)) {
        problems.add("job " + job + ": kubernetes_sd_configs role '" + role + "' is not discovered (pod, endpointslice"
            + " and endpoints are)");
        continue;
      }
      if (sd.has("api_server") || sd.has("kubeconfig_file")) {
        problems.add("job " + job + ": kubernetes_sd_configs of another cluster (api_server, kubeconfig_file) are not"
            + " discovered");
        continue;
      }
      Set<String> namespaces = new LinkedHashSet<>();
      sd.path("namespaces").path("names").forEach(name -> namespaces.add(name.asText()));
      if (sd.path("namespaces").path("own_namespace").asBoolean(false)) {
        namespaces.add(ownNamespace);
      }
      List<Selector> selectors = new ArrayList<>();
      for (JsonNode selector : sd.path("selectors")) {
        if (selector.has("field")) {
          problems.add("job " + job + ": field selectors are not applied (label selectors are)");
        }
        if (selector.has("label")) {
          try {
            selectors.add(new Selector(selector.path("role").asText(role),
                LabelSelectorText.parse(selector.path("label").asText())));
          } catch (IllegalArgumentException e) {
            problems.add("job " + job + ": " + e.getMessage());
          }
        }
      }
      kubernetes.add(new KubernetesSd(job, role, namespaces, selectors));
    }
    config.fieldNames().forEachRemaining(field -> {
      if (field.endsWith("_sd_configs") && !field.equals("kubernetes_sd_configs")) {
        problems.add("job " + job + ": " + field + " are not discovered by the target allocator");
      }
    });
  }

  /** Discovery that reads no cluster: for {@link #problems()} of scrape configs, and their static targets. */
  public TargetDiscovery(Map<String, JsonNode> jobs) {
    this(null, "", jobs, () -> { });
  }

  /** What the scrape configs ask for that this discovery does not do. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Whether every informer has its first list. */
  boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Every target of every job, now. */
  List<ScrapeTarget> targets() {
    List<ScrapeTarget> targets = new ArrayList<>();
    statics.values().forEach(targets::addAll);
    for (KubernetesSd sd : kubernetes) {
      if (sd.role().equals("pod")) {
        for (Pod pod : all(pods)) {
          if (in(sd, pod.getMetadata().getNamespace()) && selected(sd, "pod", pod.getMetadata().getLabels())) {
            targets.addAll(PrometheusLabels.podTargets(sd.job(), pod));
          }
        }
        continue;
      }
      Map<String, Service> servicesByName = new TreeMap<>();
      for (Service service : all(services)) {
        servicesByName.put(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName(), service);
      }
      Map<String, Pod> podsByName = new TreeMap<>();
      for (Pod pod : all(pods)) {
        podsByName.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
      }
      for (EndpointSlice slice : all(slices)) {
        String namespace = slice.getMetadata().getNamespace();
        String serviceName = slice.getMetadata().getLabels() == null ? null
            : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
        Service service = serviceName == null ? null : servicesByName.get(namespace + "/" + serviceName);
        if (in(sd, namespace) && selected(sd, "service", service == null ? Map.of() : service.getMetadata().getLabels())
            && selected(sd, sd.role(), slice.getMetadata().getLabels())) {
          targets.addAll(PrometheusLabels.endpointSliceTargets(sd.job(), slice, service,
              name -> podsByName.get(namespace + "/" + name), sd.role().equals("endpoints")));
        }
      }
    }
    return targets;
  }

  private static boolean in(KubernetesSd sd, String namespace) {
    return sd.namespaces().isEmpty() || sd.namespaces().contains(namespace);
  }

  /** Whether the labels of an object of {@code role} pass the selectors of that role. */
  private static boolean selected(KubernetesSd sd, String role, Map<String, String> labels) {
    return sd.selectors().stream().filter(selector -> selector.role().equals(role))
        .allMatch(selector -> selector.labels().test(labels));
  }

  private static <T> Collection<T> all(List<SharedIndexInformer<T>> informers) {
    List<T> all = new ArrayList<>();
    informers.forEach(informer -> all.addAll(informer.getStore().list()));
    return all;
  }

  /** The scrape configs by job, as given. */
  Map<String, JsonNode> jobs() {
    return jobs;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
