package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.http.HttpEndpointServer.Handler;
import dev.instrumentor.webhook.http.HttpEndpointServer.Request;
import dev.instrumentor.webhook.http.HttpEndpointServer.Response;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The HTTP API the collector's prometheus receiver speaks to a target allocator, as the OpenTelemetry Operator's
 * allocator serves it: {@code /scrape_configs} (job name to scrape config), {@code /jobs},
 * {@code /jobs/<job>/targets?collector_id=<pod>} (that pod's targets of that job in http_sd format:
 * {@code [{"targets": [address], "labels": {...}}]}), without {@code collector_id} every collector's; and
 * {@code /livez}, {@code /readyz} (ready once the first assignment is made).
 */
public final class TargetAllocatorApi implements Handler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TargetAllocatorConfig config;
  private final Supplier<TargetAllocator.Snapshot> snapshot;

  public TargetAllocatorApi(TargetAllocatorConfig config, Supplier<TargetAllocator.Snapshot> snapshot) {
    this.config = config;
    this.snapshot = snapshot;
  }

  @Override
  public Response handle(Request request) {
    if (!request.method().equals("GET")) {
      return new Response(405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8),
          Map.of("Allow", "GET"));
    }
    String path = request.path();
    TargetAllocator.Snapshot now = snapshot.get();
    try {
      return switch (path) {
        case "/livez" -> Response.text(200, "ok\n");
        case "/readyz" -> now.ready() ? Response.text(200, "ok\n") : Response.text(503, "no assignment yet\n");
        case "/scrape_configs" -> json(scrapeConfigs(jobs(now)));
        case "/jobs" -> json(jobLinks(jobs(now)));
        default -> targets(path, request.query(), now);
      };
    } catch (JsonProcessingException e) {
      return Response.text(500, "could not encode the answer\n");
    }
  }

  /** Fields of Prometheus' HTTP client config that hold a secret. */
  private static final java.util.Set<String> SECRETS = java.util.Set.of("password", "credentials", "bearer_token",
      "client_secret");

  /**
   * The scrape configs, their secrets (basic_auth password, authorization credentials, bearer tokens, OAuth2 client
   * secrets, TLS keys written inline) shown as {@code <secret>} unless {@code allow_insecure_auth_secrets}: this API
   * is plain HTTP to anyone in the cluster, as upstream's is without TLS.
   */
  private ObjectNode scrapeConfigs(Map<String, com.fasterxml.jackson.databind.JsonNode> jobs) {
    ObjectNode configs = JSON.valueToTree(jobs);
    if (!config.allowInsecureAuthSecrets()) {
      redact(configs, false);
    }
    return configs;
  }

  private static void redact(com.fasterxml.jackson.databind.JsonNode node, boolean inTls) {
    if (node instanceof ObjectNode object) {
      List<String> names = new java.util.ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (object.get(name).isTextual() && (SECRETS.contains(name) || inTls && name.equals("key"))) {
          object.put(name, "<secret>");
        } else {
          redact(object.get(name), name.equals("tls_config"));
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(element -> redact(element, false));
    }
  }

  /** The jobs of the last assignment (the receiver's and the monitors'), or the receiver's before the first. */
  private Map<String, com.fasterxml.jackson.databind.JsonNode> jobs(TargetAllocator.Snapshot now) {
    return now.ready() ? now.jobs() : config.jobs();
  }

  private static ObjectNode jobLinks(Map<String, com.fasterxml.jackson.databind.JsonNode> names) {
    ObjectNode jobs = JSON.createObjectNode();
    for (String job : names.keySet()) {
      jobs.putObject(job).put("_link", "/jobs/" + URLEncoder.encode(job, StandardCharsets.UTF_8) + "/targets");
    }
    return jobs;
  }

  private Response targets(String path, String query, TargetAllocator.Snapshot now) throws JsonProcessingException {
    if (!path.startsWith("/jobs/") || !path.endsWith("/targets")) {
      return Response.text(404, "not found\n");
    }
    String job = URLDecoder.decode(path.substring("/jobs/".length(), path.length() - "/targets".length()),
        StandardCharsets.UTF_8);
    String collector = parameter(query, "collector_id");
    if (collector != null) {
      return json(groups(now.targets(job, collector)));
    }
    ObjectNode all = JSON.createObjectNode();
    for (CollectorPod pod : now.collectors()) {
      ObjectNode entry = all.putObject(pod.name());
      entry.put("_link", "/jobs/" + URLEncoder.encode(job, StandardCharsets.UTF_8) + "/targets?collector_id=" + pod.name());
      entry.set("targets", groups(now.targets(job, pod.name())));
    }
    return json(all);
  }

  /** http_sd's format: one group per target, its labels the discovered ones. */
  static ArrayNode groups(List<ScrapeTarget> targets) {
    ArrayNode groups = JSON.createArrayNode();
    targets.stream().sorted(java.util.Comparator.comparing(ScrapeTarget::address)).forEach(target -> {
      ObjectNode group = groups.addObject();
      group.putArray("targets").add(target.address());
      ObjectNode labels = group.putObject("labels");
      new TreeMap<>(target.labels()).forEach(labels::put);
    });
    return groups;
  }

  private static String parameter(String query, String name) {
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static Response json(Object body) throws JsonProcessingException {
    return new Response(200, "application/json", JSON.writeValueAsBytes(body), Map.of());
  }
}
