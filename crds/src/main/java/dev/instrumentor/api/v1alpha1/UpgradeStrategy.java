package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a collector is upgraded when the operator is (field of the OpenTelemetry Operator's). */
public enum UpgradeStrategy implements WireValue {
  AUTOMATIC("automatic"),
  NONE("none");

  private final String value;

  UpgradeStrategy(String value) {
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
  public static UpgradeStrategy fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
