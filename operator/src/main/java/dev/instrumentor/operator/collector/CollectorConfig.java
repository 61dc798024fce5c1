package dev.instrumentor.operator.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenTelemetry Collector configuration, checked before rollout: every component a pipeline
 * names is defined, pipeline types are known, listening ports are valid and unique; and the ports
 * the collector listens on, derived from the receivers (and listening exporters) in use.
 */
public final class CollectorConfig {

  static final Set<String> PIPELINE_TYPES = Set.of("traces", "metrics", "logs", "profiles");
  private static final List<String> SECTIONS = List.of("receivers", "processors", "exporters", "connectors", "extensions");
  /** The collector's own metrics, unless service.telemetry says otherwise. */
  public static final int DEFAULT_MONITORING_PORT = 8888;

  private final JsonNode config;
  private final List<String> problems = new ArrayList<>();
  private final List<CollectorPort> ports = new ArrayList<>();
  private final Map<String, Set<String>> defined = new HashMap<>();
  private final Set<String> usedReceivers = new LinkedHashSet<>();
  private final Set<String> usedExporters = new LinkedHashSet<>();
  private final Set<String> usedProcessors = new LinkedHashSet<>();

  private CollectorConfig(JsonNode config) {
    this.config = config;
  }

  /** Parses and checks {@code config} (the TelemetryCollector's {@code spec.config}). */
  public static CollectorConfig of(JsonNode config) {
    CollectorConfig result = new CollectorConfig(config);
    result.check();
    return result;
  }

  /** The component ids defined in {@code section} (receivers, processors, ...), unordered. */
  public Set<String> defined(String section) {
    return Set.copyOf(defined.getOrDefault(section, Set.of()));
  }

  /** What is wrong, each naming the component or pipeline; empty when valid. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  /** The ports of receivers and exporters used in pipelines, in a stable order. */
  public List<CollectorPort> ports() {
    return List.copyOf(ports);
  }

  /** The port of the collector's own metrics. */
  public int monitoringPort() {
    JsonNode metrics = config.path("service").path("telemetry").path("metrics");
    Integer port = port(metrics.path("address").asText(null));
    if (port != null) {
      return port;
    }
    for (JsonNode reader : metrics.path("readers")) {
      JsonNode prometheus = reader.path("pull").path("exporter").path("prometheus");
      if (prometheus.path("port").canConvertToInt()) {
        return prometheus.path("port").asInt();
      }
    }
    return DEFAULT_MONITORING_PORT;
  }

  /** Whether a pipeline uses a processor of {@code type} (e.g. {@code tail_sampling}). */
  public boolean usesProcessor(String type) {
    return uses(usedProcessors, type);
  }

  /** The ids of the receivers of {@code type} that pipelines use (e.g. {@code prometheus}, {@code prometheus/pods}). */
  public List<String> receiversOfType(String type) {
    return usedReceivers.stream().filter(id -> {
      ComponentId parsed = ComponentId.parse(id);
      return parsed != null && parsed.type().equals(type);
    }).toList();
  }

  /** Whether a pipeline uses a receiver of {@code type} (e.g. {@code kubeletstats}). */
  public boolean usesReceiver(String type) {
    return uses(usedReceivers, type);
  }

  private static boolean uses(Set<String> ids, String type) {
    return ids.stream().map(ComponentId::parse).anyMatch(id -> id != null && id.type().equals(type));
  }

  static final int JAEGER_QUERY_PORT = 16686;

  /**
   * The ports of the extensions the service enables that serve clients outside the pod, as upstream exposes them:
   * {@code jaeger_query} (Jaeger v2's UI and API: {@code http.endpoint}, 16686 by default, and {@code grpc.endpoint}
   * when it is set to another port).
   */
  public List<CollectorPort> extensionPorts() {
    List<CollectorPort> found = new ArrayList<>();
    for (JsonNode extension : config == null ? List.<JsonNode>of() : config.path("service").path("extensions")) {
      ComponentId id = ComponentId.parse(extension.asText());
      if (id == null || !id.type().equals("jaeger_query")) {
        continue;
      }
      JsonNode settings = config.path("extensions").path(extension.asText());
      Integer http = port(settings.path("http").path("endpoint").asText(null));
      int httpPort = http != null ? http : JAEGER_QUERY_PORT;
      found.add(new CollectorPort(truncated(portName(id, null)), httpPort, "TCP", "http",
          "extensions." + extension.asText()));
      Integer grpc = port(settings.path("grpc").path("endpoint").asText(null));
      if (grpc != null && grpc != httpPort) {
        found.add(new CollectorPort(truncated(portName(id, null) + "-2"), grpc, "TCP", "grpc",
            "extensions." + extension.asText()));
      }
    }
    return found;
  }

  /** A port name within the 15 characters Kubernetes allows, not ending in '-'. */
  private static String truncated(String name) {
    return name.length() <= 15 ? name : name.substring(0, 15).replaceAll("-+$", "");
  }

  /** The port of the health_check extension when the service enables it, else null. */
  public Integer healthCheckPort() {
    for (JsonNode extension : config.path("service").path("extensions")) {
      ComponentId id = ComponentId.parse(extension.asText());
      if (id != null && id.type().equals("health_check")) {
        JsonNode settings = config.path("extensions").path(extension.asText());
        Integer port = port(settings.path("endpoint").asText(null));
        return port != null ? port : 13133;
      }
    }
    return null;
  }

  /** The path the health_check extension answers on ({@code path}, default {@code /}), when the service enables it. */
  public String healthCheckPath() {
    for (JsonNode extension : config.path("service").path("extensions")) {
      ComponentId id = ComponentId.parse(extension.asText());
      if (id != null && id.type().equals("health_check")) {
        String path = config.path("extensions").path(extension.asText()).path("path").asText("");
        return path.isBlank() ? "/" : path;
      }
    }
    return "/";
  }

  /** The config as the collector gets it, and what was defaulted in it (paths, e.g. {@code receivers.otlp.protocols.grpc.endpoint}). */
  public record Rendered(JsonNode config, List<String> defaulted) {
  }

  private static final String ALL_INTERFACES = "0.0.0.0";

  /**
   * The config with the listeners a Service or probe must reach bound to all interfaces where the user
   * wrote no address: current collectors bind receivers, {@code health_check} and their own metrics to
   * localhost by default, which no Service, probe or scraper outside the pod reaches (as the
   * OpenTelemetry Operator, which does the same). A sidecar ({@code network} false) is reached on
   * localhost: its config is kept as written.
   */
  public Rendered render(boolean network) {
    if (!network || config == null || !config.isObject()) {
      return new Rendered(config, List.of());
    }
    ObjectNode copy = (ObjectNode) config.deepCopy();
    List<String> defaulted = new ArrayList<>();
    for (String receiver : usedReceivers) {
      ComponentId id = ComponentId.parse(receiver);
      if (id == null) {
        continue;
      }
      Map<String, Default> protocols = PROTOCOL_DEFAULTS.get(id.type());
      if (protocols != null) {
        JsonNode configured = copy.path("receivers").path(receiver).path("protocols");
        if (!configured.isObject()) {
          continue;
        }
        List<String> keys = new ArrayList<>(protocols.keySet());
        keys.sort(null);
        for (String protocol : keys) {
          if (configured.has(protocol)) {
            ObjectNode settings = object((ObjectNode)
                configured, protocol);
            defaultEndpoint(settings, protocols.get(protocol).port(),
                "receivers." + receiver + ".protocols." + protocol + ".endpoint", defaulted);
          }
        }
      } else if (ENDPOINT_DEFAULTS.containsKey(id.type())) {
        ObjectNode receivers = (ObjectNode) copy.path("receivers");
        defaultEndpoint(object(receivers, receiver), ENDPOINT_DEFAULTS.get(id.type()).port(),
            "receivers." + receiver + ".endpoint", defaulted);
      }
    }
    for (JsonNode extension : copy.path("service").path("extensions")) {
      ComponentId id = ComponentId.parse(extension.asText());
      if (id != null && id.type().equals("health_check") && copy.path("extensions").isObject()) {
        defaultEndpoint(object((ObjectNode) copy.path("extensions"), extension.asText()),
            13133, "extensions." + extension.asText() + ".endpoint", defaulted);
      }
      if (id != null && id.type().equals("jaeger_query") && copy.path("extensions").isObject()) {
        // as upstream: Jaeger's UI and API reachable through the <name>-collector-extension Service
        ObjectNode settings = object((ObjectNode) copy.path("extensions"), extension.asText());
        defaultEndpoint(object(settings, "http"), JAEGER_QUERY_PORT,
            "extensions." + extension.asText() + ".http.endpoint", defaulted);
      }
    }
    JsonNode metrics = copy.path("service").path("telemetry").path("metrics");
    if (copy.path("service").isObject() && !"none".equals(metrics.path("level").asText())
        && !metrics.has("address") && !metrics.has("readers")) {
      ObjectNode telemetry = object(
          (ObjectNode) copy.path("service"), "telemetry");
      ObjectNode metricsNode = object(telemetry, "metrics");
      metricsNode.putArray("readers").addObject().putObject("pull").putObject("exporter").putObject("prometheus")
          .put("host", ALL_INTERFACES).put("port", DEFAULT_MONITORING_PORT);
      defaulted.add("service.telemetry.metrics.readers");
    }
    return new Rendered(copy, List.copyOf(defaulted));
  }

  /** {@code parent.name} as an object: created when absent or null (YAML {@code grpc:}). */
  private static ObjectNode object(ObjectNode parent,
      String name) {
    JsonNode child = parent.get(name);
    if (child instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(name);
  }

  private static void defaultEndpoint(ObjectNode settings, int port, String path,
      List<String> defaulted) {
    JsonNode endpoint = settings.get("endpoint");
    if (endpoint == null || endpoint.isNull() || endpoint.asText().isEmpty()) {
      settings.put("endpoint", ALL_INTERFACES + ":" + port);
      defaulted.add(path);
    }
  }

  private void check() {
    if (config == null || !config.isObject()) {
      problems.add("config: must be a map with receivers, exporters and service.pipelines");
      return;
    }
    for (String section : SECTIONS) {
      Set<String> ids = new LinkedHashSet<>();
      JsonNode components = config.path(section);
      if (!components.isMissingNode() && !components.isNull() && !components.isObject()) {
        problems.add(section + ": must be a map of component id to settings");
        defined.put(section, ids);
        continue;
      }
      for (Iterator<String> it = components.fieldNames(); it.hasNext(); ) {
        String id = it.next();
        if (ComponentId.parse(id) == null) {
          problems.add(section + "." + id + ": not a valid component id (type or type/name)");
        }
        ids.add(id);
      }
      defined.put(section, ids);
    }
    checkPipelines();
    checkExtensions();
    derivePorts();
  }

  private void checkPipelines() {
    JsonNode pipelines = config.path("service").path("pipelines");
    if (!pipelines.isObject() || pipelines.isEmpty()) {
      problems.add("service.pipelines: at least one pipeline is required");
      return;
    }
    Set<String> connectorsAsReceiver = new HashSet<>();
    Set<String> connectorsAsExporter = new HashSet<>();
    for (Map.Entry<String, JsonNode> pipeline : pipelines.properties()) {
      String at = "service.pipelines." + pipeline.getKey();
      ComponentId id = ComponentId.parse(pipeline.getKey());
      if (id == null || !PIPELINE_TYPES.contains(id.type())) {
        problems.add(at + ": unknown pipeline type (use traces, metrics, logs or profiles, optionally /name)");
        continue;
      }
      List<String> receivers = list(at, pipeline.getValue(), "receivers", true);
      List<String> processors = list(at, pipeline.getValue(), "processors", false);
      List<String> exporters = list(at, pipeline.getValue(), "exporters", true);
      for (String receiver : receivers) {
        if (defined.get("connectors").contains(receiver)) {
          connectorsAsReceiver.add(receiver);
        } else if (defined.get("receivers").contains(receiver)) {
          usedReceivers.add(receiver);
        } else {
          problems.add(at + ": receiver \"" + receiver + "\" is not defined in receivers or connectors");
        }
      }
      for (String processor : processors) {
        usedProcessors.add(processor);
        if (!defined.get("processors").contains(processor)) {
          problems.add(at + ": processor \"" + processor + "\" is not defined in processors");
        }
      }
      for (String exporter : exporters) {
        if (defined.get("connectors").contains(exporter)) {
          connectorsAsExporter.add(exporter);
        } else if (defined.get("exporters").contains(exporter)) {
          usedExporters.add(exporter);
        } else {
          problems.add(at + ": exporter \"" + exporter + "\" is not defined in exporters or connectors");
        }
      }
    }
    for (String connector : connectorsAsExporter) {
      if (!connectorsAsReceiver.contains(connector)) {
        problems.add("connectors." + connector + ": used as an exporter but not as a receiver in any pipeline");
      }
    }
    for (String connector : connectorsAsReceiver) {
      if (!connectorsAsExporter.contains(connector)) {
        problems.add("connectors." + connector + ": used as a receiver but not as an exporter in any pipeline");
      }
    }
  }

  private List<String> list(String at, JsonNode pipeline, String field, boolean required) {
    JsonNode node = pipeline.path(field);
    List<String> ids = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        problems.add(at + "." + field + ": at least one is required");
      }
      return ids;
    }
    if (!node.isArray()) {
      problems.add(at + "." + field + ": must be a list of component ids");
      return ids;
    }
    node.forEach(item -> ids.add(item.asText()));
    if (required && ids.isEmpty()) {
      problems.add(at + "." + field + ": at least one is required");
    }
    return ids;
  }

  private void checkExtensions() {
    JsonNode extensions = config.path("service").path("extensions");
    if (extensions.isMissingNode() || extensions.isNull()) {
      return;
    }
    if (!extensions.isArray()) {
      problems.add("service.extensions: must be a list of extension ids");
      return;
    }
    for (JsonNode extension : extensions) {
      if (!defined.get("extensions").contains(extension.asText())) {
        problems.add("service.extensions: extension \"" + extension.asText() + "\" is not defined in extensions");
      }
    }
  }

  // ---- ports

  /** Well-known default ports: component type -> protocol key -> (port, transport, appProtocol). */
  private record Default(int port, String transport, String appProtocol) {
  }

  private static final Map<String, Map<String, Default>> PROTOCOL_DEFAULTS = Map.of(
      "otlp", Map.of("grpc", new Default(4317, "TCP", "grpc"), "http", new Default(4318, "TCP", "http")),
      "jaeger", Map.of("grpc", new Default(14250, "TCP", "grpc"), "thrift_http", new Default(14268, "TCP", "http"),
          "thrift_compact", new Default(6831, "UDP", null), "thrift_binary", new Default(6832, "UDP", null)),
      "skywalking", Map.of("grpc", new Default(11800, "TCP", "grpc"), "http", new Default(12800, "TCP", "http")));

  private static final Map<String, Default> ENDPOINT_DEFAULTS = Map.of(
      "zipkin", new Default(9411, "TCP", "http"),
      "opencensus", new Default(55678, "TCP", "grpc"),
      "signalfx", new Default(9943, "TCP", "http"),
      "splunk_hec", new Default(8088, "TCP", "http"),
      "datadog", new Default(8126, "TCP", "http"),
      "loki", new Default(3500, "TCP", "http"),
      "influxdb", new Default(8086, "TCP", "http"));

  private void derivePorts() {
    List<CollectorPort> found = new ArrayList<>();
    for (String receiver : usedReceivers) {
      found.addAll(listening("receivers", receiver, true));
    }
    for (String exporter : usedExporters) {
      ComponentId id = ComponentId.parse(exporter);
      if (id != null && id.type().equals("prometheus")) {
        found.addAll(listening("exporters", exporter, false));
      }
    }
    found.sort(Comparator.comparing(CollectorPort::component).thenComparing(CollectorPort::port));
    Map<String, CollectorPort> byNumber = new LinkedHashMap<>();
    for (CollectorPort port : found) {
      String key = port.port() + "/" + port.protocol();
      CollectorPort clash = byNumber.get(key);
      if (clash != null) {
        problems.add(port.component() + ": port " + port.port() + " is also used by " + clash.component());
        continue;
      }
      byNumber.put(key, port);
    }
    Set<String> names = new HashSet<>();
    for (CollectorPort port : byNumber.values()) {
      String name = port.name();
      if (name.length() > 15 || !names.add(name)) {
        name = "port-" + port.port();
        names.add(name);
      }
      ports.add(new CollectorPort(name, port.port(), port.protocol(), port.appProtocol(), port.component()));
    }
  }

  private List<CollectorPort> listening(String section, String idText, boolean receiver) {
    ComponentId id = ComponentId.parse(idText);
    JsonNode settings = config.path(section).path(idText);
    String component = section + "." + idText;
    List<CollectorPort> result = new ArrayList<>();
    if (id == null) {
      return result;
    }
    Map<String, Default> protocols = PROTOCOL_DEFAULTS.get(id.type());
    if (protocols != null && receiver) {
      JsonNode configured = settings.path("protocols");
      List<String> keys = new ArrayList<>(protocols.keySet());
      keys.sort(null);
      for (String protocol : keys) {
        if (configured.has(protocol)) {
          Default fallback = protocols.get(protocol);
          Integer port = portOf(component + ".protocols." + protocol, configured.path(protocol).path("endpoint"), fallback.port());
          if (port != null) {
            result.add(new CollectorPort(portName(id, protocol), port, fallback.transport(), fallback.appProtocol(), component));
          }
        }
      }
      return result;
    }
    Default fallback = ENDPOINT_DEFAULTS.get(id.type());
    JsonNode endpoint = settings.path("endpoint");
    if (endpoint.isMissingNode() || endpoint.isNull()) {
      endpoint = settings.path("listen_address");
    }
    Integer port = portOf(component, endpoint, fallback == null ? null : fallback.port());
    if (port != null) {
      String transport = id.type().startsWith("udp") ? "UDP" : "TCP";
      result.add(new CollectorPort(portName(id, null), port, transport,
          fallback == null ? null : fallback.appProtocol(), component));
    }
    return result;
  }

  /** The port of an endpoint setting; the default when absent; null (and a problem when malformed) otherwise. */
  private Integer portOf(String component, JsonNode endpoint, Integer fallback) {
    if (endpoint.isMissingNode() || endpoint.isNull() || endpoint.asText().isEmpty()) {
      return fallback;
    }
    String text = endpoint.asText();
    if (text.contains("${")) {
      Integer port = port(text);
      return port; // a port given through an environment variable cannot be known here
    }
    Integer port = port(text);
    if (port == null) {
      problems.add(component + ".endpoint: \"" + text + "\" has no valid port (1-65535)");
    }
    return port;
  }

  /** The port of {@code host:port}, {@code :port} or {@code port}; null when absent or invalid. */
  static Integer port(String endpoint) {
    if (endpoint == null || endpoint.isEmpty()) {
      return null;
    }
    int colon = endpoint.lastIndexOf(':');
    String digits = colon < 0 ? endpoint : endpoint.substring(colon + 1);
    int slash = digits.indexOf('/');
    if (slash >= 0) {
      digits = digits.substring(0, slash);
    }
    try {
      int port = Integer.parseInt(digits);
      return port >= 1 && port <= 65535 ? port : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String portName(ComponentId id, String protocol) {
    String base = id.name().isEmpty() ? id.type() : id.type() + "-" + id.name();
    if (protocol != null) {
      base = base + "-" + protocol.replace("thrift_", "");
    }
    String name = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-");
    return name.replaceAll("^-|-$", "");
  }
}
