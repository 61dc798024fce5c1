package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * .NET auto-instrumentation settings. The image holds OpenTelemetry .NET automatic instrumentation
 * (the CLR profiler for linux-x64 and linux-musl-x64, the startup hook, the additional deps and the
 * shared store) under /autoinstrumentation, as the OpenTelemetry Operator's autoinstrumentation-dotnet
 * images do. The runtime is chosen by the instrumentor.dev/dotnet-runtime annotation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))",
    message = "spec.dotnet.volumeLimitSize and spec.dotnet.volumeClaimTemplate are mutually exclusive: set one")
@ValidationRule(value = "!(has(self.resources) && has(self.resourceRequirements))",
    message = "spec.dotnet.resources and spec.dotnet.resourceRequirements (the OpenTelemetry Operator's name) are the"
        + " same setting: set one")
public class DotNetSpec extends LanguageSpec {

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof DotNetSpec other && sameAgent(other);
  }

  @Override
  public int hashCode() {
    return agentHash();
  }

  @Override
  public String toString() {
    return "DotNetSpec{" + agentFields() + "}";
  }
}
