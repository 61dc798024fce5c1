package dev.instrumentor.e2e.otlp;

import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.Map;

/**
 * A span as a receiver got it, with the attributes of its resource.
 *
 * @param resource resource attributes, as strings
 */
public record ReceivedSpan(Map<String, String> resource, Span span) {

  public String traceId() {
    return HexFormat.of().formatHex(span.getTraceId().toByteArray());
  }

  public String spanId() {
    return HexFormat.of().formatHex(span.getSpanId().toByteArray());
  }

  public String parentSpanId() {
    return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
  }

  public boolean isServer() {
    return span.getKind() == Span.SpanKind.SPAN_KIND_SERVER;
  }
}
