package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.operator.kube.OnAnyChange;
import dev.instrumentor.webhook.json.LabelSelectors;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus Operator's ServiceMonitors and PodMonitors that a collector's {@code prometheusCR} selects, as
 * scrape configs ({@link MonitorScrapeConfigs}), from informers of this process: the monitors (when the API
 * server serves their kinds; checked at start), and Namespaces for the namespace selectors. Monitors are read as
 * generic resources: their schema is the Prometheus Operator's, and only the fields the scrape config needs are
 * read.
 */
final class MonitorDiscovery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorDiscovery.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String GROUP_VERSION = "monitoring.coreos.com/v1";

  /** One kind of monitor: its informer and selectors, null when its kind is not served or not selected. */
  private record Kind(String name, SharedIndexInformer<GenericKubernetesResource> informer, JsonNode selector,
      JsonNode namespaceSelector) {
  }

  private final TargetAllocatorConfig.PrometheusCr config;
  private final SharedIndexInformer<Namespace> namespaces;
  private final List<Kind> kinds = new ArrayList<>();
  private final Set<String> logged = new LinkedHashSet<>();

  MonitorDiscovery(KubernetesClient client, TargetAllocatorConfig.PrometheusCr config, Runnable onChange) {
    this.config = config;
    this.namespaces = client.namespaces().inform(new OnAnyChange<>(onChange));
    add(client, "ServiceMonitor", "servicemonitors", config.serviceMonitorSelector(),
        config.serviceMonitorNamespaceSelector(), onChange);
    add(client, "PodMonitor", "podmonitors", config.podMonitorSelector(), config.podMonitorNamespaceSelector(),
        onChange);
  }

  private void add(KubernetesClient client, String kind, String plural, JsonNode selector, JsonNode namespaceSelector,
      Runnable onChange) {
    if (selector == null || selector.isNull()) {
      LOG.info("prometheusCR: no {} selector, so no {}s are discovered (an empty selector, {{}}, selects all)", kind,
          kind);
      return;
    }
    boolean served;
    try {
      served = client.getApiResources(GROUP_VERSION) != null && client.getApiResources(GROUP_VERSION).getResources()
          .stream().anyMatch(resource -> resource.getName().equals(plural));
    } catch (RuntimeException e) {
      served = false;
    }
    if (!served) {
      LOG.warn("prometheusCR: the API server does not serve {}s ({}): none are discovered; install the Prometheus"
          + " Operator's CRDs and restart the allocator", kind, GROUP_VERSION);
      return;
    }
    SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(GROUP_VERSION, kind)
        .inAnyNamespace().inform(new OnAnyChange<>(onChange));
    kinds.add(new Kind(kind, informer, selector, namespaceSelector));
  }

  boolean synced() {
    return namespaces.hasSynced() && kinds.stream().allMatch(kind -> kind.informer().hasSynced());
  }

  /** The scrape configs of every selected monitor, by job name, in a stable order. */
  Map<String, JsonNode> jobs() {
    Map<String, Map<String, String>> namespaceLabels = new LinkedHashMap<>();
    namespaces.getStore().list().forEach(namespace -> namespaceLabels.put(namespace.getMetadata().getName(),
        Objects.requireNonNullElse(namespace.getMetadata().getLabels(), Map.of())));
    MonitorScrapeConfigs.Defaults defaults = new MonitorScrapeConfigs.Defaults(config.scrapeInterval(),
        config.denyFiles());
    Map<String, JsonNode> jobs = new LinkedHashMap<>();
    for (Kind kind : kinds) {
      List<GenericKubernetesResource> monitors = new ArrayList<>(kind.informer().getStore().list());
      monitors.sort(Comparator.comparing((GenericKubernetesResource m) -> m.getMetadata().getNamespace())
          .thenComparing(m -> m.getMetadata().getName()));
      for (GenericKubernetesResource monitor : monitors) {
        String namespace = monitor.getMetadata().getNamespace();
        if (!allowed(namespace)
            || !LabelSelectors.matches(kind.namespaceSelector(), namespaceLabels.getOrDefault(namespace, Map.of()), true)
            || !LabelSelectors.matches(kind.selector(), Objects.requireNonNullElse(monitor.getMetadata().getLabels(),
                Map.of()), false)) {
          continue;
        }
        JsonNode json = JSON.valueToTree(monitor);
        MonitorScrapeConfigs.Result result = kind.name().equals("ServiceMonitor")
            ? MonitorScrapeConfigs.serviceMonitor(json, defaults) : MonitorScrapeConfigs.podMonitor(json, defaults);
        jobs.putAll(result.jobs());
        result.problems().stream().filter(logged::add).forEach(problem -> LOG.warn("prometheusCR: {}", problem));
      }
    }
    return jobs;
  }

  private boolean allowed(String namespace) {
    return (config.allowNamespaces().isEmpty() || config.allowNamespaces().contains(namespace))
        && !config.denyNamespaces().contains(namespace);
  }

  @Override
  public void close() {
    namespaces.close();
    kinds.forEach(kind -> kind.informer().close());
  }
}
