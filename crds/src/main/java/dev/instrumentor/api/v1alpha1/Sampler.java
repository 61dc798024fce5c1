package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * The trace sampler of the injected agents.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.argument) || !has(self.type) || !(self.type in ['traceidratio', 'parentbased_traceidratio']) || self.argument.matches('^(0([.][0-9]+)?|[.][0-9]+|1([.]0+)?)$')",
    message = "spec.sampler.argument must be a number between 0 and 1 for sampler type traceidratio or parentbased_traceidratio",
    fieldPath = ".argument")
public class Sampler {

  /** Sampler type (OTEL_TRACES_SAMPLER). */
  private SamplerType type;

  /**
   * Sampler argument (OTEL_TRACES_SAMPLER_ARG): a ratio in [0,1] for the traceidratio samplers;
   * endpoint=...,pollingIntervalMs=...,initialSamplingRate=... for jaeger_remote.
   */
  private String argument;

  public SamplerType getType() {
    return type;
  }

  public void setType(SamplerType type) {
    this.type = type;
  }

  public String getArgument() {
    return argument;
  }

  public void setArgument(String argument) {
    this.argument = argument;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Sampler other)) {
      return false;
    }
    return Objects.equals(type, other.type)
        && Objects.equals(argument, other.argument);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, argument);
  }

  @Override
  public String toString() {
    return "Sampler{" + "type=" + type + ", argument=" + argument + "}";
  }
}
