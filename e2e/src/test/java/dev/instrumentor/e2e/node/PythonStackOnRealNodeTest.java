package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.KubeNode;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import dev.instrumentor.e2e.harness.ShopStack;
import dev.instrumentor.e2e.otlp.OtlpHttpReceiver;
import dev.instrumentor.e2e.otlp.ReceivedLog;
import dev.instrumentor.e2e.otlp.ReceivedSpan;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack our users wire the SDK into by hand, in pods on the real node, with no OpenTelemetry code and the SDK's
 * defaults (spans batched for 5 s): Django under gunicorn (two prefork workers) and under uWSGI hands sales to a
 * Celery worker (prefork, each child recycled after one task) through Redis; both read MariaDB and memcached.
 * From what a gateway TelemetryCollector exports: each sale is one trace from the HTTP request through
 * {@code apply_async} to the worker's task and its database and cache calls; every recycled child's spans and logs
 * arrive (the agent image's hook flushes before billiard's {@code os._exit}); log records carry their trace; the
 * web tier's {@code http.server.duration} arrives.
 */
class PythonStackOnRealNodeTest extends OnRealNode {

  private static final String SALE = "shop.tasks.record_sale";
  private static final Pattern WORKER_LOG = Pattern.compile("sale of product (\\d+) recorded by worker process (\\d+)");
  private static final Pattern WEB_LOG = Pattern.compile("product (\\d+) sold by web process (\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static OtlpHttpReceiver receiver;
  private static String namespace;

  @BeforeAll
  static void start() throws Exception {
    receiver = new OtlpHttpReceiver(KubeNode.ADDRESS);
    namespace = cluster.namespace("python-stack", Map.of());
    client.resource(NodeWorkloads.collector(client, namespace, "gateway", "deployment", receiver.endpoint())).create();
    Instrumentation instrumentation = NodeWorkloads.instrumentation(namespace,
        "http://gateway-collector." + namespace + ".svc.cluster.local:4318");
    // the SDK's defaults for spans and logs (batches every 5 s: a recycled child must flush, not wait); metrics
    // every 5 s instead of 60 so that the test need not wait a minute for the first
    instrumentation.getSpec().setEnv(List.of(new EnvVar("OTEL_METRIC_EXPORT_INTERVAL", "5000", null)));
    client.resource(instrumentation).create();
    ShopStack.createServers(client, namespace);
    ShopStack.createWorker(client, namespace);
    ShopStack.createGunicornWeb(client, namespace);
    ShopStack.createUwsgiWeb(client, namespace);
    for (String name : List.of("gateway-collector", "redis", "memcached", "mariadb", ShopStack.WORKER)) {
      NodeWorkloads.awaitAvailable(client, namespace, name, Duration.ofMinutes(3));
    }
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void eachSaleUnderGunicornIsOneTraceFromTheRequestToTheRecycledWorkerChild() {
    Pod web = NodeWorkloads.awaitAvailable(client, namespace, ShopStack.WEB, Duration.ofMinutes(3));
    assertThat(web.getSpec().getInitContainers()).extracting("name").containsExactly("instrumentor-python-agent");
    List<Sale> sales = sellUntilBothWorkersServed(ShopStack.WEB, 6);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      List<ReceivedSpan> spans = receiver.spans();
      Set<String> workerPids = new LinkedHashSet<>();
      for (Sale sale : sales) {
        String trace = assertOneTrace(spans, sale, ShopStack.WEB);
        workerPids.add(logPid(ShopStack.WORKER, WORKER_LOG, trace));
        assertThat(logPid(ShopStack.WEB, WEB_LOG, trace)).as("the web log of sale " + sale.task())
            .isEqualTo(Long.toString(sale.pid()));
      }
      // --max-tasks-per-child 1: each task ran in a child that then exited, and each child's spans and logs arrived
      assertThat(workerPids).as("worker children that recorded a sale").hasSize(sales.size());
      // OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=redis on the worker (as the example has it): no broker bookkeeping
      assertThat(spans).filteredOn(span -> ShopStack.WORKER.equals(span.resource().get("service.name")))
          .noneMatch(span -> "redis".equals(attribute(span, "db.system")));
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics())
        .filteredOn(metric -> ShopStack.WEB.equals(metric.resource().get("service.name")))
        .extracting(metric -> metric.name()).contains("http.server.duration"));
  }

  @Test
  void uwsgiWithThreadsStartsItsWorkersAndExportsWhileItServes() {
    Pod pod = NodeWorkloads.awaitAvailable(client, namespace, ShopStack.UWSGI, Duration.ofMinutes(3));
    List<Sale> sales = sellUntilBothWorkersServed(ShopStack.UWSGI, 4);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ReceivedSpan> spans = receiver.spans();
      for (Sale sale : sales) {
        String trace = assertOneTrace(spans, sale, ShopStack.UWSGI);
        assertThat(logPid(ShopStack.UWSGI, WEB_LOG, trace)).isEqualTo(Long.toString(sale.pid()));
      }
    });
    // the agent image stopped the SDK's threads in the master before it forked (else a worker can hang at start)
    assertThat(client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).getLog())
        .doesNotContain("instrumentor: uWSGI");
  }

  /**
   * Sales through the web Service until both of its workers have served (the kernel spreads connections, not evenly;
   * a worker that hung at start never would), at least {@code atLeast} of them.
   */
  private static List<Sale> sellUntilBothWorkersServed(String web, int atLeast) {
    List<Sale> sales = new ArrayList<>();
    String base = "http://" + clusterIp(web) + ":8080/buy/";
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      sales.add(buy(base + (sales.size() % 3 + 1)));
      assertThat(sales).hasSizeGreaterThanOrEqualTo(atLeast);
      assertThat(sales.stream().map(Sale::pid).distinct()).as(web + " workers that served").hasSize(2);
    });
    return sales;
  }

  /** The sale's trace, asserted whole: SERVER, its cache read, PRODUCER, and the worker's CONSUMER with its calls. */
  private static String assertOneTrace(List<ReceivedSpan> spans, Sale sale, String webService) {
    ReceivedSpan producer = one(spans, span -> span.span().getKind() == Span.SpanKind.SPAN_KIND_PRODUCER
        && sale.task().equals(attribute(span, "messaging.message.id")), "apply_async of task " + sale.task());
    String trace = producer.traceId();
    List<ReceivedSpan> inTrace = spans.stream().filter(span -> span.traceId().equals(trace)).toList();
    ReceivedSpan server = one(inTrace, ReceivedSpan::isServer, "the web request of " + sale.task());
    assertThat(server.resource()).containsEntry("service.name", webService).containsEntry("k8s.node.name", KubeNode.NAME);
    assertThat(server.span().getName()).isEqualTo("GET buy/<int:product_id>");
    assertThat(producer.span().getName()).isEqualTo("apply_async/" + SALE);
    assertThat(producer.parentSpanId()).isEqualTo(server.spanId());
    assertThat(children(inTrace, server)).filteredOn(span -> "memcached".equals(attribute(span, "db.system")))
        .extracting(span -> span.span().getName()).contains("get");
    ReceivedSpan run = one(inTrace, span -> span.span().getKind() == Span.SpanKind.SPAN_KIND_CONSUMER,
        "the task run of " + sale.task());
    assertThat(run.span().getName()).isEqualTo("run/" + SALE);
    assertThat(run.resource()).containsEntry("service.name", ShopStack.WORKER);
    assertThat(run.parentSpanId()).isEqualTo(producer.spanId());
    List<ReceivedSpan> calls = children(inTrace, run);
    assertThat(calls).filteredOn(span -> "mysql".equals(attribute(span, "db.system")))
        .extracting(span -> span.span().getName()).contains("UPDATE", "SELECT");
    assertThat(calls).filteredOn(span -> "memcached".equals(attribute(span, "db.system")))
        .extracting(span -> span.span().getName()).contains("set");
    return trace;
  }

  /** The process id a service's log line in {@code trace} names (the line is a log record carrying the trace). */
  private static String logPid(String service, Pattern line, String trace) {
    List<String> pids = new ArrayList<>();
    for (ReceivedLog log : receiver.logs()) {
      Matcher matcher = line.matcher(log.body());
      if (service.equals(log.resource().get("service.name")) && trace.equals(log.traceId()) && matcher.matches()) {
        pids.add(matcher.group(2));
      }
    }
    // on failure, what the service did log (and in which trace): a record lost, or one outside its trace
    assertThat(pids).as(() -> service + "'s log record in trace " + trace + "; its records: " + receiver.logs().stream()
        .filter(log -> service.equals(log.resource().get("service.name")))
        .map(log -> log.traceId() + " " + log.body()).toList()).hasSize(1);
    return pids.get(0);
  }

  private static List<ReceivedSpan> children(List<ReceivedSpan> spans, ReceivedSpan parent) {
    return spans.stream().filter(span -> span.parentSpanId().equals(parent.spanId())).toList();
  }

  private static ReceivedSpan one(List<ReceivedSpan> spans, Predicate<ReceivedSpan> which, String what) {
    List<ReceivedSpan> matching = spans.stream().filter(which).toList();
    assertThat(matching).as(what).hasSize(1);
    return matching.get(0);
  }

  private static String attribute(ReceivedSpan span, String key) {
    return span.span().getAttributesList().stream().filter(attribute -> attribute.getKey().equals(key))
        .map(KeyValue::getValue).map(PythonStackOnRealNodeTest::text).findFirst().orElse(null);
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.getStringValue();
    };
  }

  private static String clusterIp(String service) {
    return client.services().inNamespace(namespace).withName(service).get().getSpec().getClusterIP();
  }

  /** One sale: {@code GET /buy/<product>}, answered with the task it queued and the web process that served it. */
  private static Sale buy(String url) {
    HttpResponse<String> response = NodeWorkloads.get(url);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    try {
      JsonNode body = JSON.readTree(response.body());
      return new Sale(body.path("task").asText(), body.path("pid").asLong());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  private record Sale(String task, long pid) {
  }
}
