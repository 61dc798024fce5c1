package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a selector-chosen pod's containers get: the language detected ({@code auto}) or only the languages listed. */
public enum SelectorLanguage implements WireValue {
  /** Each container's language as detected, among Java, Node.js, Python and .NET. */
  AUTO("auto"),
  JAVA("java"),
  NODEJS("nodejs"),
  PYTHON("python"),
  DOTNET("dotnet"),
  /** The OTEL_* environment alone, for the containers whose language is not detected (their app sets the SDK up). */
  SDK("sdk");

  private final String value;

  SelectorLanguage(String value) {
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
  public static SelectorLanguage fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
