package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a TelemetryCollector runs. */
public enum CollectorMode implements WireValue {
  DEPLOYMENT("deployment"),
  DAEMONSET("daemonset"),
  STATEFULSET("statefulset"),
  SIDECAR("sidecar");

  private final String value;

  CollectorMode(String value) {
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
  public static CollectorMode fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
