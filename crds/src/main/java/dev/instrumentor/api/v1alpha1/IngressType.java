package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What exposes a collector's receivers outside the cluster. */
public enum IngressType implements WireValue {
  INGRESS("ingress"),
  ROUTE("route");

  private final String value;

  IngressType(String value) {
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
  public static IngressType fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
