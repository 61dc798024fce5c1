package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Prometheus scrape configs of the Prometheus Operator's ServiceMonitors and PodMonitors, written as the
 * Prometheus Operator writes them (and so as the OpenTelemetry Operator's allocator serves them): one job per
 * endpoint, named {@code serviceMonitor/<namespace>/<name>/<index>} or {@code podMonitor/<namespace>/<name>/<index>},
 * discovering with the {@code endpoints} or {@code pod} role in the monitor's namespaces, keeping the objects its
 * selector and port choose by relabeling, and labelling targets {@code namespace}, {@code service}, {@code pod},
 * {@code container}, {@code job} and {@code endpoint}, then the monitor's own relabelings. Not written: Secret-backed
 * credentials (basicAuth, authorization, oauth2, TLS from Secrets or ConfigMaps; such an endpoint is left out and
 * named in the problems, since scraping it without them would only fail), sharding (one shard: a no-op) and
 * {@code attachMetadata}.
 */
final class MonitorScrapeConfigs {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String META = "__meta_kubernetes_";
  private static final Set<String> SECRET_BACKED = Set.of("basicAuth", "authorization", "oauth2", "bearerTokenSecret");

  /** What one monitor gave: its jobs, and what of it was left out, for the log. */
  record Result(Map<String, ObjectNode> jobs, List<String> problems) {
  }

  /**
   * @param scrapeInterval the default interval (prometheusCR.scrapeInterval)
   * @param denyFiles      leave out endpoints that read files of the collector's filesystem (denyFSAccessThroughSMs)
   */
  record Defaults(String scrapeInterval, boolean denyFiles) {
  }

  private MonitorScrapeConfigs() {
  }

  /** What is particular to one kind of monitor: the relabeling of one endpoint's job. */
  private interface EndpointRelabeling {
    void write(ArrayNode relabel, JsonNode endpoint, JsonNode spec, String namespace, String name);
  }

  static Result serviceMonitor(JsonNode monitor, Defaults defaults) {
    return jobs(monitor, "serviceMonitor", "endpoints", "endpointslice", defaults, MonitorScrapeConfigs::serviceMonitor);
  }

  static Result podMonitor(JsonNode monitor, Defaults defaults) {
    return jobs(monitor, "podMonitor", "podMetricsEndpoints", "pod", defaults, MonitorScrapeConfigs::podMonitor);
  }

  /** One job per endpoint of a monitor, {@code <prefix>/<namespace>/<name>/<index>}. */
  private static Result jobs(JsonNode monitor, String prefix, String endpoints, String role, Defaults defaults,
      EndpointRelabeling relabeling) {
    String namespace = monitor.path("metadata").path("namespace").asText();
    String name = monitor.path("metadata").path("name").asText();
    JsonNode spec = monitor.path("spec");
    Map<String, ObjectNode> jobs = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    int index = 0;
    for (JsonNode endpoint : spec.path(endpoints)) {
      String job = prefix + "/" + namespace + "/" + name + "/" + index++;
      if (excluded(job, endpoint, defaults, problems)) {
        continue;
      }
      ObjectNode config = common(job, endpoint, defaults);
      ObjectNode sd = config.putArray("kubernetes_sd_configs").addObject().put("role", role);
      namespaces(sd, spec.path("namespaceSelector"), namespace);
      ArrayNode relabel = config.putArray("relabel_configs");
      relabel.add(rule(List.of("job"), "__tmp_prometheus_job_name", null, null));
      relabeling.write(relabel, endpoint, spec, namespace, name);
      finish(config, relabel, endpoint, spec);
      jobs.put(job, config);
    }
    // as the Prometheus Operator: a monitor whose selector or relabelings are invalid is left out whole
    String invalid = invalid(spec.path("selector"));
    for (ObjectNode config : jobs.values()) {
      try {
        Relabeling.parse(config.path("relabel_configs"));
        Relabeling.parse(config.path("metric_relabel_configs"));
      } catch (IllegalArgumentException e) {
        invalid = invalid == null ? e.getMessage() : invalid;
      }
    }
    if (invalid != null) {
      return new Result(Map.of(), List.of(prefix + "/" + namespace + "/" + name + ": left out: " + invalid));
    }
    return new Result(jobs, problems);
  }

  private static void serviceMonitor(ArrayNode relabel, JsonNode endpoint, JsonNode spec, String namespace, String name) {
    selector(relabel, spec.path("selector"), "service");
    String port = given(endpoint, "port");
    String targetPort = given(endpoint, "targetPort");
    if (port != null) {
      relabel.add(keep(List.of(META + "endpointslice_port_name"), literal(port)));
    } else if (targetPort != null) {
      relabel.add(keep(List.of(META + "pod_container_port_" + (endpoint.path("targetPort").isInt() ? "number" : "name")),
          literal(targetPort)));
    }
    relabel.add(rule(List.of(META + "endpointslice_address_target_kind", META + "endpointslice_address_target_name"),
        "node", "Node;(.*)", "${1}"));
    relabel.add(rule(List.of(META + "endpointslice_address_target_kind", META + "endpointslice_address_target_name"),
        "pod", "Pod;(.*)", "${1}"));
    relabel.add(rule(List.of(META + "namespace"), "namespace", null, null));
    relabel.add(rule(List.of(META + "service_name"), "service", null, null));
    relabel.add(rule(List.of(META + "pod_name"), "pod", null, null));
    relabel.add(rule(List.of(META + "pod_container_name"), "container", null, null));
    if (endpoint.path("filterRunning").asBoolean(true)) {
      relabel.add(drop(List.of(META + "pod_phase"), "(Failed|Succeeded)"));
    }
    for (JsonNode label : spec.path("targetLabels")) {
      relabel.add(rule(List.of(META + "service_label_" + PrometheusLabels.sanitize(label.asText())),
          PrometheusLabels.sanitize(label.asText()), "(.+)", "${1}"));
    }
    podTargetLabels(relabel, spec);
    relabel.add(rule(List.of(META + "service_name"), "job", null, "${1}"));
    jobAndEndpoint(relabel, spec, "service", port != null ? port : targetPort);
  }

  private static void podMonitor(ArrayNode relabel, JsonNode endpoint, JsonNode spec, String namespace, String name) {
    if (endpoint.path("filterRunning").asBoolean(true)) {
      relabel.add(drop(List.of(META + "pod_phase"), "(Failed|Succeeded)"));
    }
    selector(relabel, spec.path("selector"), "pod");
    String port = given(endpoint, "port");
    String portNumber = given(endpoint, "portNumber");
    String targetPort = given(endpoint, "targetPort");
    if (port != null) {
      relabel.add(keep(List.of(META + "pod_container_port_name"), literal(port)));
    } else if (portNumber != null) {
      relabel.add(keep(List.of(META + "pod_container_port_number"), portNumber));
    } else if (targetPort != null) {
      relabel.add(keep(List.of(META + "pod_container_port_" + (endpoint.path("targetPort").isInt() ? "number" : "name")),
          literal(targetPort)));
    }
    relabel.add(rule(List.of(META + "namespace"), "namespace", null, null));
    relabel.add(rule(List.of(META + "pod_container_name"), "container", null, null));
    relabel.add(rule(List.of(META + "pod_name"), "pod", null, null));
    podTargetLabels(relabel, spec);
    relabel.add(JSON.createObjectNode().put("target_label", "job").put("replacement", namespace + "/" + name));
    // as the Prometheus Operator: the endpoint label from port or targetPort, not from portNumber
    jobAndEndpoint(relabel, spec, "pod", port != null ? port : targetPort);
  }

  /** The job from the monitor's {@code jobLabel} (a label of the role's object) when it has one, and the endpoint. */
  private static void jobAndEndpoint(ArrayNode relabel, JsonNode spec, String role, String endpoint) {
    if (given(spec, "jobLabel") != null) {
      relabel.add(rule(List.of(META + role + "_label_" + PrometheusLabels.sanitize(spec.path("jobLabel").asText())),
          "job", "(.+)", "${1}"));
    }
    if (endpoint != null) {
      relabel.add(JSON.createObjectNode().put("target_label", "endpoint").put("replacement", endpoint));
    }
  }

  /** A field's value, or null when absent, null, blank or the number 0 (the Prometheus Operator's "not set"). */
  static String given(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isNumber() && value.asLong() == 0) {
      return null;
    }
    String text = value.asText();
    return text.isBlank() ? null : text;
  }

  /** What makes a LabelSelector invalid (an operator the API would refuse, a set operator without values). */
  private static String invalid(JsonNode selector) {
    for (JsonNode expression : selector.path("matchExpressions")) {
      String operator = expression.path("operator").asText();
      boolean set = operator.equals("In") || operator.equals("NotIn");
      if (!set && !operator.equals("Exists") && !operator.equals("DoesNotExist")) {
        return "selector: operator '" + operator + "' is not In, NotIn, Exists or DoesNotExist";
      }
      if (set && expression.path("values").isEmpty()) {
        return "selector: " + operator + " on '" + expression.path("key").asText() + "' needs values";
      }
    }
    return null;
  }

  /** Whether an endpoint is left out: it needs Secrets, or reads files while that is denied. */
  private static boolean excluded(String job, JsonNode endpoint, Defaults defaults, List<String> problems) {
    for (String field : SECRET_BACKED) {
      // a Go client writes an empty bearerTokenSecret ({key: ""}): only a named Secret counts, as upstream
      JsonNode value = endpoint.path(field);
      if (value.isObject() && (field.equals("bearerTokenSecret") ? given(value, "name") != null : !value.isEmpty())) {
        problems.add(job + ": left out: " + field + " needs credentials from Secrets, which the allocator does not read");
        return true;
      }
    }
    JsonNode tls = endpoint.path("tlsConfig");
    for (String field : List.of("ca", "cert", "keySecret")) {
      JsonNode value = tls.path(field);
      boolean fromObject = field.equals("keySecret") ? given(value, "name") != null
          : value.path("secret").isObject() || value.path("configMap").isObject();
      if (fromObject) {
        problems.add(job + ": left out: tlsConfig." + field + " comes from a Secret or ConfigMap, which the allocator"
            + " does not read");
        return true;
      }
    }
    boolean files = endpoint.hasNonNull("bearerTokenFile") || tls.hasNonNull("caFile") || tls.hasNonNull("certFile")
        || tls.hasNonNull("keyFile");
    if (files && defaults.denyFiles()) {
      problems.add(job + ": left out: it reads files of the collector (bearerTokenFile, tlsConfig.*File) and"
          + " denyFSAccessThroughSMs is set");
      return true;
    }
    return false;
  }

  private static ObjectNode common(String job, JsonNode endpoint, Defaults defaults) {
    ObjectNode config = JSON.createObjectNode().put("job_name", job);
    config.put("honor_labels", endpoint.path("honorLabels").asBoolean(false));
    if (endpoint.hasNonNull("honorTimestamps")) {
      config.put("honor_timestamps", endpoint.path("honorTimestamps").asBoolean());
    }
    config.put("scrape_interval", given(endpoint, "interval") != null ? given(endpoint, "interval")
        : defaults.scrapeInterval());
    if (given(endpoint, "scrapeTimeout") != null) {
      config.put("scrape_timeout", endpoint.path("scrapeTimeout").asText());
    }
    config.put("metrics_path", given(endpoint, "path") != null ? given(endpoint, "path") : "/metrics");
    if (given(endpoint, "scheme") != null) {
      config.put("scheme", endpoint.path("scheme").asText().toLowerCase(java.util.Locale.ROOT));
    }
    if (endpoint.has("params")) {
      config.set("params", endpoint.path("params").deepCopy());
    }
    if (endpoint.hasNonNull("proxyUrl")) {
      config.put("proxy_url", endpoint.path("proxyUrl").asText());
    }
    if (endpoint.hasNonNull("followRedirects")) {
      config.put("follow_redirects", endpoint.path("followRedirects").asBoolean());
    }
    if (endpoint.hasNonNull("enableHttp2")) {
      config.put("enable_http2", endpoint.path("enableHttp2").asBoolean());
    }
    if (endpoint.hasNonNull("bearerTokenFile")) {
      config.putObject("authorization").put("credentials_file", endpoint.path("bearerTokenFile").asText());
    }
    JsonNode tls = endpoint.path("tlsConfig");
    if (tls.isObject()) {
      ObjectNode out = config.putObject("tls_config");
      copy(tls, out, "caFile", "ca_file");
      copy(tls, out, "certFile", "cert_file");
      copy(tls, out, "keyFile", "key_file");
      copy(tls, out, "serverName", "server_name");
      copy(tls, out, "insecureSkipVerify", "insecure_skip_verify");
    }
    return config;
  }

  private static void copy(JsonNode from, ObjectNode to, String field, String as) {
    if (from.hasNonNull(field)) {
      to.set(as, from.get(field).deepCopy());
    }
  }

  /** {@code namespaceSelector}: {@code any: true} is every namespace; {@code matchNames}; else the monitor's own. */
  private static void namespaces(ObjectNode sd, JsonNode selector, String own) {
    if (selector.path("any").asBoolean(false)) {
      return;
    }
    ArrayNode names = sd.putObject("namespaces").putArray("names");
    if (selector.path("matchNames").isArray() && !selector.path("matchNames").isEmpty()) {
      selector.path("matchNames").forEach(name -> names.add(name.asText()));
    } else {
      names.add(own);
    }
  }

  /** A LabelSelector on the discovered object's labels, as keep/drop rules. */
  private static void selector(ArrayNode relabel, JsonNode selector, String role) {
    String label = META + role + "_label_";
    String present = META + role + "_labelpresent_";
    selector.path("matchLabels").fields().forEachRemaining(entry -> {
      String key = PrometheusLabels.sanitize(entry.getKey());
      relabel.add(keep(List.of(label + key, present + key), "(" + literal(entry.getValue().asText()) + ");true"));
    });
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = PrometheusLabels.sanitize(expression.path("key").asText());
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(value -> values.add(literal(value.asText())));
      String any = "(" + String.join("|", values) + ");true";
      switch (expression.path("operator").asText()) {
        case "In" -> relabel.add(keep(List.of(label + key, present + key), any));
        case "NotIn" -> relabel.add(drop(List.of(label + key, present + key), any));
        case "Exists" -> relabel.add(keep(List.of(present + key), "true"));
        case "DoesNotExist" -> relabel.add(drop(List.of(present + key), "true"));
        default -> { } // refused as a whole by invalid()
      }
    }
  }

  private static void podTargetLabels(ArrayNode relabel, JsonNode spec) {
    for (JsonNode label : spec.path("podTargetLabels")) {
      relabel.add(rule(List.of(META + "pod_label_" + PrometheusLabels.sanitize(label.asText())),
          PrometheusLabels.sanitize(label.asText()), "(.+)", "${1}"));
    }
  }

  /** The endpoint's own relabelings and metric relabelings (camelCase → snake_case), and the monitor's limits. */
  private static void finish(ObjectNode config, ArrayNode relabel, JsonNode endpoint, JsonNode spec) {
    endpoint.path("relabelings").forEach(rule -> relabel.add(snakeCase(rule)));
    ArrayNode metric = JSON.createArrayNode();
    endpoint.path("metricRelabelings").forEach(rule -> metric.add(snakeCase(rule)));
    if (!metric.isEmpty()) {
      config.set("metric_relabel_configs", metric);
    }
    copy(spec, config, "sampleLimit", "sample_limit");
    copy(spec, config, "targetLimit", "target_limit");
    copy(spec, config, "labelLimit", "label_limit");
    copy(spec, config, "labelNameLengthLimit", "label_name_length_limit");
    copy(spec, config, "labelValueLengthLimit", "label_value_length_limit");
  }

  private static ObjectNode snakeCase(JsonNode rule) {
    ObjectNode out = JSON.createObjectNode();
    rule.fields().forEachRemaining(field -> {
      String name = field.getKey().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
      JsonNode value = field.getValue();
      if (value.isNull() || value.isTextual() && value.asText().isEmpty()) {
        return; // unset, as upstream writes it: Prometheus' default applies
      }
      out.set(name, name.equals("action") ? JSON.getNodeFactory().textNode(value.asText().toLowerCase(java.util.Locale.ROOT))
          : value.deepCopy());
    });
    return out;
  }

  private static ObjectNode rule(List<String> sources, String target, String regex, String replacement) {
    ObjectNode rule = JSON.createObjectNode();
    ArrayNode labels = rule.putArray("source_labels");
    sources.forEach(labels::add);
    if (sources.size() > 1) {
      rule.put("separator", ";");
    }
    if (regex != null) {
      rule.put("regex", regex);
    }
    if (replacement != null) {
      rule.put("replacement", replacement);
    }
    rule.put("target_label", target);
    return rule;
  }

  private static ObjectNode keep(List<String> sources, String regex) {
    return filter("keep", sources, regex);
  }

  private static ObjectNode drop(List<String> sources, String regex) {
    return filter("drop", sources, regex);
  }

  private static ObjectNode filter(String action, List<String> sources, String regex) {
    ObjectNode rule = JSON.createObjectNode().put("action", action);
    ArrayNode labels = rule.putArray("source_labels");
    sources.forEach(labels::add);
    return rule.put("regex", regex);
  }

  /** A value as a regex that matches only it (RE2 and Java both read a backslashed punctuation mark as itself). */
  static String literal(String value) {
    return value.replaceAll("[\\\\.+*?()|\\[\\]{}^$]", "\\\\$0");
  }
}
