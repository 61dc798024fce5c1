package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** TLS termination of an OpenShift route. */
public enum RouteTermination implements WireValue {
  INSECURE("insecure"),
  EDGE("edge"),
  PASSTHROUGH("passthrough"),
  REENCRYPT("reencrypt");

  private final String value;

  RouteTermination(String value) {
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
  public static RouteTermination fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
