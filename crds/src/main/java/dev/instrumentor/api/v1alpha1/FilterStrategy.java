package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a target allocator filters targets before it assigns them. */
public enum FilterStrategy implements WireValue {
  NONE(""),
  RELABEL_CONFIG("relabel-config");

  private final String value;

  FilterStrategy(String value) {
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
  public static FilterStrategy fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
