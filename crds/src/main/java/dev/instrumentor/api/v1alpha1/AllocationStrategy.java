package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a target allocator spreads scrape targets over the collector's pods. */
public enum AllocationStrategy implements WireValue {
  LEAST_WEIGHTED("least-weighted"),
  CONSISTENT_HASHING("consistent-hashing"),
  PER_NODE("per-node");

  private final String value;

  AllocationStrategy(String value) {
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
  public static AllocationStrategy fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
