package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A trace sampler of the OpenTelemetry SDK (a value of OTEL_TRACES_SAMPLER). */
public enum SamplerType implements WireValue {
  ALWAYS_ON("always_on"),
  ALWAYS_OFF("always_off"),
  TRACEIDRATIO("traceidratio"),
  PARENTBASED_ALWAYS_ON("parentbased_always_on"),
  PARENTBASED_ALWAYS_OFF("parentbased_always_off"),
  PARENTBASED_TRACEIDRATIO("parentbased_traceidratio"),
  JAEGER_REMOTE("jaeger_remote"),
  /** ParentBased(root=JaegerRemoteSampler), as the OpenTelemetry Operator names it. */
  PARENTBASED_JAEGER_REMOTE("parentbased_jaeger_remote"),
  XRAY("xray");

  private final String value;

  SamplerType(String value) {
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
  public static SamplerType fromValue(String value) {
    return WireValue.parse(values(), value);
  }

  @Override
  public String toString() {
    return value;
  }
}
