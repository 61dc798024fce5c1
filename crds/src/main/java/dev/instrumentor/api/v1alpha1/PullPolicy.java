package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** An image pull policy. */
public enum PullPolicy {
  ALWAYS("Always"),
  IF_NOT_PRESENT("IfNotPresent"),
  NEVER("Never");

  private final String value;

  PullPolicy(String value) {
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
  public static PullPolicy fromValue(String value) {
    for (PullPolicy candidate : values()) {
      if (candidate.value.equals(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + Arrays.stream(values()).map(PullPolicy::value).toList());
  }

  @Override
  public String toString() {
    return value;
  }
}
