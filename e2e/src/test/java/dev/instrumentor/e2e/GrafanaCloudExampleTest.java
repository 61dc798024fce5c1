package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.ByteString;
import dev.instrumentor.e2e.harness.CollectorProcess;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedMetric;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana Cloud example's collector config, as shipped, run by the real collector (built with the collector
 * builder) against a stand-in for Grafana's OTLP gateway that serves {@code /otlp/v1/*} and insists on the
 * basic authentication the example reads from its environment: span metrics count every span, the traces
 * exported are all the errors and about 10 % of the rest, each one whole. Only the listeners (to free ports)
 * and the waits (tail_sampling's decision_wait, the span metrics' flush) are changed, with {@code --set}.
 */
class GrafanaCloudExampleTest {

  private static final int TRACES = 1_000;
  private static final int ERRORS = 100;
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path directory;

  @Test
  void spanMetricsCountEverySpanAndTracesKeepAllErrorsAndATenthOfTheRest() throws Exception {
    Path config = directory.resolve("collector.json");
    Files.writeString(config, exampleCollectorConfig().toString());
    try (OtlpHttpReceiver grafana = new OtlpHttpReceiver("127.0.0.1", "/otlp").requireBasicAuth("123456", "glc-test");
        CollectorProcess collector = CollectorProcess.start(config, Map.of("GRAFANA_CLOUD_OTLP_ENDPOINT",
            grafana.endpoint(), "GRAFANA_CLOUD_INSTANCE_ID", "123456", "GRAFANA_CLOUD_API_KEY", "glc-test"),
            List.of("processors::tail_sampling::decision_wait=2s", "connectors::spanmetrics::metrics_flush_interval=1s"))) {
      Set<String> errors = new HashSet<>();
      Set<String> rest = new HashSet<>();
      HttpClient http = HttpClient.newHttpClient();
      for (int batch = 0; batch < TRACES / 50; batch++) {
        ScopeSpans.Builder spans = ScopeSpans.newBuilder();
        for (int i = 0; i < 50; i++) {
          boolean error = (batch * 50 + i) % (TRACES / ERRORS) == 0;
          byte[] traceId = bytes(16);
          (error ? errors : rest).add(HexFormat.of().formatHex(traceId));
          byte[] root = bytes(8);
          long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
          spans.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(root))
              .setName("GET /checkout").setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(now - 5_000_000)
              .setEndTimeUnixNano(now).setStatus(Status.newBuilder().setCode(error ? Status.StatusCode.STATUS_CODE_ERROR
                  : Status.StatusCode.STATUS_CODE_UNSET)));
          spans.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(bytes(8)))
              .setParentSpanId(ByteString.copyFrom(root)).setName("SELECT").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
              .setStartTimeUnixNano(now - 4_000_000).setEndTimeUnixNano(now - 1_000_000));
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans
            .newBuilder().setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("shop")))).addScopeSpans(spans)).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(collector.otlpHttpEndpoint()
                + "/v1/traces")).header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("the collector's answer: %s", answer.body()).isEqualTo(200);
      }

      // every span is counted, before any sampling: 1,000 server and 1,000 client calls
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(calls(grafana.metrics()))
          .containsEntry("GET /checkout", (long) TRACES).containsEntry("SELECT", (long) TRACES));
      // every error trace is exported, whole
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(traces(grafana.spans()).keySet())
          .containsAll(errors));
      // what was decided is exported a decision_wait later: wait until the exported traces stop changing
      AtomicInteger before = new AtomicInteger(-1);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(3)).until(() -> {
        int now = grafana.spans().size();
        return now == before.getAndSet(now);
      });

      Map<String, Integer> exported = traces(grafana.spans());
      assertThat(exported.values()).as("spans per exported trace: each trace whole").containsOnly(2);
      long sampled = exported.keySet().stream().filter(rest::contains).count();
      // binomial(900, 0.1): mean 90, standard deviation 9; four of them either side (a false failure ~1 in 15,000)
      assertThat(sampled).as("traces without error exported, of %s", rest.size()).isBetween(54L, 126L);
      assertThat(exported.keySet()).isSubsetOf(union(errors, rest));
      assertThat(grafana.refused()).as("requests without the example's basic auth").isZero();
      assertThat(grafana.strays()).as("requests to paths other than /otlp/v1/*").isZero();
      assertThat(collector.log()).doesNotContain("\terror\t");
    }
  }

  /** The TelemetryCollector's {@code spec.config} in {@code examples/grafana-cloud.yaml}, as written. */
  private static JsonNode exampleCollectorConfig() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (var documents = yaml.readerFor(JsonNode.class)
        .readValues(ControlPlane.projectRoot().resolve("examples/grafana-cloud.yaml").toFile())) {
      while (documents.hasNext()) {
        JsonNode document = (JsonNode) documents.next();
        if ("TelemetryCollector".equals(document.path("kind").asText())) {
          return document.path("spec").path("config");
        }
      }
    }
    throw new AssertionError("no TelemetryCollector in examples/grafana-cloud.yaml");
  }

  /** Per span name, the calls span metrics counted: the latest cumulative value of each series, summed. */
  private static Map<String, Long> calls(List<ReceivedMetric> metrics) {
    Map<String, Long> latest = new HashMap<>();
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals("traces.span.metrics.calls")) {
        continue;
      }
      for (NumberDataPoint point : metric.metric().getSum().getDataPointsList()) {
        String series = point.getAttributesList().stream().map(a -> a.getKey() + "=" + a.getValue().getStringValue())
            .sorted().collect(Collectors.joining(","));
        latest.merge(series, point.getAsInt(), Math::max);
      }
    }
    Map<String, Long> byName = new HashMap<>();
    latest.forEach((series, value) -> {
      String name = series.replaceFirst(".*span\\.name=([^,]*).*", "$1");
      byName.merge(name, value, Long::sum);
    });
    return byName;
  }

  /** Exported spans per trace id. */
  private static Map<String, Integer> traces(List<ReceivedSpan> spans) {
    return spans.stream().collect(Collectors.toMap(ReceivedSpan::traceId, span -> 1, Integer::sum));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
