package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** An OTLP transport protocol (a value of OTEL_EXPORTER_OTLP_PROTOCOL). */
public enum ExporterProtocol implements WireValue {
  GRPC("grpc"),
  HTTP_PROTOBUF("http/protobuf");

  private final String value;

  ExporterProtocol(String value) {
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
  public static ExporterProtocol fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
