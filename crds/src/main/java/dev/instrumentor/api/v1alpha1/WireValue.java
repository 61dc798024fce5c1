package dev.instrumentor.api.v1alpha1;

import java.util.Arrays;

/** An enum of the API whose constants are written in resources as {@link #value()}. */
public interface WireValue {

  /** The value as written in the resource. */
  String value();

  /**
   * The constant written as {@code value}.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
   */
  static <E extends Enum<E> & WireValue> E parse(E[] constants, String value) {
    for (E candidate : constants) {
      if (candidate.value().equals(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + Arrays.stream(constants).map(WireValue::value).toList());
  }
}
