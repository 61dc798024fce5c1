package dev.instrumentor.e2e.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the test receivers collect: decoded spans, log records and metrics, shared by the HTTP and gRPC receivers. */
public class OtlpCollector {

  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<ReceivedLog> logs = new ArrayList<>();
  private final List<ReceivedMetric> metrics = new ArrayList<>();

  private static Map<String, String> attributes(Resource resource) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (KeyValue attribute : resource.getAttributesList()) {
      attributes.put(attribute.getKey(), attribute.getValue().getStringValue());
    }
    return Map.copyOf(attributes);
  }

  protected synchronized void accept(ExportLogsServiceRequest request) {
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      Map<String, String> resource = attributes(resourceLogs.getResource());
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          logs.add(new ReceivedLog(resource, record));
        }
      }
    }
  }

  protected synchronized void accept(ExportMetricsServiceRequest request) {
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      Map<String, String> resource = attributes(resourceMetrics.getResource());
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          metrics.add(new ReceivedMetric(resource, metric));
        }
      }
    }
  }

  public synchronized List<ReceivedLog> logs() {
    return List.copyOf(logs);
  }

  public synchronized List<ReceivedMetric> metrics() {
    return List.copyOf(metrics);
  }

  protected synchronized void accept(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, String> resource = attributes(resourceSpans.getResource());
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(new ReceivedSpan(resource, span));
        }
      }
    }
  }

  public synchronized List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  public List<ReceivedSpan> serverSpans() {
    return spans().stream().filter(ReceivedSpan::isServer).toList();
  }
}
