package dev.instrumentor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InstrumentorAnnotationsTest {

  @Test
  void eachKeyHasTheOpenTelemetryOperatorsEquivalent() {
    assertThat(InstrumentorAnnotations.Upstream.of(InstrumentorAnnotations.INJECT_JAVA))
        .isEqualTo("instrumentation.opentelemetry.io/inject-java");
    assertThat(InstrumentorAnnotations.Upstream.of(InstrumentorAnnotations.SDK_CONTAINER_NAMES))
        .isEqualTo("instrumentation.opentelemetry.io/sdk-container-names");
    assertThat(InstrumentorAnnotations.Upstream.of(InstrumentorAnnotations.CONTAINER_NAMES))
        .isEqualTo("instrumentation.opentelemetry.io/container-names");
    // the two whose upstream names differ from ours
    assertThat(InstrumentorAnnotations.Upstream.of(InstrumentorAnnotations.PYTHON_PLATFORM))
        .isEqualTo("instrumentation.opentelemetry.io/otel-python-platform");
    assertThat(InstrumentorAnnotations.Upstream.of(InstrumentorAnnotations.DOTNET_RUNTIME))
        .isEqualTo("instrumentation.opentelemetry.io/otel-dotnet-auto-runtime");
    assertThatThrownBy(() -> InstrumentorAnnotations.Upstream.of("example.com/inject-java"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
