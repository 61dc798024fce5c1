package dev.instrumentor.operator.targetallocator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.webhook.http.HttpEndpointServer.Request;
import dev.instrumentor.webhook.http.HttpEndpointServer.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The allocator's API in the shapes the prometheus receiver and the OpenTelemetry Operator's allocator use. */
class TargetAllocatorApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CONFIG = """
      collector_selector:
        matchlabels: {app.kubernetes.io/instance: metrics}
      collector_namespace: observability
      allocation_strategy: consistent-hashing
      config:
        scrape_configs:
          - job_name: static/backends
            scrape_interval: 15s
            static_configs:
              - targets: [10.0.0.1:9100, 10.0.0.2:9100, 10.0.0.3:9100, 10.0.0.4:9100]
                labels: {tier: backend}
          - job_name: pods
            kubernetes_sd_configs: [{role: pod}]
      """;

  private static JsonNode get(TargetAllocatorApi api, String path, String query) throws Exception {
    Response response = api.handle(new Request("GET", path, null, new byte[0], 0, false, query));
    assertThat(response.status()).as(path).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void theCollectorsSplitTheTargetsAndEachGetsItsOwnInHttpSdFormat() throws Exception {
    TargetAllocatorConfig config = TargetAllocatorConfig.parse(CONFIG);
    TargetDiscovery discovery = new TargetDiscovery(null, config, () -> { });
    List<CollectorPod> collectors = List.of(new CollectorPod("metrics-collector-0", "n1"),
        new CollectorPod("metrics-collector-1", "n1"), new CollectorPod("metrics-collector-2", "n1"));
    TargetAllocator.Snapshot snapshot = TargetAllocator.allocate(config.jobs(), discovery.targets(), collectors,
        AllocationStrategy.named("consistent-hashing"));
    TargetAllocatorApi api = new TargetAllocatorApi(config, () -> snapshot);

    JsonNode configs = get(api, "/scrape_configs", "");
    assertThat(configs.path("static/backends").path("scrape_interval").asText()).isEqualTo("15s");
    assertThat(configs.fieldNames()).toIterable().containsExactly("static/backends", "pods");
    assertThat(get(api, "/jobs", "").path("static/backends").path("_link").asText())
        .isEqualTo("/jobs/static%2Fbackends/targets");

    int total = 0;
    for (CollectorPod collector : collectors) {
      JsonNode groups = get(api, "/jobs/static%2Fbackends/targets", "collector_id=" + collector.name());
      for (JsonNode group : groups) {
        assertThat(group.path("targets")).hasSize(1);
        assertThat(group.path("labels").path("tier").asText()).isEqualTo("backend");
      }
      total += groups.size();
    }
    assertThat(total).as("each target served to exactly one collector").isEqualTo(4);
    assertThat(get(api, "/jobs/static%2Fbackends/targets", "collector_id=unknown")).isEmpty();
    assertThat(get(api, "/jobs/static%2Fbackends/targets", "").fieldNames()).toIterable()
        .containsExactly("metrics-collector-0", "metrics-collector-1", "metrics-collector-2");
  }

  @Test
  void readyOnlyOnceAssignedAndGetOnly() throws Exception {
    TargetAllocatorConfig config = TargetAllocatorConfig.parse(CONFIG);
    TargetAllocatorApi notYet = new TargetAllocatorApi(config, () -> TargetAllocator.Snapshot.EMPTY);
    assertThat(notYet.handle(new Request("GET", "/readyz", null, new byte[0], 0, false, "")).status()).isEqualTo(503);
    assertThat(notYet.handle(new Request("GET", "/livez", null, new byte[0], 0, false, "")).status()).isEqualTo(200);
    assertThat(notYet.handle(new Request("POST", "/scrape_configs", null, new byte[0], 0, false, "")).status())
        .isEqualTo(405);
    assertThat(notYet.handle(new Request("GET", "/nothing", null, new byte[0], 0, false, "")).status()).isEqualTo(404);
  }

  @Test
  void aConfigWithoutSelectorOrWithADuplicateJobIsRefusedByName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TargetAllocatorConfig.parse("collector_namespace: x"))
        .hasMessageContaining("collector_selector.matchLabels");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TargetAllocatorConfig.parse("""
        collector_selector: {matchLabels: {a: b}}
        collector_namespace: x
        config: {scrape_configs: [{job_name: a}, {job_name: a}]}
        """)).hasMessageContaining("job_name 'a' is used twice");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TargetAllocatorConfig.parse("""
        collector_selector: {matchLabels: {a: b}}
        collector_namespace: x
        allocation_strategy: random
        """)).hasMessageContaining("'random' is not one of");
  }

  @Test
  void unsupportedDiscoveryIsNamed() throws Exception {
    TargetAllocatorConfig config = TargetAllocatorConfig.parse("""
        collector_selector: {matchLabels: {a: b}}
        collector_namespace: x
        config:
          scrape_configs:
            - job_name: dns
              dns_sd_configs: [{names: [backend.example.com]}]
            - job_name: nodes
              kubernetes_sd_configs: [{role: node}]
        """);
    assertThat(new TargetDiscovery(null, config, () -> { }).problems())
        .containsExactlyInAnyOrder("job nodes: kubernetes_sd_configs role 'node' is not discovered (pod, endpointslice and"
            + " endpoints are)", "job dns: dns_sd_configs are not discovered by the target allocator");
  }

  @Test
  void secretsOfScrapeConfigsAreNotServedInTheClearUnlessAllowed() throws Exception {
    String yaml = """
        collector_selector: {matchLabels: {a: b}}
        collector_namespace: x
        config:
          scrape_configs:
            - job_name: guarded
              basic_auth: {username: scraper, password: hunter2}
              authorization: {credentials: token-1}
              oauth2: {client_id: id, client_secret: s3cret}
              tls_config: {key: "-----BEGIN KEY-----", insecure_skip_verify: false}
              static_configs: [{targets: [a:1]}]
        """;
    JsonNode redacted = get(new TargetAllocatorApi(TargetAllocatorConfig.parse(yaml), () -> TargetAllocator.Snapshot.EMPTY),
        "/scrape_configs", "").path("guarded");
    assertThat(redacted.path("basic_auth").path("username").asText()).isEqualTo("scraper");
    assertThat(List.of(redacted.path("basic_auth").path("password").asText(),
        redacted.path("authorization").path("credentials").asText(), redacted.path("oauth2").path("client_secret").asText(),
        redacted.path("tls_config").path("key").asText())).containsOnly("<secret>");
    JsonNode allowed = get(new TargetAllocatorApi(TargetAllocatorConfig.parse(yaml + "allow_insecure_auth_secrets: true\n"),
        () -> TargetAllocator.Snapshot.EMPTY), "/scrape_configs", "").path("guarded");
    assertThat(allowed.path("basic_auth").path("password").asText()).isEqualTo("hunter2");
  }

  @Test
  void aCollectorPodThatStaysUnreadyGivesUpItsTargetsAfterTheGracePeriod() {
    java.time.Instant now = java.time.Instant.parse("2026-12-02T12:00:00Z");
    java.util.function.BiFunction<String, String, io.fabric8.kubernetes.api.model.Pod> pod = (name, ready) ->
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
            metadata: {name: %s}
            spec: {nodeName: n1}
            status:
              phase: Running
              podIP: 10.0.0.1
              conditions: [{type: Ready, status: "%s", lastTransitionTime: "%s"}]
            """.formatted(name, ready.split("@")[0], ready.split("@")[1]), io.fabric8.kubernetes.api.model.Pod.class);
    List<CollectorPod> collectors = TargetAllocator.collectors(List.of(
        pod.apply("ready", "True@2026-12-02T11:00:00Z"),
        pod.apply("blip", "False@2026-12-02T11:59:50Z"),
        pod.apply("down", "False@2026-12-02T11:59:00Z")), now, TargetAllocatorConfig.DEFAULT_GRACE);
    assertThat(collectors).extracting(CollectorPod::name).containsExactly("blip", "ready");
  }

  @Test
  void durationsAsGoWritesThem() {
    assertThat(TargetAllocatorConfig.duration("f", "30s")).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(TargetAllocatorConfig.duration("f", "1m30s")).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(TargetAllocatorConfig.duration("f", "500ms")).isEqualTo(java.time.Duration.ofMillis(500));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TargetAllocatorConfig.duration("f", "30 seconds"))
        .hasMessageContaining("f: '30 seconds' is not a duration");
  }

  @Test
  void snapshotCountsWhatCouldNotBePlaced() {
    List<ScrapeTarget> targets = List.of(ScrapeTarget.of("j", "a:1", Map.of(), "n1"), ScrapeTarget.of("j", "b:1", Map.of(), "n9"));
    TargetAllocator.Snapshot snapshot = TargetAllocator.allocate(Map.of(), targets, List.of(new CollectorPod("c", "n1")),
        AllocationStrategy.named("per-node"));
    assertThat(snapshot.targets()).isEqualTo(2);
    assertThat(snapshot.unassigned()).isEqualTo(1);
    assertThat(snapshot.targets("j", "c")).extracting(ScrapeTarget::address).containsExactly("a:1");
  }
}
