package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.Language;

import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;

/**
 * No agent: for containers whose code sets up the OpenTelemetry SDK itself (a TracerProvider with an
 * OTLP exporter that reads the standard variables). They get the Instrumentation's OTEL_*
 * environment (service name, endpoint, protocol, propagators, sampler, resource attributes,
 * OTEL_NODE_IP/OTEL_POD_IP, spec.env) and no init container, volume or loader.
 */
final class SdkLanguage extends AgentLanguage {

  static final String NAME = Language.SDK.key();

  SdkLanguage() {
    super(Language.SDK, null, null,
        "OpenTelemetry SDK environment set");
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return null;
  }
}
