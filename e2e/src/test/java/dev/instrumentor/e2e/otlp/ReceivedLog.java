package dev.instrumentor.e2e.otlp;

import io.opentelemetry.proto.logs.v1.LogRecord;
import java.util.HexFormat;
import java.util.Map;

/** A log record as received, with its resource's attributes. */
public record ReceivedLog(Map<String, String> resource, LogRecord record) {

  /** The trace the record was emitted in, hex; empty when none. */
  public String traceId() {
    return HexFormat.of().formatHex(record.getTraceId().toByteArray());
  }

  public String body() {
    return record.getBody().getStringValue();
  }
}
