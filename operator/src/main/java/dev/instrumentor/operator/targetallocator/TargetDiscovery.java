package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.operator.kube.OnAnyChange;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The targets of Prometheus scrape configs: {@code static_configs} as written, and {@code kubernetes_sd_configs}
 * with the roles {@code pod}, {@code endpointslice} and {@code endpoints} (from EndpointSlices), their
 * {@code namespaces} and label {@code selectors}, from informers of this process; the jobs are the fixed ones (the
 * receiver's scrape configs) and, with {@code prometheus_cr}, those of the selected ServiceMonitors and PodMonitors
 * ({@link MonitorDiscovery}), which come and go. With the {@code relabel-config} filter a target that its job's
 * {@code relabel_configs} drop is not a target. Other discovery mechanisms (file, DNS, HTTP, cloud) are not run:
 * {@link #problems()} names them, and their jobs get no target.
 */
public final class TargetDiscovery implements AutoCloseable {

  /** One discovery of one job. */
  private record KubernetesSd(String job, String role, Set<String> namespaces, List<Selector> selectors) {
  }

  /** A selector of {@code kubernetes_sd_configs}: on the labels of the objects of its role. */
  private record Selector(String role, Predicate<Map<String, String>> labels) {
  }

  /** Scrape configs, read. */
  private record Jobs(Map<String, JsonNode> configs, List<KubernetesSd> kubernetes, Map<String, List<ScrapeTarget>> statics,
      Map<String, Relabeling> relabeling, List<String> problems) {

    static final Jobs NONE = new Jobs(Map.of(), List.of(), Map.of(), Map.of(), List.of());

    static Jobs read(Map<String, JsonNode> configs, String ownNamespace) {
      Jobs jobs = new Jobs(configs, new ArrayList<>(), new TreeMap<>(), new TreeMap<>(), new ArrayList<>());
      configs.forEach((job, config) -> jobs.read(job, config, ownNamespace));
      return jobs;
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
      try {
        relabeling.put(job, Relabeling.parse(config.path("relabel_configs")));
      } catch (IllegalArgumentException e) {
        problems.add("job " + job + ": " + e.getMessage() + "; its targets are not filtered by it");
      }
      for (JsonNode sd : config.path("kubernetes_sd_configs")) {
        kubernetes(job, sd, ownNamespace);
      }
      config.fieldNames().forEachRemaining(field -> {
        if (field.endsWith("_sd_configs") && !field.equals("kubernetes_sd_configs")) {
          problems.add("job " + job + ": " + field + " are not discovered by the target allocator");
        }
      });
    }

    private void kubernetes(String job, JsonNode sd, String ownNamespace) {
      String role = sd.path("role").asText();
      if (!Set.of("pod", "endpointslice", "endpoints").contains(role)) {
        problems.add("job " + job + ": kubernetes_sd_configs role '" + role + "' is not discovered (pod, endpointslice"
            + " and endpoints are)");
        return;
      }
      if (sd.has("api_server") || sd.has("kubeconfig_file")) {
        problems.add("job " + job + ": kubernetes_sd_configs of another cluster (api_server, kubeconfig_file) are not"
            + " discovered");
        return;
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
  }

  /** What is discovered at one moment: the jobs (their scrape configs, as served) and their targets. */
  record Discovered(Map<String, JsonNode> jobs, List<ScrapeTarget> targets) {
  }

  private final String ownNamespace;
  private final Jobs fixed;
  private final MonitorDiscovery monitors;
  private final boolean relabelFilter;
  private Jobs monitorJobs = Jobs.NONE;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> pods = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> slices = new ArrayList<>();
  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();

  /**
   * @param onChange called from informer threads when what is discovered may have changed
   */
  TargetDiscovery(KubernetesClient client, TargetAllocatorConfig config, Runnable onChange) {
    this.ownNamespace = config.collectorNamespace();
    this.fixed = Jobs.read(config.jobs(), ownNamespace);
    this.relabelFilter = config.relabelFilter();
    TargetAllocatorConfig.PrometheusCr cr = config.prometheusCr();
    this.monitors = client == null || cr == null ? null : new MonitorDiscovery(client, cr, onChange);
    if (client == null || fixed.kubernetes().isEmpty() && monitors == null) {
      return;
    }
    List<String> scopes = scopes(cr);
    boolean needsSlices = monitors != null || fixed.kubernetes().stream().anyMatch(sd -> !sd.role().equals("pod"));
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

  /** The namespaces to watch, {@code null} for all: the fixed jobs', or all with monitors. */
  private List<String> scopes(TargetAllocatorConfig.PrometheusCr cr) {
    Set<String> namespaces = new LinkedHashSet<>();
    boolean everywhere = false;
    for (KubernetesSd sd : fixed.kubernetes()) {
      everywhere |= sd.namespaces().isEmpty();
      namespaces.addAll(sd.namespaces());
    }
    // a monitor (in an allowed namespace) may select targets in any namespace (namespaceSelector.any, matchNames)
    everywhere |= monitors != null;
    return everywhere ? java.util.Collections.singletonList(null) : List.copyOf(namespaces);
  }

  private <T> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  /** Discovery that reads no cluster: for {@link #problems()} of scrape configs, and their static targets. */
  public TargetDiscovery(Map<String, JsonNode> jobs) {
    this.ownNamespace = "";
    this.fixed = Jobs.read(jobs, "");
    this.relabelFilter = true;
    this.monitors = null;
  }

  /** What the fixed scrape configs ask for that this discovery does not do. */
  public List<String> problems() {
    return List.copyOf(fixed.problems());
  }

  /** Whether every informer has its first list. */
  boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced) && (monitors == null || monitors.synced());
  }

  /** Every job and every target of it, now (called from one thread at a time). */
  Discovered discover() {
    if (monitors != null) {
      Map<String, JsonNode> configs = monitors.jobs();
      if (!configs.equals(monitorJobs.configs())) {
        monitorJobs = Jobs.read(configs, ownNamespace);
        monitorJobs.problems().forEach(problem -> LoggerFactory.getLogger(TargetDiscovery.class).warn("{}", problem));
      }
    }
    Map<String, JsonNode> configs = new LinkedHashMap<>(fixed.configs());
    monitorJobs.configs().forEach(configs::putIfAbsent);
    List<ScrapeTarget> targets = new ArrayList<>();
    Map<String, Pod> podsByName = byName(all(pods));
    Map<String, Service> servicesByName = byName(all(services));
    Collection<EndpointSlice> allSlices = all(slices);
    for (Jobs jobs : List.of(fixed, monitorJobs)) {
      jobs.statics().values().forEach(targets::addAll);
      for (KubernetesSd sd : jobs.kubernetes()) {
        targets.addAll(targets(sd, podsByName, servicesByName, allSlices));
      }
    }
    if (relabelFilter) {
      targets.removeIf(target -> {
        Relabeling relabeling = fixed.relabeling().containsKey(target.job()) ? fixed.relabeling().get(target.job())
            : monitorJobs.relabeling().getOrDefault(target.job(), Relabeling.NONE);
        Map<String, String> labels = new TreeMap<>(target.labels());
        labels.put("__address__", target.address());
        return relabeling.apply(labels) == null;
      });
    }
    return new Discovered(java.util.Collections.unmodifiableMap(configs), targets);
  }

  /** Every target of every job, now, as {@link #discover()} gives them. */
  List<ScrapeTarget> targets() {
    return discover().targets();
  }

  private List<ScrapeTarget> targets(KubernetesSd sd, Map<String, Pod> podsByName, Map<String, Service> servicesByName,
      Collection<EndpointSlice> allSlices) {
    List<ScrapeTarget> targets = new ArrayList<>();
    if (sd.role().equals("pod")) {
      for (Pod pod : podsByName.values()) {
        if (in(sd, pod.getMetadata().getNamespace()) && selected(sd, "pod", pod.getMetadata().getLabels())) {
          targets.addAll(PrometheusLabels.podTargets(sd.job(), pod));
        }
      }
      return targets;
    }
    for (EndpointSlice slice : allSlices) {
      String namespace = slice.getMetadata().getNamespace();
      if (!in(sd, namespace)) {
        continue;
      }
      String serviceName = slice.getMetadata().getLabels() == null ? null
          : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
      Service service = serviceName == null ? null : servicesByName.get(namespace + "/" + serviceName);
      if (selected(sd, "service", service == null ? Map.of() : service.getMetadata().getLabels())
          && selected(sd, sd.role(), slice.getMetadata().getLabels())) {
        targets.addAll(PrometheusLabels.endpointSliceTargets(sd.job(), slice, service,
            name -> podsByName.get(namespace + "/" + name), sd.role().equals("endpoints")));
      }
    }
    return targets;
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Map<String, T> byName(Collection<T> objects) {
    Map<String, T> byName = new TreeMap<>();
    for (T object : objects) {
      byName.put(object.getMetadata().getNamespace() + "/" + object.getMetadata().getName(), object);
    }
    return byName;
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

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    if (monitors != null) {
      monitors.close();
    }
  }
}
