package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** An OTLP transport protocol (a value of OTEL_EXPORTER_OTLP_PROTOCOL). */
public enum ExporterProtocol {
  GRPC("grpc"),
  HTTP_PROTOBUF("http/protobuf");

  private final String value;

  ExporterProtocol(String value) {
    this.value = value;
  }

  /** The value as written in the resource and passed to the agent or Kubernetes. */
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
    for (ExporterProtocol candidate : values()) {
      if (candidate.value.equals(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + Arrays.stream(values()).map(ExporterProtocol::value).toList());
  }

  @Override
  public String toString() {
    return value;
  }
}
