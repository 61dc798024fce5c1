package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.mutation.PodJson;
import java.util.List;

/**
 * OpenTelemetry's Node.js auto-instrumentation, with the contract of the OpenTelemetry Operator's
 * autoinstrumentation-nodejs images: {@code /autoinstrumentation} holds
 * {@code @opentelemetry/auto-instrumentations-node} with the SDK and exporters in its
 * {@code node_modules}, and {@code autoinstrumentation.js} (the package's {@code register.js}) at its
 * root; it is copied into the volume, and NODE_OPTIONS gets {@code --require} of that file, so that
 * Node.js starts the SDK and patches the modules before the application's code loads.
 */
final class NodeJsLanguage extends AgentLanguage {

  static final String NAME = Language.NODEJS.key();
  static final String MOUNT_PATH = "/instrumentor/nodejs";
  static final String NODE_OPTIONS = "NODE_OPTIONS";

  private static final List<Loader> LOADERS = List.of(
      new Loader(NODE_OPTIONS, null, "--require " + MOUNT_PATH + "/autoinstrumentation.js", " "));

  /** The SDK starts a metric reader only when an exporter is named (as upstream sets it). */
  private static final List<JsonNode> DEFAULTS = List.of(PodJson.envVar("OTEL_METRICS_EXPORTER", "otlp"));

  NodeJsLanguage() {
    super(Language.NODEJS, "instrumentor-nodejs-agent", MOUNT_PATH, "Node.js auto-instrumentation attached");
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getNodejs();
  }


  @Override
  List<Loader> loaders(AgentSpec block, String variant) {
    return LOADERS;
  }

  @Override
  List<JsonNode> defaults(String variant) {
    return DEFAULTS;
  }
}
