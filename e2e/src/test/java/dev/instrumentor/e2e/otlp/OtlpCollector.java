package dev.instrumentor.e2e.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the test receivers collect: decoded spans, shared by the HTTP and gRPC receivers. */
public class OtlpCollector {

  private final List<ReceivedSpan> spans = new ArrayList<>();

  protected synchronized void accept(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, String> resource = new LinkedHashMap<>();
      for (KeyValue attribute : resourceSpans.getResource().getAttributesList()) {
        resource.put(attribute.getKey(), attribute.getValue().getStringValue());
      }
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(new ReceivedSpan(Map.copyOf(resource), span));
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
