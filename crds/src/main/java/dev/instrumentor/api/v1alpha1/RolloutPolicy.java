package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What the operator does about workloads whose pods missed injection or run an older generation. */
public enum RolloutPolicy {
  NEVER("Never"),
  RESTART("Restart");

  private final String value;

  RolloutPolicy(String value) {
    this.value = value;
  }

  /** The value as written in the resource. */
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
  public static RolloutPolicy fromValue(String value) {
    for (RolloutPolicy candidate : values()) {
      if (candidate.value.equals(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + Arrays.stream(values()).map(RolloutPolicy::value).toList());
  }

  @Override
  public String toString() {
    return value;
  }
}
