package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A context propagator of the OpenTelemetry SDK (a value of OTEL_PROPAGATORS). */
public enum Propagator implements WireValue {
  TRACECONTEXT("tracecontext"),
  BAGGAGE("baggage"),
  B3("b3"),
  B3MULTI("b3multi"),
  JAEGER("jaeger"),
  XRAY("xray"),
  OTTRACE("ottrace"),
  NONE("none");

  private final String value;

  Propagator(String value) {
    this.value = value;
  }

  @Override
  @JsonValue
  public String value() {
    return value;
  }

  /**
   * Parses a value as written in the resource.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code value} is not one
   */
  @JsonCreator
  public static Propagator fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
