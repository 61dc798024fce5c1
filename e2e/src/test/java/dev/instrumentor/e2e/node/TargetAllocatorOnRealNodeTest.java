package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.e2e.harness.ChartRelease;
import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeImages;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.harness.UpstreamOperator;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedMetric;
import dev.instrumentor.operator.runtime.OperatorConfig;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A statefulset collector of three replicas with a target allocator, on the real node: the allocator (our image's
 * {@code target-allocator} command, in a pod, under the chart's ClusterRole) discovers nine pods that serve
 * {@code /metrics} three ways: the collector's own {@code kubernetes_sd_configs}, a ServiceMonitor (their Service)
 * and a PodMonitor (the Prometheus Operator's real CRDs; a ServiceMonitor its selector leaves out is not scraped);
 * the collector (built here with the prometheus receiver) asks it for its share, every target is scraped by exactly
 * one replica, with the labels the monitors give, and when the collector scales down to two its targets move to
 * the others.
 */
class TargetAllocatorOnRealNodeTest extends OnRealNode {

  private static final String ROLE = "instrumentor-collector-target-allocator";
  /**
   * Pods serving metrics: each of the three jobs has one target per pod; targets are hashed by address, so the
   * leaving replica has none of them in (2/3)^9, under 3 % of runs (the test says so when it happens).
   */
  private static final int TARGETS = 9;

  private static OtlpHttpReceiver sink;
  private static OperatorConfig before;
  private static boolean roleCreated;
  private static List<String> crds = List.of();
  /** The jobs as the sink sees them (service.name): the receiver's own, the ServiceMonitor's, the PodMonitor's. */
  private static final String SD_JOB = "pods-sd";
  private static final String SERVICE_MONITOR_JOB = "targets";

  @BeforeAll
  static void start() throws Exception {
    sink = new OtlpHttpReceiver(KubeNode.ADDRESS);
    // as the chart runs it: allocators run the operator's image, configs are validated by the collector image
    before = ((RealCluster) cluster).restartOperator(config -> config.withCollectorConfigValidation(true)
        .withTargetAllocatorImage(NodeImages.OPERATOR));
    // the chart's ClusterRole for allocators, as the chart renders it (the operator binds it, as under the chart)
    if (client.rbac().clusterRoles().withName(ROLE).get() == null) {
      HasMetadata role = ChartRelease.render("instrumentor", "instrumentor-system", "v1.37.2", Map.of()).objects().stream()
          .filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(ROLE)).findFirst().orElseThrow();
      client.resource(role).create();
      roleCreated = true;
    }
    crds = UpstreamOperator.installPrometheusOperatorCrds(client, "servicemonitors", "podmonitors");
  }

  @AfterAll
  static void stop() {
    if (before != null) {
      ((RealCluster) cluster).restartOperator(config -> before);
    }
    if (roleCreated) {
      client.rbac().clusterRoles().withName(ROLE).delete();
    }
    UpstreamOperator.uninstallCrds(client, crds);
    if (sink != null) {
      sink.close();
    }
  }

  /** A pod that serves {@code target_up{target="<its name>"} 1} at :9100/metrics. */
  private static Deployment targets(String namespace) {
    String server = """
        import http.server, os
        class Metrics(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = ('# TYPE target_up gauge\\ntarget_up{target="%s"} 1\\n' % os.environ['POD_NAME']).encode()
                self.send_response(200)
                self.send_header('Content-Type', 'text/plain; version=0.0.4')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(('', 9100), Metrics).serve_forever()
        """;
    Deployment deployment = NodeWorkloads.deployment(namespace, "targets", Map.of(), new ContainerBuilder()
        .withName("app").withImage(NodeImages.APPS).withCommand("python3", "-c", server)
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
            .endValueFrom().endEnv()
        .addNewPort().withName("metrics").withContainerPort(9100).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/metrics").withPort(new IntOrString(9100)).endHttpGet()
            .withPeriodSeconds(1).endReadinessProbe()
        .build());
    deployment.getSpec().setReplicas(TARGETS);
    return deployment;
  }

  private static TelemetryCollector collector(String namespace) {
    return client.getKubernetesSerialization().unmarshal("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: metrics, namespace: %s}
        spec:
          mode: statefulset
          replicas: 3
          image: %s
          targetAllocator:
            enabled: true
            allocationStrategy: consistent-hashing
            collectorTargetReloadInterval: 5s
            prometheusCR:
              enabled: true
              scrapeInterval: 5s
              serviceMonitorSelector: {matchLabels: {scrape: "yes"}}
              podMonitorSelector: {}
          config:
            receivers:
              prometheus:
                config:
                  scrape_configs:
                    - job_name: pods-sd
                      scrape_interval: 5s
                      kubernetes_sd_configs:
                        - role: pod
                          namespaces: {names: [%s]}
                          selectors: [{role: pod, label: "app=targets"}]
                      relabel_configs:
                        - source_labels: [__meta_kubernetes_pod_container_port_name]
                          regex: metrics
                          action: keep
            processors:
              resource:
                attributes: [{key: collector.pod, value: "${env:POD_NAME}", action: upsert}]
              batch: {timeout: 200ms}
            exporters:
              otlphttp/sink: {endpoint: "%s", compression: none}
            extensions:
              health_check: {}
            service:
              extensions: [health_check]
              pipelines:
                metrics: {receivers: [prometheus], processors: [resource, batch], exporters: [otlphttp/sink]}
        """.formatted(namespace, NodeImages.COLLECTOR, namespace, sink.endpoint()), TelemetryCollector.class);
  }

  /** The job of a point: the receiver names its resource's service.name after it. */
  private static String job(ReceivedMetric metric) {
    return metric.resource().getOrDefault("service.name", "?");
  }

  private static String attribute(NumberDataPoint point, String key) {
    return point.getAttributesList().stream().filter(a -> a.getKey().equals(key)).map(KeyValue::getValue)
        .map(v -> v.getStringValue()).findFirst().orElse(null);
  }

  /** The {@code target_up} points scraped after {@code since}, with their metric. */
  private static List<Map.Entry<ReceivedMetric, NumberDataPoint>> points(Instant since) {
    List<Map.Entry<ReceivedMetric, NumberDataPoint>> points = new ArrayList<>();
    for (ReceivedMetric metric : sink.metrics()) {
      if (!metric.name().equals("target_up") || !metric.metric().hasGauge()) {
        continue;
      }
      for (NumberDataPoint point : metric.metric().getGauge().getDataPointsList()) {
        if (point.getTimeUnixNano() >= since.toEpochMilli() * 1_000_000L) {
          points.add(Map.entry(metric, point));
        }
      }
    }
    return points;
  }

  /** "job target-pod" to the collector pods that delivered its {@code target_up} points scraped after {@code since}. */
  private static Map<String, Set<String>> scrapers(Instant since) {
    Map<String, Set<String>> scrapers = new TreeMap<>();
    for (Map.Entry<ReceivedMetric, NumberDataPoint> point : points(since)) {
      scrapers.computeIfAbsent(job(point.getKey()) + " " + attribute(point.getValue(), "target"), t -> new TreeSet<>())
          .add(point.getKey().resource().getOrDefault("collector.pod", "?"));
    }
    return scrapers;
  }

  /** The allocator's resident memory, read from /proc of this machine (the node's pods are its processes). */
  private static String allocatorRss() {
    try (var processes = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
      for (java.nio.file.Path proc : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = java.nio.file.Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.contains("instrumentor.jar target-allocator")) {
            return java.nio.file.Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("?").replaceAll("\\s+", " ");
          }
        } catch (java.io.IOException gone) {
          // the process ended while read
        }
      }
    } catch (java.io.IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown (no process)";
  }

  /** The time of the first point of "job target" scraped after {@code since} by a replica that stayed. */
  private static long firstScrapeNanos(String key, Instant since) {
    return points(since).stream().filter(p -> !"metrics-collector-2".equals(p.getKey().resource().get("collector.pod")))
        .filter(p -> key.equals(job(p.getKey()) + " " + attribute(p.getValue(), "target")))
        .mapToLong(p -> p.getValue().getTimeUnixNano()).min().orElse(Long.MAX_VALUE);
  }

  private static boolean ready(StatefulSet statefulSet, int replicas) {
    return statefulSet != null && statefulSet.getStatus() != null
        && Integer.valueOf(replicas).equals(statefulSet.getStatus().getReadyReplicas())
        && Integer.valueOf(replicas).equals(statefulSet.getStatus().getReplicas());
  }

  /**
   * A ServiceMonitor of the targets' Service (labelled as the collector's serviceMonitorSelector asks), a PodMonitor
   * of their pods, and a ServiceMonitor the selector leaves out (its points would carry {@code monitor=ignored}).
   */
  private static void monitors(String namespace) {
    Service service = NodeWorkloads.service(namespace, "targets", "metrics", 9100);
    service.getMetadata().setLabels(Map.of("app", "targets"));
    client.resource(service).create();
    for (String yaml : List.of("""
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: targets, namespace: %1$s, labels: {scrape: "yes"}}
        spec:
          selector: {matchLabels: {app: targets}}
          endpoints: [{port: metrics, interval: 5s}]
        """, """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: ignored, namespace: %1$s}
        spec:
          selector: {matchLabels: {app: targets}}
          endpoints: [{port: metrics, interval: 5s, relabelings: [{targetLabel: monitor, replacement: ignored}]}]
        """, """
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: targets-pods, namespace: %1$s}
        spec:
          selector: {matchLabels: {app: targets}}
          podMetricsEndpoints: [{port: metrics, interval: 5s}]
        """)) {
      client.resource(client.getKubernetesSerialization().unmarshal(yaml.formatted(namespace),
          GenericKubernetesResource.class)).create();
    }
  }

  @Test
  void everyTargetIsScrapedByExactlyOneReplicaAndALeaversTargetsMove() {
    String namespace = cluster.namespace("target-allocator", Map.of());
    client.resource(targets(namespace)).create();
    monitors(namespace);
    NodeWorkloads.awaitAvailable(client, namespace, "targets", Duration.ofMinutes(2));
    Set<String> pods = NodeWorkloads.pods(client, namespace, "targets").stream().map(p -> p.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(pods).hasSize(TARGETS);
    // each pod is a target of three jobs: the receiver's kubernetes_sd, the ServiceMonitor's and the PodMonitor's
    Set<String> targets = new TreeSet<>();
    for (String job : List.of(SD_JOB, SERVICE_MONITOR_JOB, namespace + "/targets-pods")) {
      pods.forEach(pod -> targets.add(job + " " + pod));
    }

    client.resource(collector(namespace)).create();
    await().atMost(Duration.ofMinutes(4)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() -> {
      assertThat(NodeWorkloads.available(client.apps().deployments().inNamespace(namespace)
          .withName("metrics-targetallocator").get())).as("the allocator's pod is Ready (its first assignment made)").isTrue();
      assertThat(ready(client.apps().statefulSets().inNamespace(namespace).withName("metrics-collector").get(), 3))
          .as("three collector replicas Ready").isTrue();
    });
    Instant steady = Instant.now();
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
      Map<String, Set<String>> scrapers = scrapers(steady);
      assertThat(scrapers.keySet()).as("every target of every job scraped, nothing else")
          .containsExactlyInAnyOrderElementsOf(targets);
      assertThat(scrapers).allSatisfy((target, by) -> assertThat(by).as("scrapers of " + target).hasSize(1));
      assertThat(scrapers.values().stream().flatMap(Set::stream).distinct().count()).as("spread over replicas")
          .isGreaterThanOrEqualTo(2);
    });
    // the labels the monitors give their targets, as the Prometheus Operator's scrape configs do
    List<Map.Entry<ReceivedMetric, NumberDataPoint>> points = points(steady);
    assertThat(points).filteredOn(p -> job(p.getKey()).equals(SERVICE_MONITOR_JOB)).isNotEmpty().allSatisfy(p -> {
      assertThat(attribute(p.getValue(), "pod")).as("pod").isEqualTo(attribute(p.getValue(), "target"));
      assertThat(attribute(p.getValue(), "service")).as("service").isEqualTo("targets");
      assertThat(attribute(p.getValue(), "namespace")).as("namespace").isEqualTo(namespace);
      assertThat(attribute(p.getValue(), "endpoint")).as("endpoint").isEqualTo("metrics");
      assertThat(attribute(p.getValue(), "container")).as("container").isEqualTo("app");
    });
    assertThat(points).filteredOn(p -> job(p.getKey()).equals(namespace + "/targets-pods")).isNotEmpty().allSatisfy(p -> {
      assertThat(attribute(p.getValue(), "pod")).as("pod").isEqualTo(attribute(p.getValue(), "target"));
      assertThat(attribute(p.getValue(), "endpoint")).as("endpoint").isEqualTo("metrics");
    });
    assertThat(points).as("the ServiceMonitor the selector leaves out").noneMatch(p ->
        "ignored".equals(attribute(p.getValue(), "monitor")));
    Map<String, Set<String>> three = scrapers(steady);

    // a replica goes: the statefulset scales to two, metrics-collector-2 leaves, its targets move
    Instant scaled = Instant.now();
    client.resources(TelemetryCollector.class).inNamespace(namespace).withName("metrics")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":2}}");
    await().atMost(Duration.ofMinutes(2)).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(client.pods().inNamespace(namespace).withName("metrics-collector-2").get()).as("gone").isNull());
    Instant left = Instant.now();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Map<String, Set<String>> scrapers = scrapers(left.plusSeconds(12));
      assertThat(scrapers.keySet()).as("every target still scraped").containsExactlyInAnyOrderElementsOf(targets);
      assertThat(scrapers).allSatisfy((target, by) -> assertThat(by).as("scrapers of " + target).hasSize(1)
          .doesNotContain("metrics-collector-2"));
    });
    Map<String, Set<String>> two = scrapers(left.plusSeconds(12));
    assertThat(three).allSatisfy((target, by) -> {
      if (!by.contains("metrics-collector-2")) {
        assertThat(two.get(target)).as("a target of a replica that stayed stays with it: " + target).isEqualTo(by);
      }
    });
    // how long until the moved targets were scraped by another replica, from the scale-down (the allocator drops a
    // pod as soon as it is terminating, before it is gone); a pod's three targets share its address, so they
    // share a replica, and the leaver has none in under 3 % of runs: then there is nothing to move
    List<String> moved = three.entrySet().stream().filter(e -> e.getValue().contains("metrics-collector-2"))
        .map(Map.Entry::getKey).toList();
    long slowest = moved.stream().mapToLong(key -> firstScrapeNanos(key, scaled) - scaled.toEpochMilli() * 1_000_000L)
        .max().orElse(0);
    System.out.printf("target allocator: %d targets (%d pods x 3 jobs) over 3 replicas, %d on the leaver; after the"
        + " scale-down, %s (the leaver's pod gone after %.1f s); the allocator's RSS %s%n", targets.size(), TARGETS,
        moved.size(), moved.isEmpty() ? "nothing to move"
            : String.format("moved targets scraped by another replica within %.1f s", slowest / 1e9),
        Duration.between(scaled, left).toMillis() / 1e3, allocatorRss());
  }
}
