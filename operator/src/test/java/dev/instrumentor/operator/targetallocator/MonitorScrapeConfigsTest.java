package dev.instrumentor.operator.targetallocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.instrumentor.webhook.json.LabelSelectors;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ServiceMonitors and PodMonitors as scrape configs, judged by what matters: which discovered targets their
 * relabeling keeps, and with which labels (Prometheus' relabeling run here on the labels discovery gives).
 */
class MonitorScrapeConfigsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final MonitorScrapeConfigs.Defaults DEFAULTS = new MonitorScrapeConfigs.Defaults("30s", false);

  private static final Pod POD = PrometheusLabelsTest.POD;
  private static final EndpointSlice SLICE = PrometheusLabelsTest.SLICE;
  private static final Service SERVICE = PrometheusLabelsTest.SERVICE;

  private static JsonNode yaml(String text) throws Exception {
    return YAML.readTree(text);
  }

  /** The labels of the target at {@code address} after the job's relabeling, or null when it is dropped. */
  private static Map<String, String> relabeled(JsonNode job, ScrapeTarget target) {
    Map<String, String> labels = new java.util.TreeMap<>(target.labels());
    labels.put("__address__", target.address());
    labels.put("job", job.path("job_name").asText());
    return Relabeling.parse(job.path("relabel_configs")).apply(labels);
  }

  @Test
  void aServiceMonitorKeepsItsServicesPortAndLabelsTargetsAsThePrometheusOperatorDoes() throws Exception {
    JsonNode monitor = yaml("""
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [front, edge]}]}
          targetLabels: [tier]
          podTargetLabels: [team]
          endpoints:
            - port: metrics
              interval: 5s
              metricRelabelings: [{sourceLabels: [__name__], regex: go_.*, action: Drop}]
            - port: http
              path: /stats
              scheme: HTTP
        """);
    MonitorScrapeConfigs.Result result = MonitorScrapeConfigs.serviceMonitor(monitor, DEFAULTS);
    assertThat(result.jobs().keySet()).containsExactly("serviceMonitor/shop/web/0", "serviceMonitor/shop/web/1");
    JsonNode metrics = result.jobs().get("serviceMonitor/shop/web/0");
    assertThat(metrics.path("scrape_interval").asText()).isEqualTo("5s");
    assertThat(metrics.path("kubernetes_sd_configs").get(0).path("role").asText()).as("as upstream's allocator")
        .isEqualTo("endpointslice");
    assertThat(metrics.path("kubernetes_sd_configs").get(0).path("namespaces").path("names").get(0).asText())
        .isEqualTo("shop");
    assertThat(metrics.path("metric_relabel_configs").get(0).path("source_labels").get(0).asText()).isEqualTo("__name__");
    assertThat(metrics.path("metric_relabel_configs").get(0).path("action").asText()).isEqualTo("drop");
    JsonNode stats = result.jobs().get("serviceMonitor/shop/web/1");
    assertThat(stats.path("metrics_path").asText()).isEqualTo("/stats");
    assertThat(stats.path("scheme").asText()).isEqualTo("http");
    assertThat(stats.path("scrape_interval").asText()).as("the default").isEqualTo("30s");

    var targets = PrometheusLabels.endpointSliceTargets("serviceMonitor/shop/web/0", SLICE, SERVICE, name -> POD, false);
    assertThat(targets).hasSize(2);
    ScrapeTarget onMetrics = targets.stream().filter(t -> t.address().endsWith(":9090")).findFirst().orElseThrow();
    ScrapeTarget onHttp = targets.stream().filter(t -> t.address().endsWith(":8080")).findFirst().orElseThrow();
    assertThat(relabeled(metrics, onHttp)).as("another port of the same Service").isNull();
    assertThat(relabeled(metrics, onMetrics)).containsEntry("namespace", "shop").containsEntry("service", "web")
        .containsEntry("pod", "web-7d9f-abcde").containsEntry("container", "app").containsEntry("job", "web")
        .containsEntry("endpoint", "metrics").containsEntry("tier", "front").containsEntry("team", "shop");

    Service other = Serialization.clone(SERVICE);
    other.getMetadata().setLabels(Map.of("app", "web", "tier", "back", "team", "shop"));
    var otherTargets = PrometheusLabels.endpointSliceTargets("serviceMonitor/shop/web/0", SLICE, other, name -> POD, false);
    assertThat(otherTargets).allSatisfy(t -> assertThat(relabeled(metrics, t)).as("tier not in the set").isNull());
  }

  @Test
  void aPodMonitorKeepsItsPodsPortAndNamesTheJobAfterItself() throws Exception {
    JsonNode monitor = yaml("""
        metadata: {name: web-pods, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          namespaceSelector: {any: true}
          podMetricsEndpoints:
            - port: metrics
              relabelings: [{targetLabel: source, replacement: podmonitor}]
        """);
    JsonNode job = MonitorScrapeConfigs.podMonitor(monitor, DEFAULTS).jobs().get("podMonitor/shop/web-pods/0");
    assertThat(job.path("kubernetes_sd_configs").get(0).has("namespaces")).as("any namespace").isFalse();
    var targets = PrometheusLabels.podTargets("podMonitor/shop/web-pods/0", POD);
    assertThat(targets).extracting(t -> relabeled(job, t) == null).containsExactly(false, true, true);
    assertThat(relabeled(job, targets.get(0))).containsEntry("job", "shop/web-pods").containsEntry("pod", "web-7d9f-abcde")
        .containsEntry("container", "app").containsEntry("endpoint", "metrics").containsEntry("source", "podmonitor")
        .containsEntry("namespace", "shop");

    Pod unlabelled = Serialization.clone(POD);
    unlabelled.getMetadata().setLabels(Map.of("app", "api"));
    assertThat(PrometheusLabels.podTargets("j", unlabelled)).allSatisfy(t -> assertThat(relabeled(job, t)).isNull());
    Pod done = Serialization.clone(POD);
    done.getStatus().setPhase("Succeeded");
    assertThat(PrometheusLabels.podTargets("j", done)).allSatisfy(t -> assertThat(relabeled(job, t)).isNull());
  }

  @Test
  void endpointsThatNeedSecretsOrFilesWhenDeniedAreLeftOutAndNamed() throws Exception {
    JsonNode monitor = yaml("""
        metadata: {name: guarded, namespace: shop}
        spec:
          selector: {}
          endpoints:
            - port: metrics
              basicAuth: {username: {name: creds, key: user}, password: {name: creds, key: pass}}
            - port: metrics
              bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
            - port: metrics
        """);
    MonitorScrapeConfigs.Result allowed = MonitorScrapeConfigs.serviceMonitor(monitor, DEFAULTS);
    assertThat(allowed.jobs().keySet()).containsExactly("serviceMonitor/shop/guarded/1", "serviceMonitor/shop/guarded/2");
    assertThat(allowed.jobs().get("serviceMonitor/shop/guarded/1").path("authorization").path("credentials_file")
        .asText()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
    assertThat(allowed.problems()).containsExactly("serviceMonitor/shop/guarded/0: left out: basicAuth needs credentials"
        + " from Secrets, which the allocator does not read");
    MonitorScrapeConfigs.Result denied = MonitorScrapeConfigs.serviceMonitor(monitor,
        new MonitorScrapeConfigs.Defaults("30s", true));
    assertThat(denied.jobs().keySet()).containsExactly("serviceMonitor/shop/guarded/2");
  }

  @Test
  void asThePrometheusOperatorReadsTheFineprint() throws Exception {
    // filterRunning: false keeps finished pods; portNumber gives no endpoint label; blank fields are unset
    JsonNode job = MonitorScrapeConfigs.podMonitor(yaml("""
        metadata: {name: batch, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          podMetricsEndpoints: [{portNumber: 9090, filterRunning: false, interval: "", path: "",
                                 bearerTokenSecret: {key: ""}, relabelings: [{targetLabel: x, replacement: y, regex: ""}]}]
        """), DEFAULTS).jobs().get("podMonitor/shop/batch/0");
    assertThat(job).as("an empty bearerTokenSecret, as Go clients write it, is no Secret").isNotNull();
    assertThat(job.path("scrape_interval").asText()).isEqualTo("30s");
    assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
    Pod done = Serialization.clone(POD);
    done.getStatus().setPhase("Succeeded");
    Map<String, String> kept = relabeled(job, PrometheusLabels.podTargets("j", done).get(0));
    assertThat(kept).as("filterRunning: false").isNotNull().doesNotContainKey("endpoint").containsEntry("x", "y");

    // jobLabel: the job named after a label of the Service
    JsonNode byTier = MonitorScrapeConfigs.serviceMonitor(yaml("""
        metadata: {name: web, namespace: shop}
        spec: {selector: {}, jobLabel: tier, endpoints: [{port: metrics}]}
        """), DEFAULTS).jobs().get("serviceMonitor/shop/web/0");
    assertThat(relabeled(byTier, PrometheusLabels.endpointSliceTargets("j", SLICE, SERVICE, n -> POD, false).get(0)))
        .containsEntry("job", "front").containsEntry("endpoint", "metrics");

    // a monitor with a selector the API would refuse, or a relabeling Prometheus would, is left out whole
    MonitorScrapeConfigs.Result bad = MonitorScrapeConfigs.serviceMonitor(yaml("""
        metadata: {name: bad, namespace: shop}
        spec:
          selector: {matchExpressions: [{key: app, operator: In, values: []}]}
          endpoints: [{port: metrics}]
        """), DEFAULTS);
    assertThat(bad.jobs()).isEmpty();
    assertThat(bad.problems()).containsExactly("serviceMonitor/shop/bad: left out: selector: In on 'app' needs values");
    assertThat(MonitorScrapeConfigs.serviceMonitor(yaml("""
        metadata: {name: lookahead, namespace: shop}
        spec:
          selector: {}
          endpoints: [{port: metrics, relabelings: [{sourceLabels: [a], regex: "(?!x).*", action: keep}]}]
        """), DEFAULTS).problems()).singleElement().asString().contains("is not RE2");
  }

  @Test
  void aTargetPortTheServiceDoesNotListIsStillFoundOnItsPods() throws Exception {
    EndpointSlice metricsOnly = Serialization.clone(SLICE);
    metricsOnly.setPorts(List.of(SLICE.getPorts().get(0)));
    JsonNode job = MonitorScrapeConfigs.serviceMonitor(yaml("""
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          endpoints: [{targetPort: http}]
        """), DEFAULTS).jobs().get("serviceMonitor/shop/web/0");
    var targets = PrometheusLabels.endpointSliceTargets("j", metricsOnly, SERVICE, name -> POD, false);
    assertThat(targets).extracting(ScrapeTarget::address).containsExactlyInAnyOrder("10.88.0.7:9090", "10.88.0.7:8080");
    assertThat(targets).filteredOn(t -> relabeled(job, t) != null).singleElement()
        .satisfies(t -> assertThat(t.address()).isEqualTo("10.88.0.7:8080"));
  }

  @Test
  void re2RegexesReadAsGoReadsThem() throws Exception {
    assertThat(Relabeling.parse(yaml("[{source_labels: [a], regex: '[[:digit:]]+', action: keep}]"))
        .apply(Map.of("a", "123"))).as("a POSIX class, as RE2 reads it").isNotNull();
    assertThat(Relabeling.java("(?P<n>x)[[:alpha:]]")).isEqualTo("(?<n>x)[\\p{Alpha}]");
    assertThatThrownBy(() -> Relabeling.java("(a)\\1")).hasMessageContaining("is not RE2");
  }

  @Test
  void relabelingAsPrometheusDoesIt() throws Exception {
    Relabeling relabeling = Relabeling.parse(yaml("""
        - {source_labels: [a, b], separator: "-", regex: "(x)-(y)", target_label: ab, replacement: "${2}$1"}
        - {action: labelmap, regex: "__meta_(.+)", replacement: "m_$1"}
        - {action: labeldrop, regex: "__meta_.*"}
        - {source_labels: [ab], target_label: ab_upper, action: uppercase}
        - {source_labels: [a], target_label: shard, modulus: 4, action: hashmod}
        - {source_labels: [missing], target_label: a}
        """));
    Map<String, String> out = relabeling.apply(Map.of("a", "x", "b", "y", "__meta_zone", "z1"));
    assertThat(out).containsEntry("ab", "yx").containsEntry("m_zone", "z1").containsEntry("ab_upper", "YX")
        .doesNotContainKey("__meta_zone").doesNotContainKey("a").containsKey("shard");
    assertThat(Integer.parseInt(out.get("shard"))).isBetween(0, 3);
    assertThat(Relabeling.parse(yaml("[{source_labels: [a], regex: x, action: keep}]")).apply(Map.of("a", "xx")))
        .as("anchored").isNull();
    assertThat(Relabeling.parse(yaml("[{source_labels: [a], target_label: b, action: keepequal}]"))
        .apply(Map.of("a", "1", "b", "1"))).isNotNull();
    assertThatThrownBy(() -> Relabeling.parse(yaml("[{action: keep, regex: '('}]")))
        .hasMessageStartingWith("relabel_configs[0]: regex:");
    assertThatThrownBy(() -> Relabeling.parse(yaml("[{action: explode}]")))
        .hasMessage("relabel_configs[0]: unknown action 'explode'");
  }

  @Test
  void labelSelectorsAsJson() throws Exception {
    JsonNode selector = yaml("{matchLabels: {team: a}, matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}");
    assertThat(LabelSelectors.matches(selector, Map.of("team", "a", "env", "prod"), false)).isTrue();
    assertThat(LabelSelectors.matches(selector, Map.of("team", "a", "env", "dev"), false)).isFalse();
    assertThat(LabelSelectors.matches(yaml("{}"), Map.of(), false)).as("empty: all").isTrue();
    assertThat(LabelSelectors.matches(null, Map.of(), false)).as("absent monitor selector: none").isFalse();
    assertThat(LabelSelectors.matches(null, Map.of(), true)).as("absent namespace selector: all").isTrue();
  }

  @Test
  void theConfigFileReadsPrometheusCrAsUpstreamWritesIt() throws Exception {
    TargetAllocatorConfig config = TargetAllocatorConfig.parse("""
        collector_selector: {matchlabels: {a: b}}
        collector_namespace: observability
        filter_strategy: relabel-config
        prometheus_cr:
          enabled: true
          scrape_interval: 15s
          service_monitor_selector: {matchlabels: {team: a}}
          pod_monitor_selector: null
          deny_namespaces: [kube-system]
        """);
    assertThat(config.relabelFilter()).isTrue();
    assertThat(config.prometheusCr().scrapeInterval()).isEqualTo("15s");
    assertThat(config.prometheusCr().podMonitorSelector()).isNull();
    assertThat(LabelSelectors.matches(config.prometheusCr().serviceMonitorSelector(), Map.of("team", "a"), false)).isTrue();
    assertThat(config.prometheusCr().denyNamespaces()).containsExactly("kube-system");
    assertThatThrownBy(() -> TargetAllocatorConfig.parse("""
        collector_selector: {matchlabels: {a: b}}
        collector_namespace: observability
        filter_strategy: magic
        """)).hasMessageContaining("filter_strategy: 'magic' is not known");
  }
}
