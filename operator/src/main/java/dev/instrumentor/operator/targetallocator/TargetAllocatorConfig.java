package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The target allocator's config file, in the OpenTelemetry Operator's allocator's format (so its ConfigMaps read
 * the same): {@code collector_selector} (matchLabels), {@code collector_namespace}, {@code config} (Prometheus'
 * config: {@code scrape_configs}), {@code allocation_strategy}, {@code filter_strategy} ({@code relabel-config}, the
 * default: targets a job's relabeling drops are given to no one), {@code prometheus_cr}.
 */
public record TargetAllocatorConfig(Map<String, String> collectorSelector, String collectorNamespace,
    Map<String, JsonNode> jobs, String allocationStrategy, Duration notReadyGracePeriod, boolean allowInsecureAuthSecrets,
    boolean relabelFilter, PrometheusCr prometheusCr) {

  /**
   * {@code prometheus_cr}: which of the Prometheus Operator's monitors to discover ({@code null} selectors: none of
   * that kind; namespace selectors {@code null}: every namespace, as upstream's allocator defaults them).
   */
  public record PrometheusCr(String scrapeInterval, List<String> allowNamespaces, List<String> denyNamespaces,
      JsonNode serviceMonitorSelector, JsonNode serviceMonitorNamespaceSelector, JsonNode podMonitorSelector,
      JsonNode podMonitorNamespaceSelector, boolean denyFiles) {
  }

  /** Upstream's default of {@code collector_not_ready_grace_period}. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * @throws IllegalArgumentException naming what is wrong in the file
   */
  public static TargetAllocatorConfig read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  public static TargetAllocatorConfig parse(String yaml) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the target allocator's config is not a YAML mapping");
    }
    Map<String, String> selector = new TreeMap<>();
    JsonNode labels = root.path("collector_selector").has("matchLabels") ? root.path("collector_selector").path("matchLabels")
        : root.path("collector_selector").path("matchlabels");
    labels.fields().forEachRemaining(label -> selector.put(label.getKey(), label.getValue().asText()));
    if (selector.isEmpty()) {
      throw new IllegalArgumentException("collector_selector.matchLabels: the labels of the collector's pods are needed");
    }
    String namespace = root.path("collector_namespace").asText("");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("collector_namespace: the namespace of the collector's pods is needed");
    }
    Map<String, JsonNode> jobs = new LinkedHashMap<>();
    for (JsonNode job : root.path("config").path("scrape_configs")) {
      String name = job.path("job_name").asText("");
      if (name.isBlank()) {
        throw new IllegalArgumentException("config.scrape_configs: a scrape config without job_name");
      }
      if (jobs.put(name, job) != null) {
        throw new IllegalArgumentException("config.scrape_configs: job_name '" + name + "' is used twice");
      }
    }
    String strategy = root.path("allocation_strategy").asText("consistent-hashing");
    AllocationStrategy.named(strategy); // refuses an unknown one now, naming the known ones
    Duration grace = root.has("collector_not_ready_grace_period")
        ? duration("collector_not_ready_grace_period", root.path("collector_not_ready_grace_period").asText())
        : DEFAULT_GRACE;
    String filter = root.path("filter_strategy").asText("relabel-config");
    if (!filter.isEmpty() && !filter.equals("relabel-config")) {
      throw new IllegalArgumentException("filter_strategy: '" + filter + "' is not known (relabel-config, or empty for"
          + " none)");
    }
    return new TargetAllocatorConfig(Map.copyOf(selector), namespace, jobs, strategy, grace,
        root.path("allow_insecure_auth_secrets").asBoolean(false), !filter.isEmpty(), prometheusCr(root));
  }

  private static PrometheusCr prometheusCr(JsonNode root) {
    JsonNode cr = root.path("prometheus_cr");
    if (!cr.path("enabled").asBoolean(false)) {
      return null;
    }
    String interval = cr.path("scrape_interval").asText("30s");
    duration("prometheus_cr.scrape_interval", interval);
    return new PrometheusCr(interval, strings(cr.path("allow_namespaces")), strings(cr.path("deny_namespaces")),
        selector(cr, "service_monitor_selector"), selector(cr, "service_monitor_namespace_selector"),
        selector(cr, "pod_monitor_selector"), selector(cr, "pod_monitor_namespace_selector"),
        cr.path("deny_fs_access_through_sms").asBoolean(false));
  }

  private static JsonNode selector(JsonNode cr, String field) {
    JsonNode selector = cr.get(field);
    return selector == null || selector.isNull() ? null : selector;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return List.copyOf(values);
  }

  /** A duration as Go and Kubernetes write it: {@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 1h}. */
  static Duration duration(String field, String text) {
    Matcher matcher = GO_DURATION.matcher(text.trim());
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      double amount = Double.parseDouble(matcher.group(1));
      long millis = (long) (amount * switch (matcher.group(2)) {
        case "h" -> 3_600_000;
        case "m" -> 60_000;
        case "s" -> 1_000;
        default -> 1;
      });
      total = total.plusMillis(millis);
      end = matcher.end();
    }
    if (end == 0 || end != text.trim().length()) {
      throw new IllegalArgumentException(field + ": '" + text + "' is not a duration such as 30s or 1m30s");
    }
    return total;
  }
}
