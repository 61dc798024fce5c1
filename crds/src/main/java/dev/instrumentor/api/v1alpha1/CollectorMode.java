package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How a TelemetryCollector runs. */
public enum CollectorMode {
  DEPLOYMENT("deployment"),
  DAEMONSET("daemonset"),
  STATEFULSET("statefulset"),
  SIDECAR("sidecar");

  private final String value;

  CollectorMode(String value) {
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
  public static CollectorMode fromValue(String value) {
    for (CollectorMode candidate : values()) {
      if (candidate.value.equals(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + Arrays.stream(values()).map(CollectorMode::value).toList());
  }

  @Override
  public String toString() {
    return value;
  }
}
